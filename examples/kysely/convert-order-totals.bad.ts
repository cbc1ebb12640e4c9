// scripts/convert-order-totals.ts: fills orders.total_eur_cents for the finance dashboard.
// Reads every unconverted order at once, then fires one UPDATE per order, all concurrently:
// on a big table this floods the pool, holds thousands of row locks at the same time and
// cannot resume after a failure.
import type { Kysely } from 'kysely';
import { createDb, type Database } from './lib/db';

async function loadRates(db: Kysely<Database>): Promise<Map<string, number>> {
  const rates = await db.selectFrom('exchange_rates').select(['currency', 'rate_to_eur']).execute(); // evolve-disable-line unbounded-read -- one row per currency
  return new Map(rates.map((r) => [r.currency, Number(r.rate_to_eur)]));
}

function toEurCents(totalCents: number, currency: string, rates: Map<string, number>): number {
  const rate = rates.get(currency);
  if (rate === undefined) throw new Error(`No exchange rate for ${currency}: add it to exchange_rates first.`);
  return Math.round(totalCents * rate);
}

async function main(): Promise<void> {
  const db = createDb();
  const rates = await loadRates(db);
  const orders = await db
    .selectFrom('orders')
    .select(['id', 'currency', 'total_cents'])
    .where('total_eur_cents', 'is', null)
    .execute();

  // expect: unbatched-loop
  await Promise.all(orders.map(async (order) => {
    await db
      .updateTable('orders')
      .set({ total_eur_cents: toEurCents(order.total_cents, order.currency ?? 'EUR', rates) })
      .where('id', '=', order.id)
      .execute();
  }));
  await db.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
