// The resume check: a script killed K times and rerun must end where an uninterrupted run ends.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import { runRehearseCommand } from '../../server/src/rehearsal/cli-rehearse';
import type { RehearsalReport } from '../../server/src/rehearsal/protocol';
import { planKillPoints, runResumeCheck, seededRandom } from '../../server/src/rehearsal/resume-check';
import { checksum, leftovers, workspace } from './helpers';

/** users(id, name, email, display, visits): 40 rows. */
function seed(file: string): void {
  const db = new Database(file);
  db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, display TEXT, visits INTEGER NOT NULL DEFAULT 0)');
  const insert = db.prepare('INSERT INTO users (name) VALUES (?)');
  for (let i = 1; i <= 40; i++) insert.run(`user ${i}`);
  db.close();
}

test('a resumable eachBatch script passes: killed twice, it ends where the uninterrupted run ends', async (t) => {
  const ws = workspace(t);
  seed(join(ws.dir, 'app.db'));
  ws.write(
    'resumable.ts',
    `import type Database from 'better-sqlite3';
import { eachBatch, betterSqlite3Adapter } from 'evolve-runtime';
export default async function ({ db }: { db: Database.Database }) {
  const page = db.prepare('SELECT id, name FROM users WHERE id > ? ORDER BY id LIMIT ?');
  const update = db.prepare('UPDATE users SET display = upper(name), visits = visits + 1 WHERE id = ?');
  await eachBatch(
    { adapter: betterSqlite3Adapter(db), name: 'display', size: 4,
      fetch: (after: number | undefined, size: number) => page.all(after ?? 0, size) as { id: number }[], key: (u) => u.id },
    (rows) => { for (const u of rows) update.run(u.id); },
  );
}
`,
  );
  const sourceBefore = checksum(join(ws.dir, 'app.db'));
  const report = await runResumeCheck({ script: 'resumable.ts', workspace: ws.dir, tempRoot: ws.tempRoot, snapshot: 'app.db' }, { kills: 2, seed: 11 });
  assert.equal(checksum(join(ws.dir, 'app.db')), sourceBefore, 'every run worked on a copy');
  const check = report.resumeCheck;
  assert.ok(check, 'the report has a resumeCheck');
  assert.equal(check.error, null);
  assert.deepEqual(check.killPoints, planKillPoints(report, 2, 11).map((p) => ({ ...p, reached: true })));
  assert.equal(check.killPoints[0].unit, 'batch');
  assert.deepEqual(check.tables.map((x) => [x.name, x.equal]), [['evolve_checkpoints', true], ['users', true]]);
  assert.equal(check.tables.find((x) => x.name === 'users')?.rows, 40);
  assert.equal(check.status, 'pass');
  assert.deepEqual(leftovers(ws), [], 'every snapshot of the check is removed');
  // The reference run's report carries the ETA, from the table it wrote to.
  assert.deepEqual(report.eta?.basis.tables.map((x) => [x.name, x.rehearsalRows, x.productionRows]), [['users', 40, 40]]);
});

test('a non-idempotent script fails and names its table, with rows that differ', async (t) => {
  const ws = workspace(t);
  seed(join(ws.dir, 'app.db'));
  // One transaction per row and no checkpoint: a rerun starts over and counts the first rows twice.
  ws.write(
    'counter.js',
    `module.exports = ({ db }) => {
  const bump = db.transaction((id) => db.prepare('UPDATE users SET visits = visits + 1 WHERE id = ?').run(id));
  for (const { id } of db.prepare('SELECT id FROM users ORDER BY id').all()) bump(id);
};
`,
  );
  const report = await runResumeCheck({ script: 'counter.js', workspace: ws.dir, tempRoot: ws.tempRoot, snapshot: 'app.db' }, { kills: 1, seed: 3 });
  const check = report.resumeCheck;
  assert.ok(check);
  assert.equal(check.status, 'fail');
  assert.equal(check.error, null);
  assert.deepEqual(check.killPoints.map((p) => [p.unit, p.reached]), [['transaction', true]]);
  const users = check.tables.find((x) => x.name === 'users');
  assert.equal(users?.equal, false, JSON.stringify(check.tables));
  const resumedRow = users.exampleRows?.find((e) => e.side === 'resumed')?.row;
  const referenceRow = users.exampleRows?.find((e) => e.side === 'reference' && e.row.id === resumedRow?.id)?.row;
  assert.equal(resumedRow?.visits, 2, 'the row counted twice is shown');
  assert.equal(referenceRow?.visits, 1, 'beside the row the uninterrupted run left');
  assert.deepEqual(leftovers(ws), []);
});

