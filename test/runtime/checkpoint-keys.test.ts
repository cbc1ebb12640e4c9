// Checkpoint keys survive the trip through the evolve_checkpoints table as what they were.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import Database from 'better-sqlite3';
import { betterSqlite3Adapter, eachBatch } from '../../runtime/src/index.js';
import { decodeKey, encodeKey } from '../../runtime/src/checkpoint-sql.js';
import { tempDir } from './helpers.js';

test('numbers, strings, bigints, Dates and composites round-trip; unstorable keys are refused', () => {
  const keys = [42, 'user-17', 2n ** 70n, new Date('2024-05-01T10:00:00.000Z'), ['b', 3, new Date(0)], { tenant: 'x', id: 9n }];
  for (const key of keys) assert.deepEqual(decodeKey(encodeKey(key)), key);
  assert.equal(decodeKey(null), null);
  assert.throws(() => encodeKey(NaN), /a batch key must be a string, number, bigint, Date or an array\/object of those; got NaN/);
  assert.throws(() => encodeKey([Symbol('x')]), /got Symbol\(x\)/);
});

test('a run keyed by timestamps resumes after the right Date', async (t) => {
  const db = new Database(join(tempDir(t), 'app.db'));
  t.after(() => db.close());
  db.exec('CREATE TABLE events (at TEXT PRIMARY KEY, seen INTEGER NOT NULL DEFAULT 0)');
  const insert = db.prepare('INSERT INTO events (at) VALUES (?)');
  for (let i = 0; i < 25; i++) insert.run(new Date(Date.UTC(2024, 0, 1 + i)).toISOString());
  type Event = { at: string };
  const options = {
    adapter: betterSqlite3Adapter(db),
    name: 'events',
    size: 10,
    fetch: (after: Date | undefined, size: number, tx: Database.Database) =>
      tx.prepare('SELECT at FROM events WHERE at > ? ORDER BY at LIMIT ?').all(after?.toISOString() ?? '', size) as Event[],
    key: (row: Event) => new Date(row.at),
    progressLine: false,
  };
  const mark = (rows: Event[], tx: Database.Database) => {
    for (const row of rows) tx.prepare('UPDATE events SET seen = seen + 1 WHERE at = ?').run(row.at);
  };
  const controller = new AbortController();
  await eachBatch({ ...options, signal: controller.signal }, (rows, tx) => (mark(rows, tx), controller.abort()));
  const rerun = await eachBatch(options, mark);
  assert.ok(rerun.resumedFrom instanceof Date);
  assert.equal(rerun.resumedFrom.toISOString(), '2024-01-10T00:00:00.000Z');
  assert.equal(rerun.rows, 15);
  assert.deepEqual(db.prepare('SELECT DISTINCT seen FROM events').all(), [{ seen: 1 }]);
});
