// scripts/anonymize-deleted-users.ts: GDPR clean-up that scrubs personal data from accounts
// deleted more than 30 days ago. Two hazards:
//  - anonymizeProfiles reads every deleted user and updates them one at a time,
//  - purgeAddresses pages with LIMIT, but runs every page inside ONE pool.transaction:
//    the "batches" commit together at the very end, holding locks on addresses for the whole run.
import { createPool, sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

const PAGE_SIZE = 1000;

const deletedUser = z.object({ id: z.number(), email: z.string() });

function scrubbedEmail(id: number): string {
  return `deleted-${id}@users.invalid`;
}

async function anonymizeProfiles(pool: DatabasePool): Promise<number> {
  const users = await pool.any(sql.type(deletedUser)`
    SELECT id, email FROM users WHERE deleted_at < now() - interval '30 days' AND email NOT LIKE 'deleted-%'
  `);
  // expect: unbatched-loop
  for (const user of users) {
    await pool.query(sql.unsafe`
      UPDATE users SET email = ${scrubbedEmail(user.id)}, full_name = NULL, phone = NULL WHERE id = ${user.id}
    `);
  }
  return users.length;
}

async function purgeAddresses(pool: DatabasePool): Promise<number> {
  return pool.transaction(async (trx) => {
    let purged = 0;
    let lastId = 0;
    // expect: missing-commit
    while (true) {
      const ids = await trx.anyFirst(sql.type(z.object({ id: z.number() }))`
        SELECT a.id FROM addresses a JOIN users u ON u.id = a.user_id
         WHERE u.deleted_at < now() - interval '30 days' AND a.id > ${lastId}
         ORDER BY a.id LIMIT ${PAGE_SIZE}
      `);
      if (ids.length === 0) break;
      await trx.query(sql.unsafe`DELETE FROM addresses WHERE id = ANY(${sql.array(ids, 'int4')})`);
      purged += ids.length;
      lastId = ids[ids.length - 1];
    }
    return purged;
  });
}

async function main(): Promise<void> {
  const pool = await createPool(process.env.DATABASE_URL ?? 'postgres://localhost/app');
  try {
    console.log(`anonymized ${await anonymizeProfiles(pool)} users`);
    console.log(`purged ${await purgeAddresses(pool)} addresses`);
  } finally {
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
