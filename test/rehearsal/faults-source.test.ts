// Faults of the snapshot source: missing, locked by another process, damaged. Each run fails with a
// message that names the source and what to do, leaves no work folder or process, and the source's
// bytes are unchanged (the rehearse() helper checks its checksum after every run).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import test, { after, type TestContext } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { findEvolveRoot } from '../../server/src/rehearsal/engine';
import { checksum, rehearse, seedSqlite, workspace, type Workspace } from './helpers';
import { assertGroupGone, assertNoWorkDir, cliRehearse, failure } from './fault-helpers';

const COUNT = `export default async function ({ db, log }: { db: import('better-sqlite3').Database; log: (...a: unknown[]) => void }) {
  log('users', db.prepare('SELECT count(*) AS n FROM users').get());
}
`;

/** Another process's lock: an uncommitted write, under an exclusive lock or not, held until its stdin ends. */
const HOLD = `const db = new (require('better-sqlite3'))(process.argv[1]);
if (process.argv[2] === 'exclusive') db.pragma('locking_mode = EXCLUSIVE');
db.exec(\`BEGIN \${process.argv[2] === 'exclusive' ? 'EXCLUSIVE' : 'IMMEDIATE'}; INSERT INTO users (name) VALUES ('uncommitted');\`);
console.log('locked');
process.stdin.resume().on('end', () => { db.exec('ROLLBACK'); db.close(); });`;

/**
 * Holds the lock in another process: in this one, reading the file for its checksum would close a
 * descriptor of it, and POSIX drops all of a process's locks on a file when any descriptor closes.
 */
