// Checkpoints for MongoDB: one document per script name, written with the batch's session so it
// commits with the batch. Keys stay BSON (an ObjectId resumes as an ObjectId, not as its hex text).
import type { Checkpoint, CheckpointStore } from './types.js';

export const DEFAULT_CHECKPOINT_COLLECTION = 'evolve_checkpoints';

export interface MongoCollectionLike {
  // Parameters are `any`: the driver's own types are generic over the document schema.
  findOne(filter: any, options: any): Promise<any>;
  updateOne(filter: any, update: any, options: any): Promise<unknown>;
}

export function mongoCheckpointStore<Session>(collection: () => MongoCollectionLike): CheckpointStore<Session> {
  const write = (session: Session, name: string, checkpoint: Checkpoint) =>
    collection().updateOne(
      { _id: name },
      { $set: { lastKey: checkpoint.lastKey, batches: checkpoint.batches, rows: checkpoint.rows, updatedAt: new Date() } },
      { session, upsert: true },
    );
  return {
    async open(session, name, reset) {
      const doc = await collection().findOne({ _id: name }, { session });
      if (doc && !reset) return { lastKey: doc.lastKey ?? null, batches: Number(doc.batches ?? 0), rows: Number(doc.rows ?? 0) };
      const fresh = { lastKey: null, batches: 0, rows: 0 };
      await write(session, name, fresh);
      return fresh;
    },
    async save(session, name, checkpoint) {
      await write(session, name, checkpoint);
    },
  };
}
