// `--site-load` on PostgreSQL: the site's own connections to the scratch database (never the
// source), opened a baseline window before the script; lock and statement timeouts classified;
// the knex unbatched example's transaction makes the site wait or time out for its length.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import test, { type TestContext } from 'node:test';
import { rehearse, workspace } from './helpers';
import { databaseExists, query, SERVER, scratchOf, serverDown, tableChecksums } from './pg-helpers';
import { running, scriptJson, sitePid } from './site-helpers';

const root = join(__dirname, '..', '..');

/** A source database of `users` shaped like the examples' (first/last name, email), checked unchanged and dropped after. */
async function source(t: TestContext, rows: number, extra = ''): Promise<string | null> {
  const down = await serverDown();
  if (down) return void t.skip(down), null;
  const name = `evolve_site_${process.pid}_${randomBytes(3).toString('hex')}`;
  await query('postgres', `CREATE DATABASE ${name}`);
  let before: Record<string, string> | null = null;
  t.after(async () => {
    try {
      if (before) assert.deepEqual(await tableChecksums(name), before, `the source ${name} changed`);
    } finally {
      await query('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
  await query(
    name,
    `CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, first_name text NOT NULL, last_name text NOT NULL, display text ${extra});
     INSERT INTO users (email, first_name, last_name) SELECT 'u' || g || '@example.com', 'ada', 'lovelace' FROM generate_series(1, ${rows}) g;`,
  );
  before = await tableChecksums(name);
  return name;
}

test('site load (postgres): its own connections on the scratch database, opened a baseline before the script', async (t) => {
  const db = await source(t, 300);
  if (!db) return;
  const ws = workspace(t);
  ws.write(
    'look.js',
    `module.exports = async ({ db, log }) => {
  const { rows } = await db.query(\`SELECT pg_backend_pid() AS me, current_database() AS here,
      (SELECT json_agg(json_build_object('pid', pid, 'db', datname)) FROM pg_stat_activity WHERE application_name = 'evolve-site') AS site,
      (SELECT extract(epoch FROM now() - min(backend_start)) * 1000 FROM pg_stat_activity WHERE application_name = 'evolve-site') AS age\`);
  log(JSON.stringify(rows[0]));
};
`,
  );
  const r = rehearse(ws, { script: 'look.js', snapshot: `${SERVER}/${db}`, siteLoad: { rate: 50, baselineMs: 500 } });
  const report = await r.report;
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  const [seen] = scriptJson<{ me: number; here: string; site: { pid: number; db: string }[]; age: number }>(r.events);
  assert.equal(seen.here, scratchOf(r.events));
  assert.equal(seen.site.length, 4, 'four site connections');
  assert.ok(seen.site.every((s) => s.db === seen.here), 'all on the scratch database, none on the source');
  assert.ok(!seen.site.some((s) => s.pid === seen.me), 'none is the script’s');
  assert.ok(seen.age >= 500, `the site connected ${seen.age} ms before the script looked: the baseline came first`);
  assert.ok(report.site && report.site.baseline.durationMs >= 500 && report.site.baseline.requests > 0);
  assert.deepEqual(report.site.tables, ['users']);
  const started = r.events.find((e) => e.type === 'started');
  assert.ok(started?.type === 'started' && report.site.pid !== started.pid, 'the site is not the rehearsal child');
  assert.equal(running(sitePid(r.events)), false);
  assert.equal(await databaseExists(scratchOf(r.events)), false, 'the scratch database is dropped');
});

test('site load (postgres): lock_timeout and statement_timeout failures are told apart; the script’s lock waits leave the site’s out', async (t) => {
  const db = await source(t, 200);
  if (!db) return;
  const ws = workspace(t);
  ws.write(
    'hold.js',
    `module.exports = async ({ db }) => {
  const client = await db.connect();
  await client.query('BEGIN');
  await client.query("UPDATE users SET display = 'x'");
  await client.query('SELECT pg_sleep(1.2)');
  await client.query('COMMIT');
  client.release();
};
`,
  );
  ws.write(
    'workload.json',
    JSON.stringify({
      statements: [
        { sql: 'UPDATE users SET email = email WHERE id = $1', weight: 2, params: [{ key: 'users' }] },
        { sql: 'SELECT pg_sleep(0.3), id FROM users WHERE id = $1', weight: 1, params: [{ key: 'users' }] },
      ],
    }),
  );
  const r = rehearse(ws, { script: 'hold.js', snapshot: `${SERVER}/${db}`, siteLoad: { rate: 40, baselineMs: 300, lockTimeoutMs: 50, statementTimeoutMs: 150, workloadFile: 'workload.json', seed: 3 } });
  const report = await r.report;
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  const site = report.site;
  assert.ok(site);
  // A request belongs to the window it was due in: one due just before the script that queued
  // behind the slow reads can meet the script's lock. The script's 1.2 s hold is where they fail.
  assert.ok(site.run.failures['lock-timeout'] > site.baseline.failures['lock-timeout'], JSON.stringify(site));
  assert.ok(site.baseline.failures['statement-timeout'] > 0, 'the slow read times out in the baseline too');
  assert.ok(site.run.failures['statement-timeout'] > 0);
  assert.equal(site.run.failures.other, 0);
  assert.deepEqual(site.timeouts, { busyTimeoutMs: 5000, lockTimeoutMs: 50, statementTimeoutMs: 150 });
  assert.ok(report.locks, 'the script’s lock figures');
  // The site's writes waited on the script's lock dozens of times (each a lock-timeout failure); the
  // script itself may wait once, on a site write in flight when its UPDATE starts (a slow machine
  // stretches that write). Counting the site's waits as the script's would put it past them.
  const siteWaits = site.run.failures['lock-timeout'];
  assert.ok(report.locks.waits <= 1 && report.locks.waits < siteWaits, `the site’s ${siteWaits} lock waits are not counted as the script’s (${report.locks.waits})`);
});

test('site load (postgres): the knex unbatched example makes site writes wait or time out for its whole transaction', async (t) => {
  const db = await source(t, 3000);
  if (!db) return;
  const ws = workspace(t);
  mkdirSync(join(ws.dir, 'migrations'));
  copyFileSync(join(root, 'examples', 'knex', 'backfill-display-names.bad.js'), join(ws.dir, 'migrations', '20240611_backfill_display_names.js'));
  const r = rehearse(ws, { script: 'migrations/20240611_backfill_display_names.js', snapshot: `${SERVER}/${db}`, siteLoad: { rate: 100, writeRatio: 1, baselineMs: 500, seed: 11 } });
  const report = await r.report;
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  assert.equal(report.transactions.count, 1, 'knex ran the file in one transaction');
  const site = report.site;
  assert.ok(site);
  const longest = report.transactions.longestMs;
  const timedOut = site.run.failures['lock-timeout'];
  // ALTER TABLE holds users' ACCESS EXCLUSIVE lock until the commit: every site write on users waits
  // (writes only here: a connection taken by a waiting read would hide the first writes' waits).
  assert.ok(site.run.longestWriteWaitMs >= Math.min(longest, site.timeouts.lockTimeoutMs) - 150, `longest write wait ${site.run.longestWriteWaitMs} ms, transaction ${longest} ms`);
  assert.ok(longest <= site.timeouts.lockTimeoutMs || timedOut > 0, `a transaction of ${longest} ms over the ${site.timeouts.lockTimeoutMs} ms lock_timeout fails site writes (${timedOut})`);
  assert.equal(site.baseline.failures['lock-timeout'], 0);
  assert.equal(report.rowsWritten, 3000);
});
