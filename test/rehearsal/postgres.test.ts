// Rehearsals on the PostgreSQL server (127.0.0.1:5432): the source is cloned into a scratch
// database by each of the three methods, the script's Pool and pg over DATABASE_URL are traced,
// and after every run the source's rows are unchanged and the scratch database is gone.
import assert from 'node:assert/strict';
import test from 'node:test';
import { rehearse, workspace } from './helpers';
import { databaseExists, SERVER, serverDown, scratchOf, sourceDatabase, tableChecksums } from './pg-helpers';

const BACKFILL = `import type { Pool } from 'pg';
export default async function ({ db }: { db: Pool }) {
  await db.query("UPDATE users SET display = upper(name) WHERE id <= 150");
  const { rows } = await db.query("INSERT INTO users (name, mood) VALUES ('new', 'busy') RETURNING id");
  const order = await db.query('INSERT INTO orders (user_id, total) VALUES ($1, 7) RETURNING id, doubled', [rows[0].id]);
  const view = await db.query('SELECT count(*)::int AS n FROM big_orders');
  if (rows[0].id !== 201 || order.rows[0].id !== 101 || Number(order.rows[0].doubled) !== 14 || view.rows[0].n !== 50) {
    throw new Error('the clone lost a sequence, a generated column or a view: ' + JSON.stringify([rows, order.rows, view.rows]));
  }
  await db.query("INSERT INTO users (name, email) VALUES ('dup', 'u1@example.com')").then(
    () => { throw new Error('the unique constraint was not cloned'); },
    () => undefined,
  );
}
`;

for (const method of ['template', 'pg_dump', 'copy'] as const) {
  test(`postgres clone by ${method}: schema, sequences and rows arrive; the source is unchanged; the scratch database is dropped`, async (t) => {
    const down = await serverDown();
    if (down) return t.skip(down);
    const source = await sourceDatabase(t);
    const before = await tableChecksums(source);
    const ws = workspace(t);
    ws.write('backfill.ts', BACKFILL);
    const run = rehearse(ws, { script: 'backfill.ts', snapshot: `${SERVER}/${source}`, env: { EVOLVE_PG_CLONE_METHOD: method } });
    const report = await run.report;
    assert.equal(report.status, 'ok', JSON.stringify(report.error));
    assert.equal(report.snapshot.engine, 'postgres');
    assert.equal(report.snapshot.method, method);
    assert.ok(report.snapshot.ms > 0 && report.snapshot.bytes > 0);
    assert.equal(report.rowsWritten, 152);
    assert.deepEqual(report.tables, [
      { name: 'orders', rowsBefore: 100, rowsAfter: 101 },
      { name: 'users', rowsBefore: 200, rowsAfter: 201 },
    ]);
    assert.equal(await databaseExists(scratchOf(run.events)), false, 'the scratch database is dropped');
    assert.deepEqual(await tableChecksums(source), before);
  });
}

test('postgres: with another connection on the source, the clone falls back from template to pg_dump', async (t) => {
  const down = await serverDown();
  if (down) return t.skip(down);
  const source = await sourceDatabase(t);
  const pg = (await import('pg')).default;
  const other = new pg.Client({ connectionString: `${SERVER}/${source}` });
  other.on('error', () => undefined); // the source's forced drop at the end ends it
  await other.connect();
  t.after(() => other.end().catch(() => undefined));
  const ws = workspace(t);
  ws.write('noop.js', 'module.exports = async ({ db }) => { await db.query("SELECT 1"); };\n');
  const report = await rehearse(ws, { script: 'noop.js', snapshot: `${SERVER}/${source}` }).report;
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  assert.equal(report.snapshot.method, 'pg_dump');
});
