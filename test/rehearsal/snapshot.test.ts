// The SQLite snapshot in the rehearsal child: a file copy under a read transaction, in
// rollback-journal and WAL mode. It must give a consistent, writable copy and leave the
// source byte-identical, also while another process commits to it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import Database from 'better-sqlite3';
import { snapshotSqlite } from '../../server/src/rehearsal/child/snapshot';
import { checksum, seedSqlite, workspace } from './helpers';

type Ctor = Parameters<typeof snapshotSqlite>[0];
const Sqlite = Database as unknown as Ctor;

test('rollback-journal source: the snapshot is a byte copy, writable even when the source is read-only', async (t) => {
  const ws = workspace(t);
  const source = seedSqlite(join(ws.dir, 'app.db'), 2000);
  chmodSync(source, 0o444);
  const before = checksum(source);
  const work = join(ws.tempRoot, 'run');
  mkdirSync(work);
  const snapshot = await snapshotSqlite(Sqlite, source, work);
  assert.equal(checksum(source), before, 'the source is never written');
  assert.deepEqual(readFileSync(snapshot.path), readFileSync(source));
  const db = new Database(snapshot.path);
  db.prepare("UPDATE users SET display = 'x'").run();
  assert.equal(db.prepare("SELECT count(*) FROM users WHERE display = 'x'").pluck().get(), 2000);
  db.close();
});

test('WAL source: committed pages still in the -wal file are in the snapshot', async (t) => {
  const ws = workspace(t);
  const source = seedSqlite(join(ws.dir, 'app.db'), 10);
  const writer = new Database(source);
  t.after(() => writer.close());
  writer.pragma('journal_mode = WAL');
  writer.pragma('wal_autocheckpoint = 0');
  writer.prepare("INSERT INTO users (name) VALUES ('only in the wal')").run();
  const work = join(ws.tempRoot, 'run');
  mkdirSync(work);
  const snapshot = await snapshotSqlite(Sqlite, source, work);
  const db = new Database(snapshot.path, { readonly: true });
  assert.equal(db.prepare('SELECT count(*) FROM users').pluck().get(), 11);
  db.close();
});

// Each transaction rewrites every row of `a` and `b`, so the pages of both tables change on every
// commit: in any committed state every row holds the same n; a copy torn by a commit would not.
const WRITER = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2], { timeout: 10000 });
const bump = db.transaction(() => {
  db.prepare('UPDATE a SET n = n + 1').run();
  db.prepare('UPDATE b SET n = n + 1').run();
});
bump();
process.stdout.write('ready\\n');
// A short pause between commits lets readers in, as between the requests of a real application.
(function loop() { bump(); setTimeout(loop, 10); })();
`;

for (const mode of ['delete', 'wal']) {
  test(`${mode} journal mode, source written by another process: every snapshot is one committed state`, async (t) => {
    const ws = workspace(t);
    const source = join(ws.dir, 'busy.db');
    const setup = new Database(source);
    setup.exec(`CREATE TABLE a (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, pad TEXT);
      CREATE TABLE b (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, pad TEXT);
      WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 4000)
      INSERT INTO a (n, pad) SELECT 0, hex(randomblob(60)) FROM r;
      INSERT INTO b (n, pad) SELECT 0, pad FROM a;`);
    setup.pragma(`journal_mode = ${mode}`);
    setup.close();
    const driver = require.resolve('better-sqlite3');
    const child = spawn(process.execPath, ['-e', WRITER, driver, source], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => child.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`the writer exited with ${code}`)));
    });
    const states = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const work = join(ws.tempRoot, `run${i}`);
      mkdirSync(work);
      const snapshot = await snapshotSqlite(Sqlite, source, work);
      const db = new Database(snapshot.path, { readonly: true });
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', `snapshot ${i} is corrupt`);
      const range = db.prepare('SELECT min(n) AS low, max(n) AS high FROM (SELECT n FROM a UNION ALL SELECT n FROM b)').get() as { low: number; high: number };
      db.close();
      assert.equal(range.low, range.high, `snapshot ${i} mixes two commits (n from ${range.low} to ${range.high})`);
      states.add(range.low);
    }
    assert.ok(states.size > 1 || [...states][0] > 0, 'the writer committed while the snapshots were taken');
  });
}
