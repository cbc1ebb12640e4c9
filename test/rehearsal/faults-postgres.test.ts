// Faults of PostgreSQL, on a private cluster started for the test (never on the shared 5432 server):
// the server stopped with `pg_ctl stop -m immediate` while the script runs (the run fails saying so,
// the scratch database it could not drop is named with what to do, the next rehearsal on that server
// drops it), and the target's data disk (a small tmpfs) full while the source is cloned into it. The
// source's rows never change.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import test from 'node:test';
import pg from 'pg';
import { rehearse, workspace } from './helpers';
import { assertGroupGone, assertNoWorkDir, cliRehearse, failure, smallDisk } from './fault-helpers';
import { query, SERVER, serverDown } from './pg-helpers';
import { privateCluster } from './private-cluster';

async function sql<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

const checksum = async (url: string) => (await sql<{ sum: string }>(url, "SELECT md5(string_agg(u::text, ',' ORDER BY id)) AS sum FROM users u"))[0].sum;
const scratchDatabases = async (server: string) => (await sql<{ datname: string }>(`${server}/postgres`, "SELECT datname FROM pg_database WHERE datname LIKE 'evolve\\_snap\\_%'")).map((r) => r.datname);

const LONG_RUN = `module.exports = async ({ db, log }) => {
  await db.query("UPDATE users SET name = name || '!' WHERE id <= 10");
  log('ready');
  for (;;) await db.query('SELECT pg_sleep(0.05)');
};
`;

test('PostgreSQL stopped mid-run: a clear error naming the scratch database left, dropped by the next run; the source unchanged', async (t) => {
  const cluster = await privateCluster(t);
  if ('skip' in cluster) return t.skip(cluster.skip);
  const source = `${cluster.url}/app`;
  await sql(`${cluster.url}/postgres`, 'CREATE DATABASE app');
  await sql(source, "CREATE TABLE users (id serial PRIMARY KEY, name text); INSERT INTO users (name) SELECT 'user ' || g FROM generate_series(1, 100) g;");
  const before = await checksum(source);
  const ws = workspace(t);
  ws.write('long.js', LONG_RUN);
  ws.write('noop.js', 'module.exports = async () => {};\n');

  const rehearsal = rehearse(ws, { script: 'long.js', snapshot: source });
  await rehearsal.when((e) => e.type === 'log' && e.line === 'ready');
  cluster.crash();
  const report = await rehearsal.report;
  const message = failure(report);
  t.diagnostic(message);
  const ready = rehearsal.events.find((e) => e.type === 'snapshot-ready');
  assert.ok(ready && ready.type === 'snapshot-ready');
  const scratch = new URL(ready.path).pathname.slice(1);
  assert.match(message, new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${cluster.port} stopped answering during the rehearsal`));
  assert.match(message, new RegExp(`The scratch database ${scratch} could not be dropped .*: the next rehearsal on that server drops it, or drop it yourself: DROP DATABASE "${scratch}";`));
  assertGroupGone(rehearsal.run.child.pid);
  assertNoWorkDir(ws);

  cluster.start();
  assert.deepEqual(await scratchDatabases(cluster.url), [scratch], 'left while the server was down');
  const next = await rehearse(ws, { script: 'noop.js', snapshot: source }).report;
  assert.equal(next.status, 'ok', JSON.stringify(next.error));
  assert.deepEqual(await scratchDatabases(cluster.url), [], 'the next run dropped it');
  assert.equal(await checksum(source), before, 'the source rows never changed');
});

test('evolve rehearse against a server that is down: exit 1, the server named, nothing left', async (t) => {
  const cluster = await privateCluster(t);
  if ('skip' in cluster) return t.skip(cluster.skip);
  cluster.crash();
  const ws = workspace(t);
  ws.write('noop.js', 'module.exports = async () => {};\n');
  const { code, stdout } = await cliRehearse(ws, ['noop.js', '--snapshot', `${cluster.url}/app`]);
  assert.equal(code, 1);
  assert.match(stdout, new RegExp(`FAILED[\\s\\S]*Cannot connect to postgres://postgres@127\\.0\\.0\\.1:${cluster.port}/postgres: .*Check the URL, that the server runs`));
  assertNoWorkDir(ws);
});

test('PostgreSQL target out of disk space while the source is cloned: says so, nothing left, the source unchanged', async (t) => {
  const down = await serverDown();
  if (down) return t.skip(down);
  const disk = smallDisk(t, '40m');
  if ('skip' in disk) return t.skip(disk.skip);
  const cluster = await privateCluster(t, { dataDisk: disk });
  if ('skip' in cluster) return t.skip(cluster.skip);
  // The source, on the shared server (only read): 45 MB of rows, where the target's disk has ~15 MB.
  const name = `evolve_src_big_${process.pid}`;
  await query('postgres', `CREATE DATABASE ${name}`);
  t.after(() => query('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  await query(name, "CREATE TABLE users (id int PRIMARY KEY, name text); INSERT INTO users SELECT g, repeat('x', 1500) FROM generate_series(1, 30000) g;");
  const source = `${SERVER}/${name}`;
  const before = await checksum(source);
  const ws = workspace(t);
  ws.write('noop.js', 'module.exports = async () => {};\n');
  ws.write('evolve.config.json', JSON.stringify({ snapshots: { prod: { source, target: `${cluster.url}/postgres` } } }));

  const rehearsal = rehearse(ws, { script: 'noop.js' });
  const message = failure(await rehearsal.report);
  t.diagnostic(message);
  const port = String(cluster.port);
  assert.match(message, new RegExp(`^The PostgreSQL server at 127\\.0\\.0\\.1:${port} ran out of disk space while the source was cloned into the scratch database \\(pg_dump: .*No space left on device.*\\)\\. `));
  assert.match(message, /Free space on that server, or point the snapshot's "target" in evolve\.config\.json at a server with room for a copy of the source\./);
  assertGroupGone(rehearsal.run.child.pid);
  assertNoWorkDir(ws);
  // Dropping the partial copy needs a checkpoint; on a disk that is full to the last page, PostgreSQL
  // cannot write it and stops (PANIC). Both outcomes are PostgreSQL's; the message covers each.
  if (/Dropping the partial copy failed too/.test(message)) {
    assert.match(message, /PostgreSQL stops when a full disk keeps it from writing a checkpoint\. /);
    assert.match(message, /\nThe scratch database evolve_snap_\w+ could not be dropped .*: the next rehearsal on that server drops it, or drop it yourself: DROP DATABASE "evolve_snap_\w+";$/);
    // Room again (tmpfs grows in place): the server recovers, and the next rehearsal drops the copy.
    execFileSync('mount', ['-o', 'remount,size=200m', disk.dir]);
    cluster.restart();
    ws.write('evolve.config.json', JSON.stringify({ snapshots: { prod: { source: `${cluster.url}/postgres`, target: `${cluster.url}/postgres` } } }));
    const next = await rehearse(ws, { script: 'noop.js' }).report;
    assert.equal(next.status, 'ok', JSON.stringify(next.error));
  } else {
    assert.match(message, /The partial copy was dropped\./);
  }
  assert.deepEqual(await scratchDatabases(cluster.url), [], 'no scratch database is left');
  assert.equal(await checksum(source), before);
});
