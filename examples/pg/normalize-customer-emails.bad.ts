// scripts/normalize-customer-emails.ts: lower-cases and trims customers.email so the new
// unique index on lower(email) can be created. Reads the whole customers table, then sends one
// UPDATE per customer through a helper: hours of round trips on a large table, no resume point.
import { Pool, type PoolClient } from 'pg';

interface CustomerRow {
  id: number;
  email: string;
}

function normalizeEmail(email: string): string {
  const [local, domain] = email.trim().split('@');
  if (!domain) return email.trim().toLowerCase();
  // Gmail ignores dots in the local part; support merges those accounts by hand later.
  return `${local.toLowerCase()}@${domain.toLowerCase()}`;
}

async function saveEmail(client: PoolClient, id: number, email: string): Promise<void> {
  await client.query('UPDATE customers SET email = $1, updated_at = now() WHERE id = $2', [email, id]);
}

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL });
  const client = await pool.connect();
  try {
    const { rows } = await client.query<CustomerRow>('SELECT id, email FROM customers');
    let changed = 0;
    // expect: unbatched-loop
    for (const customer of rows) {
      const normalized = normalizeEmail(customer.email);
      if (normalized === customer.email) continue;
      await saveEmail(client, customer.id, normalized);
      changed++;
    }
    console.log(`normalized ${changed} of ${rows.length} emails`);
  } finally {
    client.release();
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
