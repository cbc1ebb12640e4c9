// Postgres rehearsals end to end: migrations inside their runner's transaction, the fence around
// the source, cancel and timeout (the scratch database is gone afterwards, even when the script had
// to be killed), the CI gate with credentials kept out of every output, lock waits, the sweep.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import test, { type TestContext } from 'node:test';
import { runRehearseCommand } from '../../server/src/rehearsal/cli-rehearse';
import { summary } from '../../server/src/rehearsal/format';
import type { RehearsalReport } from '../../server/src/rehearsal/protocol';
import { rehearse, workspace, type Rehearsal } from './helpers';
import { databaseExists, query, SERVER, serverDown, scratchOf, sourceDatabase } from './pg-helpers';

/** A seeded source (checked unchanged after the test), or null when the test is skipped. */
async function guardedSource(t: TestContext): Promise<string | null> {
  const down = await serverDown();
  if (down) return void t.skip(down), null;
  return sourceDatabase(t);
}

async function finishedAndDropped(rehearsal: Rehearsal): Promise<RehearsalReport> {
  const report = await rehearsal.report;
  assert.equal(await databaseExists(scratchOf(rehearsal.events)), false, 'the scratch database is dropped');
  return report;
}

test('postgres: knex and TypeORM migrations run inside their runner transaction', async (t) => {
  const source = await guardedSource(t);
  if (!source) return;
  const ws = workspace(t);
  ws.write(
    'migrations/20240301_display.js',
    "exports.up = async (knex) => {\n  await knex('users').where('id', '<=', 50).update({ display: 'k' });\n  await knex.raw('SELECT pg_sleep(0.05)');\n};\nexports.down = async () => {};\n",
  );
  ws.write(
    'migrations/1700000000000-Display.ts',
    `import type { MigrationInterface, QueryRunner } from 'typeorm';
export class Display1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("UPDATE users SET display = 't' WHERE id <= 20");
  }
  async down(): Promise<void> {}
}
`,
  );
  const knex = await finishedAndDropped(rehearse(ws, { script: 'migrations/20240301_display.js', snapshot: `${SERVER}/${source}` }));
  assert.equal(knex.status, 'ok', JSON.stringify(knex.error));
  assert.deepEqual([knex.rowsWritten, knex.transactions.count, knex.transactions.commits, knex.writesOutsideTransaction], [50, 1, 1, 0]);
  assert.ok(knex.locks && knex.locks.longestHeldMs >= 50, `the update's row locks were held through the sleep: ${JSON.stringify(knex.locks)}`);

  const typeorm = await finishedAndDropped(rehearse(ws, { script: 'migrations/1700000000000-Display.ts', snapshot: `${SERVER}/${source}` }));
  assert.equal(typeorm.status, 'ok', JSON.stringify(typeorm.error));
  assert.deepEqual([typeorm.rowsWritten, typeorm.transactions.commits, typeorm.writesOutsideTransaction], [20, 1, 0]);
});

test('postgres: a connection to the source, or to any database but the scratch one, is fenced', async (t) => {
  const source = await guardedSource(t);
  if (!source) return;
  const ws = workspace(t);
  for (const database of [source, 'postgres']) {
    ws.write(
      'sneaky.js',
      `const { Client } = require('pg');
module.exports = async ({ db }) => {
  await db.query("UPDATE users SET display = 'ok' WHERE id = 1");
  const real = new Client({ connectionString: ${JSON.stringify(`${SERVER}/${database}`)} });
  await real.connect().catch(() => undefined);
  await real.query('DELETE FROM orders').catch(() => undefined);
};
`,
    );
    const r = await finishedAndDropped(rehearse(ws, { script: 'sneaky.js', snapshot: `${SERVER}/${source}` }));
    assert.equal(r.status, 'failed');
    assert.match(r.error?.message ?? '', new RegExp(`fence: the script opened a pg connection to 127\\.0\\.0\\.1:5432/${database}, which is not the snapshot \\(127\\.0\\.0\\.1:5432/evolve_snap_`));
    assert.equal(r.rowsWritten, 1);
  }
});

const LOOP_UNTIL_STOPPED = `module.exports = async ({ db, signal, log }) => {
  for (let i = 0; !signal.aborted; i++) {
    await db.query('UPDATE users SET display = $1 WHERE id = 1', [String(i)]);
    if (i === 0) log('looping');
  }
};
`;

test('postgres: cancel and timeout stop the script and drop the scratch database, even when the script must be killed', async (t) => {
  const source = await guardedSource(t);
  if (!source) return;
  const ws = workspace(t);
  ws.write('loop.js', LOOP_UNTIL_STOPPED);
  ws.write('hangs.js', 'module.exports = () => new Promise(() => setInterval(() => {}, 1000));\n');

  const cancelled = rehearse(ws, { script: 'loop.js', snapshot: `${SERVER}/${source}` });
  await cancelled.when((e) => e.type === 'log' && e.line === 'looping');
  cancelled.run.cancel();
  assert.equal((await finishedAndDropped(cancelled)).status, 'cancelled');

  // The clock starts with the child, so the timeout is far enough out for the clone to finish first.
  const timedOut = rehearse(ws, { script: 'loop.js', snapshot: `${SERVER}/${source}`, timeoutMs: 3000 });
  const timeoutReport = await finishedAndDropped(timedOut);
  assert.equal(timeoutReport.status, 'timeout');
  assert.ok(timeoutReport.rowsWritten > 0);

  // This one ignores the cancel: its child is killed, and the parent has the scratch database dropped.
  const killed = rehearse(ws, { script: 'hangs.js', snapshot: `${SERVER}/${source}`, graceMs: 300 });
  await killed.when((e) => e.type === 'snapshot-ready');
  killed.run.cancel();
  const killedReport = await finishedAndDropped(killed);
  assert.equal(killedReport.status, 'cancelled');
  assert.match(killedReport.error?.message ?? '', /did not stop within the grace period/);
});

