// scripts/close-expired-trials.ts: hand-written SQL with BEGIN/COMMIT on a node-postgres client.
// Two classic mistakes:
//  - closeExpiredTrials commits on success but never rolls back: after an error the client goes
//    back to the pool still inside the transaction, holding its locks,
//  - purgeTrialEvents "batches" with LIMIT, but every batch runs inside one BEGIN ... COMMIT,
//    so nothing is committed until the end and the locks pile up for the whole run.
import { Pool, type PoolClient } from 'pg';

const BATCH_SIZE = 5000;

async function closeExpiredTrials(client: PoolClient): Promise<number> {
  // expect: missing-commit
  await client.query('BEGIN');
  const closed = await client.query(
    `UPDATE subscriptions SET status = 'expired', ended_at = now()
      WHERE status = 'trialing' AND trial_ends_at < now()`,
  );
  await client.query(
    `INSERT INTO subscription_events (subscription_id, kind, created_at)
     SELECT id, 'trial_expired', now() FROM subscriptions WHERE status = 'expired' AND ended_at > now() - interval '1 minute'`,
  );
  await client.query('COMMIT');
  return closed.rowCount ?? 0;
}

async function purgeTrialEvents(client: PoolClient): Promise<number> {
  let purged = 0;
  await client.query('BEGIN');
  try {
    // expect: missing-commit
    for (;;) {
      const result = await client.query(
        `DELETE FROM trial_events WHERE id IN (
           SELECT id FROM trial_events WHERE created_at < now() - interval '1 year' ORDER BY id LIMIT $1)`,
        [BATCH_SIZE],
      );
      purged += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < BATCH_SIZE) break;
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
  return purged;
}

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL });
  const client = await pool.connect();
  try {
    console.log(`closed ${await closeExpiredTrials(client)} trials`);
    console.log(`purged ${await purgeTrialEvents(client)} trial events`);
  } finally {
    client.release();
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
