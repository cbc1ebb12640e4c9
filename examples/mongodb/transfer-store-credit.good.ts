// scripts/transfer-store-credit.ts, the safe way: session.withTransaction commits when the
// callback returns (also on the early "nothing to move" return), aborts when it throws, and
// retries transient transaction errors.
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
    return await session.withTransaction(async () => {
      const source = await wallets.findOne({ accountId: fromAccount }, { session });
      if (!source || source.creditCents === 0) return 0;
      await wallets.updateOne({ accountId: fromAccount }, { $set: { creditCents: 0 } }, { session });
      await wallets.updateOne({ accountId: toAccount }, { $inc: { creditCents: source.creditCents } }, { session });
      return source.creditCents;
    });
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
