// scripts/tag-inactive-customers.ts: marks customers with no order in 18 months as "inactive"
// for the win-back campaign. It drains a cursor over every matching customer with
// hasNext()/next() and writes one updateOne per document: no batching, no progress record.
import { MongoClient, type ObjectId } from 'mongodb';

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
  const customers = client.db('shop').collection<CustomerDoc>('customers');
  const cursor = customers.find({ lastOrderAt: { $lt: inactiveSince() }, segments: { $ne: 'inactive' } });
  let tagged = 0;
  // expect: unbatched-loop
  while (await cursor.hasNext()) {
    const customer = await cursor.next();
    if (!customer) break;
    await customers.updateOne({ _id: customer._id }, { $addToSet: { segments: 'inactive' } });
    tagged++;
  }
  console.log(`tagged ${tagged} customers`);
  await client.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
