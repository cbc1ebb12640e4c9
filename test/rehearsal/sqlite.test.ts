// Rehearsals on SQLite snapshots, through real child processes: the report matches the database,
// the source never changes, and every way a run can end leaves nothing behind.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import Database from 'better-sqlite3';
import { checksum, leftovers, rehearse, seedSqlite, workspace } from './helpers';

test('the report counts what the database shows, and the source is unchanged', async (t) => {
  const ws = workspace(t);
  const source = seedSqlite(join(ws.dir, 'app.db'), 300);
  const before = checksum(source);
  ws.write(
    'backfill.ts',
    `import type Database from 'better-sqlite3';
export default async function ({ db }: { db: Database.Database }) {
  const users = db.prepare('SELECT id, name FROM users ORDER BY id').all() as { id: number; name: string }[];
  const update = db.prepare('UPDATE users SET display = upper(name) WHERE id = ?');
  const page = db.transaction((rows: typeof users) => { for (const u of rows) update.run(u.id); });
  for (let i = 0; i < users.length; i += 50) page(users.slice(i, i + 50));
  db.prepare("INSERT INTO users (name) VALUES ('late signup')").run();
}
`,
  );
  const { report } = rehearse(ws, { script: 'backfill.ts', snapshot: 'app.db', keep: true });
  const r = await report;
  assert.equal(r.status, 'ok', JSON.stringify(r.error));
  assert.ok(r.snapshot.path, 'the kept snapshot path is reported');
  const copy = new Database(r.snapshot.path, { readonly: true });
  t.after(() => copy.close());
  const displayed = Number(copy.prepare('SELECT count(*) FROM users WHERE display IS NOT NULL').pluck().get());
  const total = Number(copy.prepare('SELECT count(*) FROM users').pluck().get());
  assert.equal(r.rowsWritten, displayed + (total - 300));
  assert.equal(r.rowsRead, 300);
  assert.equal(r.statements.update, displayed);
  assert.equal(r.statements.insert, total - 300);
  assert.equal(r.statements.select, 1);
  assert.deepEqual({ count: r.transactions.count, commits: r.transactions.commits, open: r.transactions.openAtExit }, { count: 6, commits: 6, open: 0 });
  assert.ok(r.transactions.longestMs >= r.transactions.p50Ms && r.transactions.p50Ms > 0);
  assert.equal(r.writesOutsideTransaction, 1);
  assert.deepEqual(r.tables, [{ name: 'users', rowsBefore: 300, rowsAfter: total }]);
  assert.equal(checksum(source), before);
});

test('the fence stops a script that opens the real database, which stays byte-identical', async (t) => {
  const ws = workspace(t);
  const source = seedSqlite(join(ws.dir, 'app.db'), 20);
  const before = checksum(source);
  ws.write(
    'sneaky.ts',
    `import Database from 'better-sqlite3';
export default async function () {
  let real;
  try { real = new Database(${JSON.stringify(source)}); } catch { return; /* swallowed: the run must still fail */ }
  real.prepare('DELETE FROM users').run();
}
`,
  );
  const r = await rehearse(ws, { script: 'sneaky.ts', snapshot: 'app.db' }).report;
  assert.equal(r.status, 'failed');
  assert.match(r.error?.message ?? '', /fence/i);
  assert.ok(r.error?.message.includes(source), 'the error names the connection');
  assert.equal(checksum(source), before);
  assert.deepEqual(leftovers(ws), []);
});

test('a driver loaded with a dynamic import() resolves like a static import, and is fenced too', async (t) => {
  const ws = workspace(t);
  const source = seedSqlite(join(ws.dir, 'app.db'), 20);
  const before = checksum(source);
  ws.write(
    'dynamic.ts',
    `export default async function ({ db }: { db: import('better-sqlite3').Database }) {
  const { default: Database } = await import('better-sqlite3');
  const scratch = new Database(':memory:');
  scratch.exec('CREATE TABLE t (x)');
  db.prepare("UPDATE users SET display = 'seen' WHERE id = 1").run();
  new Database(${JSON.stringify(source)}).prepare('DELETE FROM users').run();
}
`,
  );
  const r = await rehearse(ws, { script: 'dynamic.ts', snapshot: 'app.db' }).report;
  assert.equal(r.status, 'failed', 'the dynamic import resolved and its connection to the source was refused');
  assert.match(r.error?.message ?? '', /fence/i);
  assert.ok(r.error?.message.includes(source), 'the error names the connection');
  assert.equal(r.statements.update, 1, 'the script ran up to the fenced connection');
  assert.equal(checksum(source), before);
  assert.deepEqual(leftovers(ws), []);
});

test('a throwing script fails with a stack that points at the TypeScript line', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 5);
  ws.write(
    'throws.ts',
    `interface User { id: number }

export default async function ({ db }: { db: { prepare(s: string): { all(): unknown[] } } }) {
  const users = db.prepare('SELECT id FROM users').all() as User[];
  if (users.length > 0) {
    throw new Error('no display name for user ' + users[0].id);
  }
}
`,
  );
  const r = await rehearse(ws, { script: 'throws.ts', snapshot: 'app.db' }).report;
  assert.equal(r.status, 'failed');
  assert.equal(r.error?.message, 'no display name for user 1');
  assert.match(r.error?.stack ?? '', /throws\.ts:6:11/);
  assert.deepEqual(leftovers(ws), []);
});

