// MongoDB driver: each batch runs in session.withTransaction on a fresh session. The driver itself
// retries TransientTransactionError for up to 120 s before eachBatch sees the error.
// Transactions need a replica set or sharded cluster (a single-node replica set is enough).
import { DEFAULT_CHECKPOINT_COLLECTION, mongoCheckpointStore, type MongoCollectionLike } from '../checkpoint-mongo.js';
import type { Adapter } from '../types.js';

interface MongoSessionLike {
  withTransaction<T>(fn: (session: any) => Promise<T>, options?: object): Promise<T>;
  endSession(): Promise<void>;
}

interface MongoDbLike {
  collection(name: string): MongoCollectionLike;
}

interface MongoClientLike<Session> {
  startSession(): Session;
  db(name?: string): MongoDbLike;
}

export interface MongoAdapterOptions {
  /** Database (a Db or its name) holding the checkpoint collection; default the client's default database. */
  db?: string | MongoDbLike;
  /** Default `evolve_checkpoints`. */
  checkpointCollection?: string;
  /** Passed to withTransaction (readConcern, writeConcern...). */
  transactionOptions?: object;
}

/** `mongodbAdapter(client)`, `mongodbAdapter(client, db)` (checkpoints in that Db) or `mongodbAdapter(client, options)`. */
export function mongodbAdapter<Session extends MongoSessionLike>(client: MongoClientLike<Session>, dbOrOptions: MongoDbLike | MongoAdapterOptions = {}): Adapter<Session> {
  const isDb = (x: MongoDbLike | MongoAdapterOptions): x is MongoDbLike => typeof (x as MongoDbLike).collection === 'function';
  const options: MongoAdapterOptions = isDb(dbOrOptions) ? { db: dbOrOptions } : dbOrOptions;
  const checkpointDb = () => (typeof options.db === 'object' ? options.db : client.db(options.db));
  const collectionName = options.checkpointCollection ?? DEFAULT_CHECKPOINT_COLLECTION;
  return {
    name: 'mongodb',
    async transaction(work) {
      const session = client.startSession();
      try {
        return await session.withTransaction(() => work(session), options.transactionOptions);
      } finally {
        await session.endSession();
      }
    },
    checkpoints: mongoCheckpointStore<Session>(() => checkpointDb().collection(collectionName)),
  };
}
