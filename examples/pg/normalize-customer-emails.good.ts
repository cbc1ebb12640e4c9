// scripts/normalize-customer-emails.ts, the safe way: eachBatch pages customers by id with
// LIMIT, commits each batch of 1,000 in its own transaction and records where it stopped.
import { Pool, type PoolClient } from 'pg';
import { eachBatch, pgAdapter } from 'evolve-runtime';

interface CustomerRow {
  id: number;
  email: string;
}

function normalizeEmail(email: string): string {
  const [local, domain] = email.trim().split('@');
  if (!domain) return email.trim().toLowerCase();
  return `${local.toLowerCase()}@${domain.toLowerCase()}`;
}

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL });
  try {
    await eachBatch(
      {
        adapter: pgAdapter(pool),
        name: 'normalize-customer-emails',
        size: 1000,
        fetch: async (after: number | undefined, size: number, tx: PoolClient) => {
          const { rows } = await tx.query<CustomerRow>(
            'SELECT id, email FROM customers WHERE id > $1 ORDER BY id LIMIT $2',
            [after ?? 0, size],
          );
          return rows;
        },
        key: (row) => row.id,
      },
      async (rows, tx) => {
        for (const row of rows) {
          const normalized = normalizeEmail(row.email);
          if (normalized === row.email) continue;
          await tx.query('UPDATE customers SET email = $1, updated_at = now() WHERE id = $2', [normalized, row.id]);
        }
      },
    );
  } finally {
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