const LOCK_WAIT = `import type { Pool } from 'pg';
export default async function ({ db }: { db: Pool }) {
  const [holder, waiter] = [await db.connect(), await db.connect()];
  await holder.query('BEGIN');
  await holder.query("UPDATE users SET display = 'held' WHERE id = 1");
  const waiting = waiter.query("UPDATE users SET display = 'waited' WHERE id = 1");
  await holder.query('SELECT pg_sleep(0.3)');
  await holder.query('COMMIT');
  await waiting;
  holder.release();
  waiter.release();
}
`;

test('evolve rehearse --engine postgres: lock waits in the report, --max-transaction-ms exits 1, no password in any output', async (t) => {
  const source = await guardedSource(t);
  if (!source) return;
  const ws = workspace(t);
  ws.write('lock-wait.ts', LOCK_WAIT);
  const [stdout, stderr] = [new PassThrough(), new PassThrough()];
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const url = `postgres://postgres:s3cret-pw@127.0.0.1:5432/${source}?sslmode=disable`;
  const args = ['lock-wait.ts', '--snapshot', url, '--engine', 'postgres', '--max-transaction-ms', '100', '--json'];
  const code = await runRehearseCommand(args, { stdout, stderr, cwd: ws.dir });
  assert.equal(code, 1, err);
  const report = JSON.parse(out) as RehearsalReport;
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  assert.match(report.thresholds.exceeded[0], /longest transaction took .* over the 100 ms limit/);
  assert.ok(report.locks, 'postgres reports locks');
  assert.ok(report.locks.waits >= 1 && report.locks.longestWaitMs >= 150, `a wait of about 300 ms was sampled: ${JSON.stringify(report.locks)}`);
  assert.ok(report.locks.longestHeldMs >= 250, JSON.stringify(report.locks));
  assert.match(report.snapshot.source, /postgres:\*\*\*@127\.0\.0\.1/);
  assert.doesNotMatch(out + err, /s3cret-pw/);
  const text = summary(report, 'lock-wait.ts');
  assert.match(text, new RegExp(`copied in .* by ${report.snapshot.method}\\)`));
  assert.match(text, /locks +[1-9]\d* waits .*longest held by a transaction/);
});

test('postgres: the next rehearsal sweeps old scratch databases of crashed runs, and leaves young ones', async (t) => {
  const source = await guardedSource(t);
  if (!source) return;
  const old = `evolve_snap_${(Date.now() - 3_600_000).toString(36)}_deadbeef`;
  const young = `evolve_snap_${Date.now().toString(36)}_cafebabe`;
  for (const name of [old, young]) await query('postgres', `CREATE DATABASE ${name}`);
  t.after(() => Promise.all([old, young].map((name) => query('postgres', `DROP DATABASE IF EXISTS ${name}`))));
  const ws = workspace(t);
  ws.write('noop.js', 'module.exports = async () => {};\n');
  assert.equal((await finishedAndDropped(rehearse(ws, { script: 'noop.js', snapshot: `${SERVER}/${source}` }))).status, 'ok');
  assert.deepEqual([await databaseExists(old), await databaseExists(young)], [false, true]);
});

test('postgres: --keep keeps the scratch database, marked so the sweep leaves it; its URL is in the report', async (t) => {
  const source = await guardedSource(t);
  if (!source) return;
  const ws = workspace(t);
  ws.write('noop.js', 'module.exports = async ({ db }) => { await db.query("UPDATE users SET display = \'kept\' WHERE id = 2"); };\n');
  const kept = rehearse(ws, { script: 'noop.js', snapshot: `${SERVER}/${source}`, keep: true });
  const report = await kept.report;
  const scratch = scratchOf(kept.events);
  t.after(() => query('postgres', `DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`));
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  assert.equal(report.snapshot.path, `${SERVER}/${scratch}`);
  assert.deepEqual(await query(scratch, 'SELECT display FROM users WHERE id = 2'), [{ display: 'kept' }]);
  const [mark] = await query('postgres', "SELECT shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE datname = $1", [scratch]);
  assert.equal(mark.note, 'evolve rehearsal: kept');
});

test('postgres: an unreachable server fails the run with the URL, redacted, and what to check', async (t) => {
  const ws = workspace(t);
  ws.write('noop.js', 'module.exports = async () => {};\n');
  const report = await rehearse(ws, { script: 'noop.js', snapshot: 'postgres://admin:t0p-secret@127.0.0.1:1/app' }).report;
  assert.equal(report.status, 'failed');
  assert.match(report.error?.message ?? '', /Cannot connect to postgres:\/\/admin:\*\*\*@127\.0\.0\.1:1\/postgres: .*Check the URL, that the server runs/);
  assert.doesNotMatch(JSON.stringify(report), /t0p-secret/);
});
