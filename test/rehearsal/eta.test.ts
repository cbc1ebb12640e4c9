// ETA arithmetic, with an injected clock: no test depends on how fast this machine is.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { etaLines, wrap } from '../../server/src/rehearsal/format-checks';
import { etaForReport, ETA_ERROR_STATEMENT, parseProductionRows, productionCounts, productionEta, ProgressEta, type Clock } from '../../server/src/rehearsal/eta';
import type { RehearsalReport } from '../../server/src/rehearsal/protocol';
import { betterSqlite3Adapter, eachBatch, type BatchProgressEvent } from '../../runtime/src/index.js';
import { checksum, rehearse, seedSqlite, workspace } from './helpers';

function fakeClock(start = 1000): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

test('the running ETA is elapsed / fraction done', () => {
  const clock = fakeClock();
  const eta = new ProgressEta(clock);
  assert.equal(eta.estimate(0, 100), null, 'no progress, no estimate');
  assert.equal(eta.estimate(5, 0), null, 'no total, no estimate');
  clock.advance(2000);
  assert.deepEqual(eta.estimate(10, 100), { totalMs: 20_000, remainingMs: 18_000 });
  clock.advance(3000);
  assert.deepEqual(eta.estimate(25, 100), { totalMs: 20_000, remainingMs: 15_000 });
  assert.deepEqual(eta.estimate(120, 100), { totalMs: 5000, remainingMs: 0 }, 'past the total: done now');
});

test("the running ETA is evolve-runtime's: the same remaining time for every batch event it emits", async () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)');
  db.prepare('INSERT INTO t (v) SELECT value FROM json_each(?)').run(JSON.stringify(Array.from({ length: 25 }, (_, i) => i)));
  const events: BatchProgressEvent[] = [];
  await eachBatch(
    {
      adapter: betterSqlite3Adapter(db), name: 'parity', size: 4, checkpoint: false, progressLine: false,
      count: () => 25,
      fetch: (after: number | undefined, size: number) => db.prepare('SELECT id FROM t WHERE id > ? ORDER BY id LIMIT ?').all(after ?? 0, size) as { id: number }[],
      key: (row) => row.id,
      onProgress: (event) => event.type === 'batch' && events.push(event),
    },
    (rows) => rows.forEach((row) => db.prepare('UPDATE t SET v = v + 1 WHERE id = ?').run(row.id)),
  );
  assert.equal(events.length, 7);
  for (const event of events) {
    // The bench measures ProgressEta: it must be the estimate people see in the progress bar.
    const clock = fakeClock(0);
    const eta = new ProgressEta(clock);
    clock.advance(event.elapsedMs);
    assert.ok(Math.abs((eta.estimate(event.rows, 25)?.remainingMs ?? NaN) - (event.etaMs ?? NaN)) < 1e-6, JSON.stringify(event));
  }
  db.close();
});

test('the production ETA scales the duration by production rows over rehearsed rows', () => {
  const eta = productionEta(4000, [
    { name: 'users', rehearsalRows: 1000, productionRows: 50_000, counted: 'given' },
    { name: 'orders', rehearsalRows: 3000, productionRows: 150_000, counted: 'given' },
  ]);
  assert.equal(eta.etaMs, 200_000);
  assert.deepEqual(eta.basis.tables.map((t) => [t.name, t.rowsPerSecond]), [['users', 250], ['orders', 750]]);
  assert.equal(eta.basis.formula, 'etaMs = durationMs × Σ productionRows / Σ rehearsalRows = 4000 × 200000 / 4000');
  assert.equal(eta.error, ETA_ERROR_STATEMENT);
  assert.equal(productionEta(4000, []).etaMs, null);
  assert.match(productionEta(4000, []).error, /no counted table/);
  assert.equal(productionEta(0, [{ name: 't', rehearsalRows: 5, productionRows: 5, counted: 'x' }]).etaMs, null);
});

