// scripts/reprice-subscriptions.ts: applies the 2024 pricing to every subscription and
// grants the new plan features. Loads every subscription document into memory, then saves
// them all concurrently with Promise.all: on a large collection that is one giant burst of
// writes against the primary, and a failure leaves an unknown subset repriced.
import mongoose from 'mongoose';
import { PLAN_FEATURES, Subscription, priceFor } from './lib/models';

async function main(): Promise<void> {
  await mongoose.connect(process.env.MONGO_URL ?? 'mongodb://localhost:27017/app');
  const subscriptions = await Subscription.find({ plan: { $ne: 'legacy' } });
  // expect: unbatched-loop
  await Promise.all(subscriptions.map(async (sub) => {
    sub.monthlyPriceCents = priceFor(sub.plan, sub.seats ?? 1);
    sub.features = PLAN_FEATURES[sub.plan];
    await sub.save();
  }));
  console.log(`repriced ${subscriptions.length} subscriptions`);
  await mongoose.disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