test('a cancelled resume check stops after the run in flight, says so and leaves no snapshot', async (t) => {
  const ws = workspace(t);
  seed(join(ws.dir, 'app.db'));
  ws.write('per-row.js', "module.exports = ({ db }) => { for (let id = 1; id <= 40; id++) db.transaction(() => db.prepare('UPDATE users SET visits = 1 WHERE id = ?').run(id))(); };\n");
  const stop = new AbortController();
  const options = { script: 'per-row.js', workspace: ws.dir, tempRoot: ws.tempRoot, snapshot: 'app.db' };
  const report = await runResumeCheck(options, { kills: 3, seed: 1 }, (event) => event.type === 'kill-point' && stop.abort(), stop.signal);
  assert.equal(report.status, 'cancelled');
  assert.equal(report.resumeCheck?.status, 'fail');
  assert.match(report.resumeCheck?.error ?? '', /cancelled before it could compare/);
  assert.equal(report.resumeCheck?.killPoints.length, 1, 'no run starts after the cancel');
  assert.equal(report.snapshot.path, null);
  assert.deepEqual(leftovers(ws), []);
});

test('PGlite: a resumable eachBatch script passes after a kill, on the data directory the killed run left', async (t) => {
  const ws = workspace(t);
  const pg = await PGlite.create(join(ws.dir, 'pgdata'));
  await pg.exec("CREATE TABLE users (id SERIAL PRIMARY KEY, name TEXT NOT NULL, display TEXT, visits INTEGER NOT NULL DEFAULT 0); INSERT INTO users (name) SELECT 'user ' || i FROM generate_series(1, 24) AS i;");
  await pg.close();
  ws.write(
    'resumable-pg.ts',
    `import type { PGlite, Transaction } from '@electric-sql/pglite';
import { eachBatch, pgliteAdapter } from 'evolve-runtime';
export default async function ({ db }: { db: PGlite }) {
  await eachBatch(
    { adapter: pgliteAdapter(db), name: 'display', size: 4,
      fetch: async (after: number | undefined, size: number, tx: Transaction) =>
        (await tx.query<{ id: number }>('SELECT id FROM users WHERE id > $1 ORDER BY id LIMIT $2', [after ?? 0, size])).rows,
      key: (u) => u.id },
    async (rows, tx) => { for (const u of rows) await tx.query('UPDATE users SET display = upper(name), visits = visits + 1 WHERE id = $1', [u.id]); },
  );
}
`,
  );
  const report = await runResumeCheck({ script: 'resumable-pg.ts', workspace: ws.dir, tempRoot: ws.tempRoot, snapshot: 'pgdata' }, { kills: 1, seed: 5 });
  const check = report.resumeCheck;
  assert.equal(report.snapshot.engine, 'pglite');
  assert.equal(check?.error, null, JSON.stringify(check));
  assert.deepEqual(check?.killPoints.map((p) => [p.unit, p.reached]), [['batch', true]]);
  assert.deepEqual(check?.tables.map((x) => [x.name, x.equal, x.rows]), [['evolve_checkpoints', true, 1], ['users', true, 24]]);
  assert.equal(check?.status, 'pass');
  assert.deepEqual(leftovers(ws), []);
});

test('kill points are reproducible from a seed, in an equal share of the work per kill', () => {
  const reference = { batches: 100, transactions: { commits: 101 } as never, rowsWritten: 1000 };
  const a = planKillPoints(reference, 3, 42);
  assert.deepEqual(planKillPoints(reference, 3, 42), a);
  assert.notDeepEqual(planKillPoints(reference, 3, 43), a);
  assert.ok(a.every((p) => p.unit === 'batch' && p.n >= 1 && p.n <= 33), JSON.stringify(a));
  assert.equal(planKillPoints({ batches: 0, transactions: { commits: 5 } as never, rowsWritten: 5 }, 1, 1)[0].unit, 'transaction');
  assert.equal(planKillPoints({ batches: 0, transactions: { commits: 0 } as never, rowsWritten: 9 }, 1, 1)[0].unit, 'row');
  const random = seededRandom(7);
  const draws = Array.from({ length: 1000 }, random);
  assert.ok(draws.every((x) => x >= 0 && x < 1));
  assert.deepEqual(Array.from({ length: 1000 }, seededRandom(7)), draws);
});

test('evolve rehearse --resume-check K --seed N: exit 1 on a failed check, the seed in the JSON report', async (t) => {
  const ws = workspace(t);
  seed(join(ws.dir, 'app.db'));
  ws.write('insert-twice.js', "module.exports = ({ db }) => { db.prepare(\"INSERT INTO users (name) VALUES ('extra')\").run(); db.prepare(\"INSERT INTO users (name) VALUES ('extra 2')\").run(); };\n");
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk) => (out += chunk));
  const code = await runRehearseCommand(['insert-twice.js', '--snapshot', 'app.db', '--resume-check', '1', '--seed', '9', '--json'], { stdout, stderr: new PassThrough(), cwd: ws.dir });
  const report = JSON.parse(out) as RehearsalReport;
  assert.equal(code, 1);
  assert.equal(report.resumeCheck?.seed, 9);
  assert.deepEqual(report.resumeCheck?.killPoints, [{ unit: 'row', n: 1, reached: true }]);
  assert.deepEqual(report.resumeCheck?.tables.map((x) => [x.name, x.equal, x.rows, x.referenceRows]), [['users', false, 43, 42]]);
  const usage = await runRehearseCommand(['insert-twice.js', '--snapshot', 'app.db', '--resume-check', '0'], { stdout: new PassThrough(), stderr: new PassThrough(), cwd: ws.dir });
  assert.equal(usage, 2);
});