test("a report's ETA uses the counts of the tables the script wrote to, or the production counts given", () => {
  const report = {
    durationMs: 1500,
    snapshot: { source: 'app.db' },
    tables: [
      { name: 'users', rowsBefore: 300, rowsAfter: 300 },
      { name: 'audit', rowsBefore: null, rowsAfter: 2 },
      { name: 'untouched', rowsBefore: 9000, rowsAfter: 9000 },
    ],
  } as unknown as RehearsalReport;
  const same = etaForReport(report, ['Users', 'audit']);
  assert.equal(same.etaMs, 1500, 'a full copy: production takes as long as the rehearsal');
  assert.deepEqual(same.basis.tables.map((t) => t.name), ['users'], 'uncounted tables are left out');
  assert.match(same.basis.tables[0].counted, /COUNT\(\*\) of the snapshot of app\.db/);
  const counted = [{ name: 'Users', rows: 600, counted: 'estimated from sqlite_stat1 of prod.db (as of its last ANALYZE)' }];
  const fromProduction = etaForReport(report, ['users'], productionCounts(counted));
  assert.equal(fromProduction.etaMs, 3000);
  assert.match(fromProduction.basis.tables[0].counted, /sqlite_stat1 of prod\.db/);
  const bigger = etaForReport(report, ['users'], productionCounts(counted, new Map([['users', 3000]])));
  assert.equal(bigger.etaMs, 15_000, 'a count given on the command line wins');
  assert.equal(bigger.basis.tables[0].counted, 'given with --production-rows');
});

test('--production-rows parses table=count pairs and says what it wants otherwise', () => {
  assert.deepEqual([...parseProductionRows('Users=2000000, orders=9e6')], [['users', 2_000_000], ['orders', 9_000_000]]);
  assert.throws(() => parseProductionRows('users:5'), /table=count pairs .* "users:5" is not one/);
});

test('--production: counts from sqlite_stat1 where ANALYZE ran, else COUNT(*), read-only, in the report\'s ETA', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 20);
  const production = seedSqlite(join(ws.dir, 'prod.db'), 200);
  const prod = new Database(production);
  prod.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER); CREATE INDEX users_email ON users (email); ANALYZE users;');
  prod.prepare('INSERT INTO orders (user_id) VALUES (1), (2), (3)').run();
  prod.close();
  ws.write('touch-both.js', "module.exports = ({ db }) => { db.prepare('UPDATE users SET display = name').run(); db.prepare('INSERT INTO orders (user_id) VALUES (1)').run(); };\n");
  const app = new Database(join(ws.dir, 'app.db'));
  app.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER)');
  app.close();
  const productionBefore = checksum(production);
  const r = await rehearse(ws, { script: 'touch-both.js', snapshot: 'app.db', productionSource: 'prod.db' }).report;
  assert.equal(r.status, 'ok', JSON.stringify(r.error));
  assert.equal(checksum(production), productionBefore, 'the production database is only read');
  const basis = Object.fromEntries(r.eta?.basis.tables.map((x) => [x.name, x]) ?? []);
  assert.deepEqual([basis.users?.rehearsalRows, basis.users?.productionRows], [20, 200]);
  assert.match(basis.users.counted, /estimated from sqlite_stat1 of .*prod\.db/);
  assert.deepEqual([basis.orders?.rehearsalRows, basis.orders?.productionRows], [0, 3]);
  assert.match(basis.orders.counted, /^COUNT\(\*\) of .*prod\.db/);
  assert.equal(r.eta?.etaMs, Math.round((r.durationMs * 203) / 20));
});

test('the summary shows the ETA, its formula and its error, wrapped', () => {
  assert.deepEqual(wrap('aa bb cc dd', 5), ['aa bb', 'cc dd']);
  assert.deepEqual(wrap('a-very-long-word x', 4), ['a-very-long-word', 'x']);
  const report = { durationMs: 2000, snapshot: { source: 'app.db' }, tables: [{ name: 'users', rowsBefore: 100, rowsAfter: 100 }] } as unknown as RehearsalReport;
  const lines = etaLines({ ...report, eta: etaForReport(report, ['users'], productionCounts([], new Map([['users', 1000]]))) });
  assert.equal(lines[0], '  production ETA 20.0 s, from users 100 → 1,000 rows (50 rows/s; given with --production-rows)');
  assert.equal(lines[1].trim(), 'etaMs = durationMs × Σ productionRows / Σ rehearsalRows = 2000 × 1000 / 100');
  assert.ok(lines.slice(2).every((line) => line.length <= 100), lines.join('\n'));
  assert.equal(lines.slice(2).map((l) => l.trim()).join(' '), ETA_ERROR_STATEMENT);
  assert.deepEqual(etaLines(report), [], 'no ETA, no lines');
});