test('a script with a syntax error fails clearly, before any snapshot is made', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 5);
  ws.write('broken.ts', 'export default async function () {\n  const x = ;\n}\n');
  const rehearsal = rehearse(ws, { script: 'broken.ts', snapshot: 'app.db' });
  const r = await rehearsal.report;
  assert.equal(r.status, 'failed');
  assert.match(r.error?.message ?? '', /does not compile[\s\S]*broken\.ts:2:13/);
  assert.equal(rehearsal.events.some((e) => e.type === 'snapshot-ready'), false);
  assert.deepEqual(leftovers(ws), []);
});

test('a hanging script is stopped by the timeout and killed after the grace period', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 5);
  ws.write('hangs.ts', 'export default async function () {\n  await new Promise(() => setInterval(() => {}, 1000));\n}\n');
  const r = await rehearse(ws, { script: 'hangs.ts', snapshot: 'app.db', timeoutMs: 300, graceMs: 300 }).report;
  assert.equal(r.status, 'timeout');
  assert.match(r.error?.message ?? '', /timeout/);
  assert.deepEqual(leftovers(ws), []);
});

test('cancel: evolve-runtime finishes the batch in flight, commits it and stops', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 400);
  ws.write(
    'batched.ts',
    `import type Database from 'better-sqlite3';
import { eachBatch, betterSqlite3Adapter } from 'evolve-runtime';
export default async function ({ db, signal }: { db: Database.Database; signal: AbortSignal }) {
  const page = db.prepare('SELECT id, name FROM users WHERE id > ? ORDER BY id LIMIT ?');
  const update = db.prepare('UPDATE users SET display = upper(name) WHERE id = ?');
  await eachBatch(
    { adapter: betterSqlite3Adapter(db), name: 'display', size: 10, signal, checkpoint: false,
      fetch: (after: number | undefined, size: number) => page.all(after ?? 0, size) as { id: number }[], key: (u) => u.id },
    async (rows) => { for (const u of rows) update.run(u.id); await new Promise((r) => setTimeout(r, 15)); },
  );
}
`,
  );
  const rehearsal = rehearse(ws, { script: 'batched.ts', snapshot: 'app.db', keep: true });
  await rehearsal.when((e) => e.type === 'progress' && e.runtime?.type === 'batch' && e.runtime.batch >= 2);
  rehearsal.run.cancel();
  const r = await rehearsal.report;
  assert.equal(r.status, 'cancelled', JSON.stringify(r.error));
  assert.ok(r.batches >= 2 && r.batches < 40, `stopped early after ${r.batches} batches: ${JSON.stringify(r)}`);
  const copy = new Database(r.snapshot.path as string, { readonly: true });
  t.after(() => copy.close());
  const done = Number(copy.prepare('SELECT count(*) FROM users WHERE display IS NOT NULL').pluck().get());
  assert.equal(done, r.batches * 10, 'whole batches only: the one in flight committed');
  assert.equal(r.rowsWritten, done);
  assert.equal(r.transactions.commits, r.batches);
  assert.equal(r.transactions.openAtExit, 0);
});

test('conflicts and retries: a locked snapshot makes evolve-runtime retry the batch', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 30);
  ws.write(
    'contended.ts',
    `import Database from 'better-sqlite3';
import { eachBatch, betterSqlite3Adapter } from 'evolve-runtime';
export default async function ({ db }: { db: Database.Database }) {
  db.pragma('busy_timeout = 0');
  // Another writer (the application, in real life) holds the write lock for a moment.
  const app = new Database(process.env.EVOLVE_SNAPSHOT as string);
  app.exec('BEGIN IMMEDIATE');
  setTimeout(() => app.exec('COMMIT'), 40);
  const page = db.prepare('SELECT id FROM users WHERE id > ? ORDER BY id LIMIT ?');
  const update = db.prepare('UPDATE users SET display = name WHERE id = ?');
  await eachBatch(
    { adapter: betterSqlite3Adapter(db), name: 'contended', size: 10, checkpoint: false, retryDelay: { baseMs: 60 },
      fetch: (after: number | undefined, size: number) => page.all(after ?? 0, size) as { id: number }[], key: (u) => u.id },
    (rows) => { for (const u of rows) update.run(u.id); },
  );
}
`,
  );
  const r = await rehearse(ws, { script: 'contended.ts', snapshot: 'app.db' }).report;
  assert.equal(r.status, 'ok', JSON.stringify(r.error));
  assert.ok(r.conflicts >= 1, `conflicts: ${r.conflicts}`);
  assert.equal(r.retries, r.conflicts, 'each busy error was retried');
  assert.equal(r.batches, 3);
  assert.equal(r.rowsWritten, 30);
});

test('a transaction left open at exit is reported, and rolled back as the exit would', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 10);
  ws.write(
    'forgets-commit.js',
    `module.exports = async ({ db }) => {
  db.exec('BEGIN');
  db.prepare("DELETE FROM users WHERE id <= 4").run();
};
`,
  );
  const r = await rehearse(ws, { script: 'forgets-commit.js', snapshot: 'app.db' }).report;
  assert.equal(r.status, 'ok');
  assert.deepEqual(r.transactions, { count: 1, commits: 0, rollbacks: 0, longestMs: 0, p50Ms: 0, openAtExit: 1 });
  assert.equal(r.rowsWritten, 4);
  assert.deepEqual(r.tables, [{ name: 'users', rowsBefore: 10, rowsAfter: 10 }]);
});
