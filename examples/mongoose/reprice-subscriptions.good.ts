// scripts/reprice-subscriptions.ts, the safe way:
//  - the features are the same for every subscription of a plan, so they are set with one
//    updateMany per plan (a loop over an in-code registry, not over documents),
//  - the price depends on each document's seats, so eachBatch walks subscriptions by _id,
//    500 at a time, and writes each batch with one bulkWrite in its own session transaction.
import mongoose, { type ClientSession } from 'mongoose';
import { eachBatch, mongooseAdapter } from 'evolve-runtime';
import { PLANS, PLAN_FEATURES, Subscription, priceFor } from './lib/models';

async function grantFeatures(): Promise<void> {
  for (const plan of PLANS) {
    await Subscription.updateMany({ plan }, { $set: { features: PLAN_FEATURES[plan] } });
  }
}

async function reprice(): Promise<void> {
  await eachBatch(
    {
      adapter: mongooseAdapter(mongoose),
      name: 'reprice-subscriptions',
      size: 500,
      fetch: (after: mongoose.Types.ObjectId | undefined, size: number, session: ClientSession) =>
        Subscription.find({ plan: { $ne: 'legacy' }, ...(after ? { _id: { $gt: after } } : {}) })
          .sort({ _id: 1 })
          .limit(size)
          .session(session),
      key: (sub) => sub._id,
    },
    async (subs, session: ClientSession) => {
      await Subscription.bulkWrite(
        subs.map((sub) => ({
          updateOne: {
            filter: { _id: sub._id },
            update: { $set: { monthlyPriceCents: priceFor(sub.plan, sub.seats ?? 1) } },
          },
        })),
        { session },
      );
    },
  );
}

async function main(): Promise<void> {
  await mongoose.connect(process.env.MONGO_URL ?? 'mongodb://localhost:27017/app');
  await grantFeatures();
  await reprice();
  await mongoose.disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
