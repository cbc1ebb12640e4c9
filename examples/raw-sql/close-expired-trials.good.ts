// scripts/close-expired-trials.ts, the safe way:
//  - the explicit BEGIN ... COMMIT has a ROLLBACK on the error path, so a failure never leaves
//    an open transaction behind on a pooled client,
//  - the purge runs each LIMITed DELETE in autocommit: every batch commits as it finishes and the
//    loop re-selects "WHERE not done LIMIT n" until nothing is left.
import { Pool, type PoolClient } from 'pg';

const BATCH_SIZE = 5000;

async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

async function closeExpiredTrials(client: PoolClient): Promise<number> {
  return inTransaction(client, async () => {
    const closed = await client.query(
      `UPDATE subscriptions SET status = 'expired', ended_at = now()
        WHERE status = 'trialing' AND trial_ends_at < now()`,
    );
    await client.query(
      `INSERT INTO subscription_events (subscription_id, kind, created_at)
       SELECT id, 'trial_expired', now() FROM subscriptions WHERE status = 'expired' AND ended_at > now() - interval '1 minute'`,
    );
    return closed.rowCount ?? 0;
  });
}

async function purgeTrialEvents(pool: Pool): Promise<number> {
  let purged = 0;
  for (;;) {
    const result = await pool.query(
      `DELETE FROM trial_events WHERE id IN (
         SELECT id FROM trial_events WHERE created_at < now() - interval '1 year' ORDER BY id LIMIT $1)`,
      [BATCH_SIZE],
    );
    purged += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < BATCH_SIZE) break;
  }
  return purged;
}

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL });
  const client = await pool.connect();
  try {
    console.log(`closed ${await closeExpiredTrials(client)} trials`);
  } finally {
    client.release();
  }
  console.log(`purged ${await purgeTrialEvents(pool)} trial events`);
  await pool.end();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
