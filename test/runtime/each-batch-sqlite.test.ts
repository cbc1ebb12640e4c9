// eachBatch end to end on real better-sqlite3 database files: commit per batch, checkpoints,
// resume, reset, cancellation, failures, progress events and the rehearsal sink.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import Database from 'better-sqlite3';
import { BatchFailedError, betterSqlite3Adapter, eachBatch, REHEARSAL_SINK, type ProgressEvent } from '../../runtime/src/index.js';
import { eventLog, expectedItems, seedSqlite, tempDir, type Item } from './helpers.js';

type Db = Database.Database;
const fetchItems = (after: number | undefined, size: number, db: Db) =>
  db.prepare('SELECT * FROM items WHERE id > ? ORDER BY id LIMIT ?').all(after ?? 0, size) as Item[];
const doubleRows = (rows: Item[], db: Db) => {
  const update = db.prepare('UPDATE items SET value = value * 2 + 1, touched = touched + 1 WHERE id = ?');
  for (const row of rows) update.run(row.id);
};
const allItems = (db: Db) => db.prepare('SELECT id, value, touched FROM items ORDER BY id').all() as Item[];
const checkpointOf = (db: Db, name: string) => db.prepare('SELECT last_key, batches, row_count FROM evolve_checkpoints WHERE name = ?').get(name);

function setup(t: test.TestContext, count: number) {
  const file = join(tempDir(t), 'app.db');
  const db = seedSqlite(file, count);
  t.after(() => db.close());
  return { file, db, adapter: betterSqlite3Adapter(db) };
}

test('every row is processed once, each batch committed on its own with its checkpoint', async (t) => {
  const { file, db, adapter } = setup(t, 1234);
  const observer = new Database(file, { readonly: true });
  t.after(() => observer.close());
  const committedBefore: number[] = [];
  const summary = await eachBatch({ adapter, name: 'double', size: 100, fetch: fetchItems, key: (r) => r.id, progressLine: false }, (rows, tx, info) => {
    // Another connection sees exactly the batches committed before this one.
    committedBefore.push((observer.prepare('SELECT count(*) AS n FROM items WHERE touched = 1').get() as { n: number }).n);
    assert.equal(info.after, info.batch === 1 ? undefined : (info.batch - 1) * 100);
    doubleRows(rows, tx);
  });
  assert.deepEqual(allItems(db), expectedItems(1234));
  assert.deepEqual(committedBefore, Array.from({ length: 13 }, (_, i) => i * 100));
  assert.equal(summary.batches, 13);
  assert.equal(summary.rows, 1234);
  assert.equal(summary.cancelled, false);
  assert.equal(summary.resumedFrom, null);
  assert.equal(summary.lastKey, 1234);
  assert.deepEqual(checkpointOf(db, 'double'), { last_key: '1234', batches: 13, row_count: 1234 });
});

test('an aborted run commits the batch in flight, and a rerun resumes after it', async (t) => {
  const { db, adapter } = setup(t, 1000);
  const controller = new AbortController();
  const first = await eachBatch({ adapter, name: 'double', size: 100, fetch: fetchItems, key: (r) => r.id, signal: controller.signal, progressLine: false }, (rows, tx, info) => {
    if (info.batch === 3) controller.abort();
    doubleRows(rows, tx);
  });
  assert.equal(first.cancelled, true);
  assert.equal(first.batches, 3);
  assert.equal((db.prepare('SELECT count(*) AS n FROM items WHERE touched = 1').get() as { n: number }).n, 300);
  const seen: (number | undefined)[] = [];
  const second = await eachBatch({ adapter, name: 'double', size: 100, fetch: fetchItems, key: (r) => r.id, progressLine: false }, (rows, tx, info) => {
    seen.push(info.after);
    doubleRows(rows, tx);
  });
  assert.equal(second.resumedFrom, 300);
  assert.equal(seen[0], 300);
  assert.equal(second.rows, 700);
  assert.deepEqual(allItems(db), expectedItems(1000));
  assert.deepEqual(checkpointOf(db, 'double'), { last_key: '1000', batches: 10, row_count: 1000 });
});

test('reset starts over from the first row; checkpoint: false keeps no checkpoint', async (t) => {
  const { db, adapter } = setup(t, 250);
  const options = { adapter, name: 'double', size: 100, fetch: fetchItems, key: (r: Item) => r.id, progressLine: false };
  await eachBatch(options, doubleRows);
  const again = await eachBatch(options, doubleRows);
  assert.equal(again.rows, 0, 'a finished run resumes after its last key and finds nothing new');
  const reset = await eachBatch({ ...options, reset: true }, doubleRows);
  assert.equal(reset.resumedFrom, null);
  assert.equal(reset.rows, 250);
  assert.ok(allItems(db).every((row) => row.touched === 2));
  await eachBatch({ ...options, name: 'no-checkpoint', checkpoint: false }, doubleRows);
  assert.equal(checkpointOf(db, 'no-checkpoint'), undefined);
  assert.ok(allItems(db).every((row) => row.touched === 3));
});

