// The stderr progress line and the throttle's pause arithmetic.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import Database from 'better-sqlite3';
import { betterSqlite3Adapter, eachBatch } from '../../runtime/src/index.js';
import { formatDuration, progressLineText } from '../../runtime/src/progress.js';
import { createThrottle } from '../../runtime/src/throttle.js';
import { seedSqlite, tempDir, type Item } from './helpers.js';

test('the progress line shows batch, rows of total, rate, ETA and retries', () => {
  const line = progressLineText({
    type: 'batch', name: 'backfill-emails', batch: 12, batchRows: 500, rows: 6000, total: 100000, firstKey: 5501, lastKey: 6000,
    batchMs: 40, elapsedMs: 3000, etaMs: 47000, batchRetries: 0, retries: 2,
  });
  assert.equal(line, 'backfill-emails: batch 12 · 6,000/100,000 rows · 2,000 rows/s · ETA 47s · 2 retries');
  assert.equal(progressLineText({ type: 'start', name: 'b', total: null, resumedFrom: 300 }), 'b: starting (resuming after 300)');
  assert.equal(progressLineText({ type: 'end', name: 'b', batches: 3, rows: 1500, retries: 0, durationMs: 65000, cancelled: true }), 'b: cancelled after 3 batches, 1,500 rows in 1m 05s');
  assert.deepEqual([formatDuration(59_400), formatDuration(3_600_000 + 120_000)], ['59s', '1h 02m']);
});

test('with progressLine on, one line on stderr is rewritten in place and ends with a newline', async (t) => {
  const file = join(tempDir(t), 'app.db');
  const db = seedSqlite(file, 120);
  t.after(() => db.close());
  const written: string[] = [];
  t.mock.method(process.stderr, 'write', (chunk: string) => (written.push(chunk), true));
  await eachBatch(
    {
      adapter: betterSqlite3Adapter(db),
      name: 'tty',
      size: 50,
      fetch: (after: number | undefined, size, tx: Database.Database) => tx.prepare('SELECT * FROM items WHERE id > ? ORDER BY id LIMIT ?').all(after ?? 0, size) as Item[],
      key: (r) => r.id,
      progressLine: true,
    },
    () => {},
  );
  t.mock.restoreAll();
  assert.equal(written.length, 5); // start, 3 batches, end
  assert.ok(written.every((w) => w.startsWith('\r\x1b[2K')));
  assert.match(written[2]!, /tty: batch 2 · 100 rows/);
  assert.ok(written[4]!.endsWith('\n') && written.slice(0, 4).every((w) => !w.includes('\n')));
});

test('a fixed throttle pauses the same after every batch', () => {
  const next = createThrottle({ pauseMs: 25 });
  assert.deepEqual([next(1), next(1000)], [25, 25]);
  assert.equal(createThrottle(undefined)(5000), 0);
  assert.throws(() => createThrottle({ pauseMs: -1 }), /throttle\.pauseMs must be a number >= 0, got -1/);
});

test('the adaptive throttle backs off while batches run over target and recovers when they are back under', () => {
  const next = createThrottle({ targetBatchMs: 100, maxPauseMs: 1000 });
  assert.equal(next(50), 0, 'under target: no pause');
  assert.equal(next(300), 200, 'over target: at least the overrun');
  assert.equal(next(150), 400, 'still over: doubles');
  assert.equal(next(150), 800);
  assert.equal(next(150), 1000, 'capped at maxPauseMs');
  assert.equal(next(80), 500, 'back under target: halves');
  assert.equal(next(80), 250);
  assert.throws(() => createThrottle({ targetBatchMs: 0 }), /throttle\.targetBatchMs must be a number > 0/);
});

test('the proportional throttle pauses in proportion to how long the batch held the database', () => {
  const half = createThrottle({ dutyCycle: 0.5 });
  assert.deepEqual([half(0), half(40), half(200)], [0, 40, 200], 'dutyCycle 0.5: a pause as long as the batch');
  const most = createThrottle({ dutyCycle: 0.8, maxPauseMs: 100 });
  assert.deepEqual([most(40), most(200), most(1000)], [10, 50, 100], 'dutyCycle 0.8: a quarter of the batch, capped at maxPauseMs');
  assert.equal(createThrottle({ dutyCycle: 1 })(500), 0, 'dutyCycle 1: no pause');
  const floored = createThrottle({ dutyCycle: 0.5, minPauseMs: 25 });
  assert.deepEqual([floored(3), floored(40)], [25, 40], 'minPauseMs: a short batch still leaves a gap polling writers can find');
  assert.throws(() => createThrottle({ dutyCycle: 0.5, minPauseMs: -1 }), /throttle\.minPauseMs must be a number >= 0 and <= maxPauseMs \(10000\), got -1/);
  assert.throws(() => createThrottle({ dutyCycle: 0.5, minPauseMs: 200, maxPauseMs: 100 }), /throttle\.minPauseMs must be .* got 200/);
  assert.throws(() => createThrottle({ dutyCycle: 0 }), /throttle\.dutyCycle must be a number > 0 and <= 1 \(the share of time batches may run\), got 0/);
  assert.throws(() => createThrottle({ dutyCycle: 1.5 }), /throttle\.dutyCycle must be a number > 0 and <= 1/);
  assert.throws(() => createThrottle({ dutyCycle: 0.5, maxPauseMs: -1 }), /throttle\.maxPauseMs must be a number >= 0, got -1/);
});
