// Genuine conflicts between two connections, retried by eachBatch until the batch commits:
// SQLITE_BUSY on a shared SQLite file, and a PostgreSQL serialization failure (40001).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { BatchFailedError, betterSqlite3Adapter, eachBatch, pgAdapter, type PgQueryable } from '../../runtime/src/index.js';
import { createPgDatabase, eventLog, seedPg, seedSqlite, tempDir, type Item } from './helpers.js';

const retryFast = { baseMs: 1, maxMs: 5 };

test('SQLite: a batch that finds the database locked (SQLITE_BUSY) is retried and commits', async (t) => {
  const file = join(tempDir(t), 'app.db');
  seedSqlite(file, 300).close();
  const runner = new Database(file, { timeout: 0 }); // fail at once instead of waiting for the lock
  const other = new Database(file, { timeout: 0 });
  t.after(() => (runner.close(), other.close()));
  const log = eventLog();
  const summary = await eachBatch(
    {
      adapter: betterSqlite3Adapter(runner),
      name: 'busy',
      size: 100,
      fetch: (after: number | undefined, size, db) => db.prepare('SELECT * FROM items WHERE id > ? ORDER BY id LIMIT ?').all(after ?? 0, size) as Item[],
      key: (r) => r.id,
      retryDelay: retryFast,
      progressLine: false,
      onProgress(event) {
        log.onProgress(event);
        // After batch 1 commits, another connection takes the write lock and changes a row of batch 2...
        if (event.type === 'batch' && event.batch === 1) other.exec('BEGIN IMMEDIATE; UPDATE items SET value = 1000 WHERE id = 150');
        // ...and commits once eachBatch has hit the lock and scheduled its retry.
        if (event.type === 'retry') other.exec('COMMIT');
      },
    },
    (rows, db) => {
      const update = db.prepare('UPDATE items SET value = value * 2 + 1, touched = touched + 1 WHERE id = ?');
      for (const row of rows) update.run(row.id);
    },
  );
  const retries = log.of('retry');
  assert.equal(retries.length, 1);
  assert.equal(retries[0]!.batch, 2);
  assert.match(String(retries[0]!.reason), /SQLITE_BUSY/);
  assert.equal(summary.retries, 1);
  // Retries are counted for the batch that had them, and the count starts again at the next batch.
  assert.deepEqual(log.of('batch').map((e) => [e.batch, e.batchRetries, e.retries]), [[1, 0, 0], [2, 1, 1], [3, 0, 1]]);
  assert.equal(summary.rows, 300);
  const row150 = runner.prepare('SELECT value, touched FROM items WHERE id = 150').get();
  assert.deepEqual(row150, { value: 2001, touched: 1 }, 'the retried batch saw the other connection\'s committed write');
});

test('SQLite: when the lock outlasts the retries, the error names the batch and the attempts', async (t) => {
  const file = join(tempDir(t), 'app.db');
  seedSqlite(file, 300).close();
  const runner = new Database(file, { timeout: 0 });
  const other = new Database(file, { timeout: 0 });
  t.after(() => (runner.close(), other.close()));
  const run = eachBatch(
    {
      adapter: betterSqlite3Adapter(runner),
      name: 'busy',
      size: 100,
      fetch: (after: number | undefined, size, db) => db.prepare('SELECT * FROM items WHERE id > ? ORDER BY id LIMIT ?').all(after ?? 0, size) as Item[],
      key: (r) => r.id,
      retries: 2,
      retryDelay: retryFast,
      progressLine: false,
      onProgress: (event) => void (event.type === 'batch' && event.batch === 1 && other.exec('BEGIN IMMEDIATE')),
    },
    () => {},
  );
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof BatchFailedError);
    assert.equal(error.attempts, 3);
    assert.match(error.message, /"busy" batch 2 \(keys after 100\) failed after 3 attempts .*SQLITE_BUSY.*rerun to resume after key 100/);
    return true;
  });
  other.exec('ROLLBACK');
});

test('PostgreSQL: a serialization failure (40001) from a concurrent update is retried and commits', async (t) => {
  const database = await createPgDatabase('evolve_rt_conflict');
  if ('skip' in database) return t.skip(database.skip);
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const other = new pg.Client({ connectionString: database.url });
  await other.connect();
  t.after(async () => (await other.end(), await pool.end(), await database.drop()));
  await seedPg(pool, 300);
  const log = eventLog();
  const summary = await eachBatch(
    {
      adapter: pgAdapter(pool, { isolationLevel: 'repeatable read' }),
      name: 'serialize',
      size: 100,
      fetch: async (after: number | undefined, size, tx: PgQueryable) => (await tx.query('SELECT id FROM items WHERE id > $1 ORDER BY id LIMIT $2', [after ?? 0, size])).rows as { id: number }[],
      key: (r) => r.id,
      retryDelay: retryFast,
      onProgress: log.onProgress,
      progressLine: false,
    },
    async (rows, tx, info) => {
      // First attempt of batch 2: the snapshot is taken, then another session changes a row of it.
      if (info.batch === 2 && info.attempt === 0) await other.query('UPDATE items SET value = 1000 WHERE id = 150');
      await tx.query('UPDATE items SET value = value * 2 + 1, touched = touched + 1 WHERE id = ANY($1)', [rows.map((r) => r.id)]);
    },
  );
  const retries = log.of('retry');
  assert.equal(retries.length, 1);
  assert.match(String(retries[0]!.reason), /could not serialize access due to concurrent update \(40001\)/);
  assert.equal(summary.retries, 1);
  const { rows } = await other.query('SELECT count(*)::int AS n, sum(touched)::int AS touched FROM items WHERE touched = 1');
  assert.deepEqual(rows[0], { n: 300, touched: 300 });
  const row150 = await other.query('SELECT value::int FROM items WHERE id = 150');
  assert.equal(row150.rows[0].value, 2001);
});
