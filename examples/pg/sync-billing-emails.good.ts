// scripts/sync-billing-emails.ts: pushes each customer's email to the billing provider after
// the email normalization. It loops over every customer, but the per-row calls are look-alikes,
// not database writes: the billing API's `customers.update`, a progress bar's `update`, a Map's
// `set` and a Set's `delete`. The database is only read, so there is nothing to batch or commit;
// reading every customer into memory at once is still reported, as an unbounded read.
import { Pool } from 'pg';
import { BillingClient, ProgressBar } from './lib/billing-client';

interface CustomerRow {
  id: number;
  email: string;
  billing_id: string;
}

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL });
  const billing = new BillingClient(process.env.BILLING_API_KEY ?? '');
  try {
    // expect: unbounded-read
    const { rows } = await pool.query<CustomerRow>('SELECT id, email, billing_id FROM customers WHERE billing_id IS NOT NULL');
    const progress = new ProgressBar(rows.length);
    const failures = new Map<number, string>();
    const pending = new Set(rows.map((r) => r.id));
    for (const [index, customer] of rows.entries()) {
      try {
        await billing.customers.update(customer.billing_id, { email: customer.email });
        pending.delete(customer.id);
      } catch (err) {
        failures.set(customer.id, (err as Error).message);
      }
      progress.update(index + 1);
    }
    console.log(`\nsynced ${rows.length - pending.size}, failed ${failures.size}`);
    for (const [id, message] of failures) console.error(`customer ${id}: ${message}`);
  } finally {
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
