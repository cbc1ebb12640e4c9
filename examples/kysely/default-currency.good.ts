// scripts/default-currency.ts: sets customers.default_currency from the country.
// A handful of countries map to a currency, so one set-based UPDATE per currency does the work
// in the database: no rows are pulled into the script and nothing loops per customer.
import { createDb } from './lib/db';

const CURRENCY_BY_COUNTRY: Record<string, string> = { DE: 'EUR', FR: 'EUR', NL: 'EUR', GB: 'GBP', US: 'USD', CH: 'CHF' };

async function main(): Promise<void> {
  const db = createDb();
  const byCurrency = new Map<string, string[]>();
  for (const [country, currency] of Object.entries(CURRENCY_BY_COUNTRY)) {
    byCurrency.set(currency, [...(byCurrency.get(currency) ?? []), country]);
  }
  for (const [currency, countries] of byCurrency) {
    const result = await db
      .updateTable('customers')
      .set({ default_currency: currency })
      .where('country', 'in', countries)
      .where('default_currency', 'is', null)
      .executeTakeFirst();
    console.log(`${currency}: ${result.numUpdatedRows} customers (${countries.join(', ')})`);
  }
  await db.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
