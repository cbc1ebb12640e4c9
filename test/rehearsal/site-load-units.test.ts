// The pure parts of `--site-load`: the workload file's validation and request stream, failure
// causes from real driver errors, the table choice, percentiles and the config's rehearsal.site.
import assert from 'node:assert/strict';
import test from 'node:test';
import Database from 'better-sqlite3';
import { parseConfig } from '../../server/src/core/config';
import { chooseTables } from '../../server/src/rehearsal/site/tables';
import { classifyFailure, percentile, windowStats } from '../../server/src/rehearsal/site/stats';
import { defaultWorkload, parseWorkload, requestStream, seededRandom, WorkloadError } from '../../server/src/rehearsal/site/workload';

test('workload file: a valid file, its defaults and a seeded request stream by weight', () => {
  const workload = parseWorkload(
    {
      statements: [
        { sql: 'SELECT * FROM users WHERE id = ?', weight: 3, params: [{ key: 'users' }] },
        { sql: 'UPDATE users SET seen = ? WHERE id = ?', params: [{ pick: ['a', 'b'] }, { int: [5, 6] }] },
      ],
    },
    'w.json',
  );
  assert.deepEqual(workload.statements.map((s) => [s.weight, s.write]), [[3, false], [1, true]]);
  const tables = new Map([['users', { name: 'users', key: 'id', keys: [10, 20] }]]);
  const draw = requestStream(workload, tables, seededRandom(42));
  const requests = Array.from({ length: 400 }, draw);
  const reads = requests.filter((r) => !r.write);
  assert.ok(reads.length > 250 && reads.length < 350, `${reads.length} reads of 400 at weight 3:1`);
  assert.ok(reads.every((r) => r.params[0] === 10 || r.params[0] === 20));
  for (const w of requests.filter((r) => r.write)) assert.ok(['a', 'b'].includes(w.params[0] as string) && [5, 6].includes(w.params[1] as number));
  assert.deepEqual(Array.from({ length: 5 }, requestStream(workload, tables, seededRandom(42))), requests.slice(0, 5), 'the same seed, the same stream');
  const none = requestStream(workload, new Map([['users', { name: 'users', key: 'id', keys: [] }]]), seededRandom(1));
  assert.ok(Array.from({ length: 20 }, none).filter((r) => !r.write).every((r) => r.params[0] === null), 'an empty table gives NULL keys');
});

test('workload file: every mistake is named with its place', () => {
  const bad: [unknown, RegExp][] = [
    [[], /must be a JSON object with "statements"/],
    [{ statements: [] }, /"statements" must be a non-empty array/],
    [{ statements: [{ sql: '' }] }, /statements\[0\]\.sql must be a non-empty SQL string/],
    [{ statements: [{ sql: 'SELECT 1', wieght: 2 }] }, /statements\[0\] has an unknown field "wieght"/],
    [{ statements: [{ sql: 'SELECT 1', params: [{ int: [3, 1] }] }] }, /statements\[0\]\.params\[0\]\.int must be \[min, max\]/],
    [{ statements: [{ sql: 'SELECT 1', params: [{ key: 'a', int: [1, 2] }] }] }, /params\[0\] must have exactly one of "key", "int" or "pick"/],
    [{ statements: [{ sql: 'SELECT 1', params: [{ random: 1 }] }] }, /unknown generator "random"/],
    [{ statements: [{ sql: 'SELECT 1', write: 'yes' }] }, /statements\[0\]\.write must be true or false/],
    [{ statements: [{ sql: 'SELECT 1' }], extra: 1 }, /unknown field "extra"/],
  ];
  for (const [value, message] of bad) {
    assert.throws(() => parseWorkload(value, 'site.json'), (e: Error) => e instanceof WorkloadError && /^The site workload site\.json: /.test(e.message) && message.test(e.message));
  }
});