async function holdLock(t: TestContext, source: string, mode: 'exclusive' | 'write'): Promise<() => Promise<void>> {
  const holder = spawn(process.execPath, ['-e', HOLD, source, mode], { cwd: findEvolveRoot(), stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(() => holder.kill('SIGKILL'));
  await once(createInterface({ input: holder.stdout }), 'line');
  return async () => {
    holder.stdin.end();
    await once(holder, 'exit');
  };
}

async function failedRun(t: TestContext, ws: Workspace, snapshot: string, engine?: string): Promise<string> {
  const rehearsal = rehearse(ws, { script: 'count.ts', snapshot, ...(engine ? { engine } : {}) });
  const report = await rehearsal.report;
  const message = failure(report);
  assert.equal(report.error?.stack, undefined, `no stack of Evolve internals: ${report.error?.stack}`);
  assert.equal(rehearsal.events.some((e) => e.type === 'snapshot-ready'), false, 'the script never ran');
  assertGroupGone(rehearsal.run.child.pid);
  assertNoWorkDir(ws);
  t.diagnostic(message);
  return message;
}

test('a missing source: the CLI says which path it looked for, exit 2, nothing started', async (t) => {
  const ws = workspace(t);
  ws.write('count.ts', COUNT);
  ws.write('evolve.config.json', JSON.stringify({ snapshots: { prod: { source: 'data/prod.db' } } }));
  const named = await cliRehearse(ws, ['count.ts']);
  assert.equal(named.code, 2, named.stderr);
  assert.match(named.stderr, /Snapshot "prod" in .*evolve\.config\.json: there is no file or folder at .*data\/prod\.db/);
  const path = await cliRehearse(ws, ['count.ts', '--snapshot', 'gone.db']);
  assert.equal(path.code, 2);
  assert.match(path.stderr, /--snapshot gone\.db: there is no file or folder at .*gone\.db/);
  assertNoWorkDir(ws);
});

test('SQLite source under an exclusive lock of another process: "locked", after the busy timeout, source unchanged', async (t) => {
  const ws = workspace(t);
  const source = seedSqlite(join(ws.dir, 'app.db'), 20);
  ws.write('count.ts', COUNT);
  const release = await holdLock(t, source, 'exclusive');
  const before = checksum(source);
  const message = await failedRun(t, ws, 'app.db');
  assert.match(message, /The SQLite source .*app\.db is locked by another process \(SQLite: database is locked\).*not released within 5 s\. Rehearse when it is released, or on a copy of the file\./);
  await release();
  assert.equal(checksum(source), before);
});

test('SQLite source in another process\'s open write transaction: the rehearsal copies the last committed state', async (t) => {
  const ws = workspace(t);
  const source = seedSqlite(join(ws.dir, 'app.db'), 20);
  ws.write('count.ts', COUNT);
  const release = await holdLock(t, source, 'write');
  const rehearsal = rehearse(ws, { script: 'count.ts', snapshot: 'app.db' });
  const report = await rehearsal.report;
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  assert.deepEqual(report.tables, [{ name: 'users', rowsBefore: 20, rowsAfter: 20 }]);
  assertGroupGone(rehearsal.run.child.pid);
  assertNoWorkDir(ws);
  await release();
});

test('SQLite source that is garbage or truncated: "not a SQLite database or is damaged", and how to check it', async (t) => {
  const ws = workspace(t);
  ws.write('count.ts', COUNT);
  writeFileSync(join(ws.dir, 'garbage.db'), Buffer.alloc(64 * 1024, 'garbage!'));
  // Without --engine, the engine is read from the file's header: garbage has none.
  const guessed = await cliRehearse(ws, ['count.ts', '--snapshot', 'garbage.db']);
  assert.equal(guessed.code, 2);
  assert.match(guessed.stderr, /Cannot tell which engine .*garbage\.db is for: it is not a SQLite database/);
  const DAMAGED = /The SQLite source .*\.db is not a SQLite database or is damaged \(SQLite: .*\)\. Check it with: sqlite3 ".*\.db" "PRAGMA integrity_check"/;
  assert.match(await failedRun(t, ws, 'garbage.db', 'sqlite'), DAMAGED);

  // A real database cut in half: the header is right, the pages it names are not all there.
  const whole = seedSqlite(join(ws.dir, 'whole.db'), 5000);
  cpSync(whole, join(ws.dir, 'truncated.db'));
  truncateSync(join(ws.dir, 'truncated.db'), Math.floor(readFileSync(whole).length / 2));
  assert.match(await failedRun(t, ws, 'truncated.db'), DAMAGED);
  const cli = await cliRehearse(ws, ['count.ts', '--snapshot', 'truncated.db']);
  assert.equal(cli.code, 1);
  assert.match(cli.stdout, /FAILED[\s\S]*is not a SQLite database or is damaged/);
  assertNoWorkDir(ws);
});

const pgliteRoot = mkdtempSync(join(tmpdir(), 'evolve-faults-source-'));
after(() => rmSync(pgliteRoot, { recursive: true, force: true }));
let template: Promise<void> | undefined;
async function seedPglite(ws: Workspace): Promise<void> {
  template ??= (async () => {
    const db = await PGlite.create(join(pgliteRoot, 'pgdata'));
    await db.exec("CREATE TABLE users (id serial PRIMARY KEY, name text); INSERT INTO users (name) SELECT 'user ' || g FROM generate_series(1, 30) g;");
    writeFileSync(join(pgliteRoot, 'pgdata.tgz'), Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer()));
    await db.close();
  })();
  await template;
  cpSync(pgliteRoot, ws.dir, { recursive: true });
}

const PG_COUNT = `export default async function ({ db, log }: { db: import('@electric-sql/pglite').PGlite; log: (...a: unknown[]) => void }) {
  log('users', (await db.query('SELECT count(*)::int AS n FROM users')).rows[0]);
}
`;

test('PGlite dump that is garbage or truncated: "could not be loaded", what to check; the dump unchanged', async (t) => {
  const ws = workspace(t);
  await seedPglite(ws);
  ws.write('count.ts', PG_COUNT);
  writeFileSync(join(ws.dir, 'garbage.tgz'), Buffer.alloc(64 * 1024, 'garbage!'));
  const dump = readFileSync(join(ws.dir, 'pgdata.tgz'));
  writeFileSync(join(ws.dir, 'truncated.tgz'), dump.subarray(0, dump.length >> 1));
  const DUMP = /The PGlite dump .*\.tgz could not be loaded \(.+\): is it whole, and made by PGlite's dumpDataDir\(\) \(a \.tar or \.tgz\)\?/;
  assert.match(await failedRun(t, ws, 'garbage.tgz'), DUMP);
  assert.match(await failedRun(t, ws, 'truncated.tgz'), DUMP);
});

test('PGlite data directory in use by another PGlite, or damaged: a clear outcome, the source unchanged', async (t) => {
  const ws = workspace(t);
  await seedPglite(ws);
  ws.write('count.ts', PG_COUNT);
  // In use: this process has it open. The copy leaves out its lock file (postmaster.pid): it is what a
  // crash would leave, and PGlite recovers it as after a crash.
  const open = await PGlite.create(join(ws.dir, 'pgdata'));
  const before = checksum(join(ws.dir, 'pgdata'));
  const rehearsal = rehearse(ws, { script: 'count.ts', snapshot: 'pgdata' });
  const report = await rehearsal.report;
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  assert.deepEqual(report.tables, [{ name: 'users', rowsBefore: 30, rowsAfter: 30 }]);
  assertGroupGone(rehearsal.run.child.pid);
  assertNoWorkDir(ws);
  assert.equal(checksum(join(ws.dir, 'pgdata')), before);
  await open.close();

  // Damaged: the catalog's files are gone.
  rmSync(join(ws.dir, 'pgdata', 'global'), { recursive: true });
  assert.match(await failedRun(t, ws, 'pgdata'), /The PGlite data directory .*pgdata could not be opened \(.+\): is it whole, and made by PGlite/);
});
