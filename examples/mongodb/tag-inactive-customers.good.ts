// scripts/tag-inactive-customers.ts, the safe way: eachBatch pages customers by _id, 1,000 at
// a time, tags each page with ONE updateMany inside its own session transaction, and records
// progress so an interrupted run resumes where it stopped.
import { MongoClient, type ClientSession, type ObjectId } from 'mongodb';
import { eachBatch, mongodbAdapter } from 'evolve-runtime';

const INACTIVE_AFTER_MONTHS = 18;

interface CustomerDoc {
  _id: ObjectId;
  email: string;
  lastOrderAt: Date | null;
  segments: string[];
}

function inactiveSince(now = new Date()): Date {
  const since = new Date(now);
  since.setMonth(since.getMonth() - INACTIVE_AFTER_MONTHS);
  return since;
}

async function main(): Promise<void> {
  const client = await MongoClient.connect(process.env.MONGO_URL ?? 'mongodb://localhost:27017');
  const db = client.db('shop');
  const customers = db.collection<CustomerDoc>('customers');
  const cutoff = inactiveSince();
  try {
    await eachBatch(
      {
        adapter: mongodbAdapter(client, db),
        name: 'tag-inactive-customers',
        size: 1000,
        fetch: (after: ObjectId | undefined, size: number, session: ClientSession) =>
          customers
            .find({ lastOrderAt: { $lt: cutoff }, segments: { $ne: 'inactive' }, ...(after ? { _id: { $gt: after } } : {}) }, { session })
            .sort({ _id: 1 })
            .limit(size)
            .toArray(),
        key: (customer) => customer._id,
      },
      async (page, session: ClientSession) => {
        await customers.updateMany({ _id: { $in: page.map((c) => c._id) } }, { $addToSet: { segments: 'inactive' } }, { session });
      },
    );
  } finally {
    await client.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