test('default workload: point reads and no-op writes by primary key, in the write ratio', () => {
  const w = defaultWorkload([{ name: 'users', key: 'id', keys: [1] }], 0.25, (n) => `"${n}"`, (i) => `$${i}`);
  assert.deepEqual(
    w.statements.map((s) => [s.sql, s.weight, s.write]),
    [
      ['SELECT * FROM "users" WHERE "id" = $1', 0.75, false],
      ['UPDATE "users" SET "id" = "id" WHERE "id" = $1', 0.25, true],
    ],
  );
  // The no-op write changes no value on a real database.
  const db = new Database(':memory:');
  db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'a'), (2, 'b')");
  const before = JSON.stringify(db.prepare('SELECT * FROM users').all());
  assert.equal(db.prepare(w.statements[1].sql.replace('$1', '?')).run(2).changes, 1, 'it does touch the row (and takes its lock)');
  assert.equal(JSON.stringify(db.prepare('SELECT * FROM users').all()), before);
});

test('failure causes: SQLite busy from a real second connection, PostgreSQL SQLSTATEs', () => {
  const file = `/tmp/evolve-site-classify-${process.pid}.db`;
  const a = new Database(file);
  const b = new Database(file, { timeout: 1 });
  try {
    a.exec('CREATE TABLE t (id INTEGER PRIMARY KEY); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)');
    let error: unknown;
    try {
      b.exec('INSERT INTO t VALUES (2)');
    } catch (e) {
      error = e;
    }
    assert.equal(classifyFailure(error), 'busy');
    a.exec('ROLLBACK');
  } finally {
    a.close();
    b.close();
  }
  assert.deepEqual(
    ['40001', '40P01', '55P03', '57014', '23505'].map((code) => classifyFailure(Object.assign(new Error(code), { code }))),
    ['conflict', 'conflict', 'lock-timeout', 'statement-timeout', 'other'],
  );
  assert.equal(classifyFailure(new Error('no code')), 'other');
});

test('site tables: configured ones, else those the script names, else all with a key', () => {
  const all = [
    { name: 'users', ref: '"users"', key: 'id' },
    { name: 'orders', ref: '"orders"', key: 'id' },
    { name: 'audit', ref: '"audit"', key: null },
  ];
  assert.deepEqual(chooseTables(all, ['orders'], '').tables.map((t) => t.name), ['orders']);
  assert.throws(() => chooseTables(all, ['audit'], ''), /"audit" has no single-column primary key/);
  assert.deepEqual(chooseTables(all, undefined, "knex('users').update(...)").tables.map((t) => t.name), ['users']);
  assert.deepEqual(chooseTables(all, undefined, 'const superusers = 1').tables.map((t) => t.name), ['users', 'orders'], 'whole words only');
  assert.match(chooseTables(all, undefined, '').notes[0], /names none of the snapshot tables/);
});

test('window stats: nearest-rank percentiles over every request, failures by cause, the longest write', () => {
  assert.equal(percentile([1, 2, 3, 4], 50), 2);
  assert.equal(percentile([1, 2, 3, 4], 99), 4);
  assert.equal(percentile([], 99), 0);
  const stats = windowStats(
    [
      { dueAt: 0, startedAt: 0, endedAt: 1, write: false, failure: null },
      { dueAt: 0, startedAt: 5, endedAt: 105, write: true, failure: 'lock-timeout' },
    ],
    1000,
    250,
  );
  assert.deepEqual([stats.requests, stats.p50Ms, stats.maxMs, stats.failures['lock-timeout'], stats.longestWriteWaitMs], [2, 1, 105, 1, 250]);
});

test('config: rehearsal.site is validated at the bad value', () => {
  const good = parseConfig('{"rehearsal": {"site": {"tables": ["users"], "rate": 50, "writeRatio": 0.5, "workload": "w.json", "maxP99Ms": 100}}}', '/ws/evolve.config.json');
  assert.deepEqual(good.config.rehearsal.site, { tables: ['users'], rate: 50, writeRatio: 0.5, workload: 'w.json', maxP99Ms: 100 });
  assert.deepEqual(good.problems, []);
  const bad = parseConfig('{"rehearsal": {"site": {"writeRatio": 2, "lockTimeoutMs": -1, "tabels": []}}}', '/ws/evolve.config.json');
  assert.deepEqual(
    bad.problems.map((p) => p.message),
    [
      '"rehearsal.site.writeRatio" must be a number from 0 (reads only) to 1 (writes only).',
      '"rehearsal.site.lockTimeoutMs" must be a positive number (milliseconds, or requests per second for rate).',
      'Unknown site setting "tabels": use tables, rate, baselineMs, busyTimeoutMs, lockTimeoutMs, statementTimeoutMs, writeRatio, workload or maxP99Ms.',
    ],
  );
});
