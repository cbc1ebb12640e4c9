// scripts/reprice-subscriptions.ts, the safe way:
//  - the features are the same for every subscription of a plan, so they are set with one
//    updateMany per plan (a loop over an in-code registry, not over documents),
//  - negotiated seat counts are collected first and written with ONE bulkWrite,
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

/**
 * Seat counts negotiated by sales for team plans: the changes are collected in memory and sent as
 * ONE bulkWrite, not one write per subscription.
 */
async function applySeatOverrides(seatsByUserId: Map<string, number>): Promise<void> {
  const userIds = [...seatsByUserId.keys()].map((id) => new mongoose.Types.ObjectId(id));
  const teamSubscriptions = await Subscription.find({ plan: 'team', userId: { $in: userIds } }).select('_id userId').lean();
  const ops: Parameters<typeof Subscription.bulkWrite>[0] = [];
  for (const sub of teamSubscriptions) {
    const seats = seatsByUserId.get(String(sub.userId));
    if (seats !== undefined) ops.push({ updateOne: { filter: { _id: sub._id }, update: { $set: { seats } } } });
  }
  if (ops.length > 0) await Subscription.bulkWrite(ops, { ordered: false });
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
  await applySeatOverrides(new Map(JSON.parse(process.env.SEAT_OVERRIDES ?? '[]') as [string, number][]));
  await reprice();
  await mongoose.disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
