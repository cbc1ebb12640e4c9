// The app's Mongoose models, shared by the mongoose examples.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const PLANS = ['legacy', 'starter', 'pro', 'team'] as const;
export type Plan = (typeof PLANS)[number];

const subscriptionSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    plan: { type: String, enum: PLANS, required: true },
    seats: { type: Number, default: 1 },
    monthlyPriceCents: { type: Number, required: true },
    features: { type: [String], default: [] },
  },
  { timestamps: true },
);

export type SubscriptionAttrs = InferSchemaType<typeof subscriptionSchema>;
export const Subscription = mongoose.model('Subscription', subscriptionSchema);

/** Features each plan gets after the 2024 pricing change. */
export const PLAN_FEATURES: Record<Plan, string[]> = {
  legacy: ['projects', 'exports'],
  starter: ['projects', 'exports', 'api'],
  pro: ['projects', 'exports', 'api', 'sso'],
  team: ['projects', 'exports', 'api', 'sso', 'audit-log'],
};

const PRICE_PER_SEAT_CENTS: Record<Plan, number> = { legacy: 900, starter: 1200, pro: 2900, team: 2400 };

export function priceFor(plan: Plan, seats: number): number {
  return PRICE_PER_SEAT_CENTS[plan] * Math.max(1, seats);
}
