// MongoDB driver: each batch runs in session.withTransaction on a fresh session. The driver itself
// retries TransientTransactionError for up to 120 s before eachBatch sees the error.
// Transactions need a replica set or sharded cluster (a single-node replica set is enough).
import { DEFAULT_CHECKPOINT_COLLECTION, mongoCheckpointStore, type MongoCollectionLike } from '../checkpoint-mongo.js';
import type { Adapter } from '../types.js';

interface MongoSessionLike {
  withTransaction<T>(fn: (session: any) => Promise<T>, options?: object): Promise<T>;
  endSession(): Promise<void>;
}

interface MongoClientLike<Session> {
  startSession(): Session;
  db(name?: string): { collection(name: string): MongoCollectionLike };
}

export interface MongoAdapterOptions {
  /** Database holding the checkpoint collection; default the client's default database. */
  db?: string;
  /** Default `evolve_checkpoints`. */
  checkpointCollection?: string;
  /** Passed to withTransaction (readConcern, writeConcern...). */
  transactionOptions?: object;
}

export function mongodbAdapter<Session extends MongoSessionLike>(client: MongoClientLike<Session>, options: MongoAdapterOptions = {}): Adapter<Session> {
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
    checkpoints: mongoCheckpointStore<Session>(() => client.db(options.db).collection(collectionName)),
  };
}
