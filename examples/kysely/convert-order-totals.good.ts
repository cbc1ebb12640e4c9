// scripts/convert-order-totals.ts, the safe way: eachBatch walks orders by id, 500 per batch,
// each batch in its own short transaction, and a re-run resumes after the last committed batch.
import type { Kysely } from 'kysely';
import { eachBatch, kyselyAdapter } from 'evolve-runtime';
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
  await eachBatch(
    {
      adapter: kyselyAdapter(db),
      name: 'convert-order-totals',
      size: 500,
      fetch: (after: number | undefined, size: number, tx: Kysely<Database>) =>
        tx
          .selectFrom('orders')
          .select(['id', 'currency', 'total_cents'])
          .where('total_eur_cents', 'is', null)
          .where('id', '>', after ?? 0)
          .orderBy('id')
          .limit(size)
          .execute(),
      key: (row) => row.id,
    },
    async (rows, tx) => {
      for (const row of rows) {
        await tx
          .updateTable('orders')
          .set({ total_eur_cents: toEurCents(row.total_cents, row.currency ?? 'EUR', rates) })
          .where('id', '=', row.id)
          .execute();
      }
    },
  );
  await db.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
