// scripts/anonymize-deleted-users.ts, the safe way (slonik has no eachBatch adapter, so the
// keyset loop is written by hand): each page of 1,000 users is read with LIMIT after the last id
// and scrubbed in its own pool.transaction, so every page commits as it finishes and a re-run
// skips the users already scrubbed.
import { createPool, sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

const PAGE_SIZE = 1000;

const deletedUser = z.object({ id: z.number(), email: z.string() });

function scrubbedEmail(id: number): string {
  return `deleted-${id}@users.invalid`;
}

async function anonymizeProfiles(pool: DatabasePool): Promise<number> {
  let done = 0;
  let lastId = 0;
  for (;;) {
    const page = await pool.any(sql.type(deletedUser)`
      SELECT id, email FROM users
       WHERE deleted_at < now() - interval '30 days' AND email NOT LIKE 'deleted-%' AND id > ${lastId}
       ORDER BY id LIMIT ${PAGE_SIZE}
    `);
    if (page.length === 0) break;
    await pool.transaction(async (trx) => {
      for (const user of page) {
        await trx.query(sql.unsafe`
          UPDATE users SET email = ${scrubbedEmail(user.id)}, full_name = NULL, phone = NULL WHERE id = ${user.id}
        `);
      }
      await trx.query(sql.unsafe`
        DELETE FROM addresses WHERE user_id = ANY(${sql.array(page.map((u) => u.id), 'int4')})
      `);
    });
    done += page.length;
    lastId = page[page.length - 1].id;
  }
  return done;
}

async function main(): Promise<void> {
  const pool = await createPool(process.env.DATABASE_URL ?? 'postgres://localhost/app');
  try {
    console.log(`anonymized ${await anonymizeProfiles(pool)} users`);
  } finally {
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