test('a failing batch is rolled back and reported with its number and key range; a rerun resumes', async (t) => {
  const { db, adapter } = setup(t, 500);
  const options = { adapter, name: 'double', size: 100, fetch: fetchItems, key: (r: Item) => r.id, progressLine: false };
  const failing = eachBatch(options, (rows, tx, info) => {
    doubleRows(rows, tx);
    if (info.batch === 3) throw new Error('value out of range');
  });
  await assert.rejects(failing, (error: unknown) => {
    assert.ok(error instanceof BatchFailedError);
    assert.equal(error.batch, 3);
    assert.equal(error.firstKey, 201);
    assert.equal(error.lastKey, 300);
    assert.match(error.message, /"double" batch 3 \(keys 201 to 300\) failed: value out of range\. The batch was rolled back; rerun to resume after key 200\./);
    return true;
  });
  assert.equal((db.prepare('SELECT count(*) AS n FROM items WHERE touched = 1').get() as { n: number }).n, 200, 'batch 3 was rolled back');
  assert.deepEqual(checkpointOf(db, 'double'), { last_key: '200', batches: 2, row_count: 200 });
  const rerun = await eachBatch(options, doubleRows);
  assert.equal(rerun.resumedFrom, 200);
  assert.deepEqual(allItems(db), expectedItems(500));
});

test('a fetch that ignores `after` is stopped with an explanation instead of looping forever', async (t) => {
  const { adapter } = setup(t, 300);
  const stuck = eachBatch({ adapter, name: 'stuck', size: 100, fetch: (_after, size, db) => fetchItems(undefined, size, db), key: (r) => r.id, progressLine: false }, () => {});
  await assert.rejects(stuck, /batch 2 \(keys 1 to 100\) failed: options\.fetch returned rows that do not advance past key 100/);
});

test('progress events carry totals and ETA, and reach the rehearsal sink too', async (t) => {
  const { adapter } = setup(t, 450);
  const log = eventLog();
  const sinkEvents: ProgressEvent[] = [];
  const globals = globalThis as Record<symbol, unknown>;
  globals[REHEARSAL_SINK] = { emit: (event: ProgressEvent) => sinkEvents.push(event) };
  t.after(() => delete globals[REHEARSAL_SINK]);
  const counted: (number | undefined)[] = [];
  await eachBatch(
    { adapter, name: 'double', size: 200, fetch: fetchItems, key: (r) => r.id, count: (after) => (counted.push(after), 450), onProgress: log.onProgress, progressLine: false },
    doubleRows,
  );
  assert.deepEqual(counted, [undefined]);
  assert.deepEqual(log.events.map((e) => e.type), ['start', 'batch', 'batch', 'batch', 'end']);
  assert.deepEqual(log.of('start')[0], { type: 'start', name: 'double', total: 450, resumedFrom: null });
  const batches = log.of('batch');
  assert.deepEqual(batches.map((e) => [e.batch, e.batchRows, e.rows, e.firstKey, e.lastKey]), [[1, 200, 200, 1, 200], [2, 200, 400, 201, 400], [3, 50, 450, 401, 450]]);
  assert.equal(batches[2]!.etaMs, 0);
  assert.ok(batches.every((e) => e.total === 450 && typeof e.etaMs === 'number' && (e.elapsedMs as number) >= (e.batchMs as number)));
  assert.deepEqual(log.of('end')[0] && { ...log.of('end')[0], durationMs: 0 }, { type: 'end', name: 'double', batches: 3, rows: 450, retries: 0, durationMs: 0, cancelled: false });
  assert.deepEqual(sinkEvents, log.events);
});

test('keys can be strings and composite arrays; a bad size is refused', async (t) => {
  const { db, adapter } = setup(t, 0);
  db.exec('CREATE TABLE tags (team TEXT, slug TEXT, seen INTEGER DEFAULT 0, PRIMARY KEY (team, slug))');
  const insert = db.prepare('INSERT INTO tags (team, slug) VALUES (?, ?)');
  for (const team of ['a', 'b', 'c']) for (let i = 0; i < 7; i++) insert.run(team, `s${i}`);
  type Tag = { team: string; slug: string };
  const fetchTags = (after: [string, string] | undefined, size: number, tx: Db) =>
    tx.prepare('SELECT team, slug FROM tags WHERE (team, slug) > (?, ?) ORDER BY team, slug LIMIT ?').all(after?.[0] ?? '', after?.[1] ?? '', size) as Tag[];
  const options = { adapter, name: 'tags', size: 4, fetch: fetchTags, key: (r: Tag): [string, string] => [r.team, r.slug], progressLine: false };
  const controller = new AbortController();
  await eachBatch({ ...options, signal: controller.signal }, (rows, tx, info) => {
    if (info.batch === 2) controller.abort();
    for (const r of rows) tx.prepare('UPDATE tags SET seen = seen + 1 WHERE team = ? AND slug = ?').run(r.team, r.slug);
  });
  const rerun = await eachBatch(options, (rows, tx) => {
    for (const r of rows) tx.prepare('UPDATE tags SET seen = seen + 1 WHERE team = ? AND slug = ?').run(r.team, r.slug);
  });
  assert.deepEqual(rerun.resumedFrom, ['b', 's0']);
  assert.deepEqual(db.prepare('SELECT DISTINCT seen FROM tags').all(), [{ seen: 1 }]);
  await assert.rejects(eachBatch({ ...options, size: 0 }, () => {}), /options\.size must be a whole number >= 1, got 0/);
});

test('a stop during a throttle pause ends the run without waiting the pause out', { timeout: 20_000 }, async (t) => {
  const { adapter } = setup(t, 300);
  const controller = new AbortController();
  const summary = await eachBatch(
    {
      adapter, name: 'throttled', size: 100, fetch: fetchItems, key: (r) => r.id, progressLine: false, signal: controller.signal,
      throttle: { pauseMs: 600_000 },
      // The pause starts right after the batch event; the abort lands inside it.
      onProgress: (event) => void (event.type === 'batch' && setImmediate(() => controller.abort())),
    },
    doubleRows,
  );
  assert.deepEqual([summary.batches, summary.cancelled], [1, true]);
});
