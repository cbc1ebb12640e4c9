// Mongoose: connection.transaction(fn) wraps session.withTransaction and also resets documents
// created in an aborted attempt. The batch gets the ClientSession: pass it as { session: tx }.
import { DEFAULT_CHECKPOINT_COLLECTION, mongoCheckpointStore, type MongoCollectionLike } from '../checkpoint-mongo.js';
import type { Adapter } from '../types.js';

interface MongooseConnectionLike<Session> {
  transaction<T>(fn: (session: Session) => Promise<T>, options?: any): Promise<T>;
  readonly db?: { collection(name: string): MongoCollectionLike } | null;
}

export interface MongooseAdapterOptions {
  /** Default `evolve_checkpoints`. */
  checkpointCollection?: string;
  transactionOptions?: object;
}

/** Takes the mongoose module/instance (its default connection is used) or a Connection. */
export function mongooseAdapter<Session>(
  mongoose: MongooseConnectionLike<Session> | { connection: MongooseConnectionLike<Session> },
  options: MongooseAdapterOptions = {},
): Adapter<Session> {
  const connection = 'connection' in mongoose && mongoose.connection ? mongoose.connection : (mongoose as MongooseConnectionLike<Session>);
  const collectionName = options.checkpointCollection ?? DEFAULT_CHECKPOINT_COLLECTION;
  return {
    name: 'mongoose',
    transaction: (work) => connection.transaction(work, options.transactionOptions),
    checkpoints: mongoCheckpointStore<Session>(() => {
      if (!connection.db) throw new Error('evolve-runtime: the mongoose connection is not open yet; await mongoose.connect(...) before eachBatch.');
      return connection.db.collection(collectionName);
    }),
  };
}
