// scripts/transfer-store-credit.ts: moves store credit from merged duplicate accounts to the
// surviving account, in a MongoDB multi-document transaction. The session's transaction is
// started by hand and the early return for "nothing to move" skips the commit: the transaction
// stays open until it times out, blocking writes to those wallets.
import { MongoClient, type ObjectId } from 'mongodb';

interface WalletDoc {
  _id: ObjectId;
  accountId: string;
  creditCents: number;
}

async function transferCredit(client: MongoClient, fromAccount: string, toAccount: string): Promise<number> {
  const wallets = client.db('shop').collection<WalletDoc>('wallets');
  const session = client.startSession();
  try {
    // expect: missing-commit
    session.startTransaction();
    const source = await wallets.findOne({ accountId: fromAccount }, { session });
    if (!source || source.creditCents === 0) return 0;
    await wallets.updateOne({ accountId: fromAccount }, { $set: { creditCents: 0 } }, { session });
    await wallets.updateOne({ accountId: toAccount }, { $inc: { creditCents: source.creditCents } }, { session });
    await session.commitTransaction();
    return source.creditCents;
  } catch (err) {
    await session.abortTransaction();
    throw err;
  } finally {
    await session.endSession();
  }
}

async function main(): Promise<void> {
  const client = await MongoClient.connect(process.env.MONGO_URL ?? 'mongodb://localhost:27017');
  try {
    const [from, to] = process.argv.slice(2);
    console.log(`moved ${await transferCredit(client, from, to)} cents`);
  } finally {
    await client.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
