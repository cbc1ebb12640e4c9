// Rehearsals on PGlite snapshots (a data directory and a dump), with real children: the script's
// `db` and pg over DATABASE_URL are traced, the fence stops the source, the source never changes.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { after } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { checksum, leftovers, rehearse, workspace, type Workspace } from './helpers';

/** One seeded data directory and its dump for the whole file: initdb is the slow part of PGlite. */
const templateRoot = mkdtempSync(join(tmpdir(), 'evolve-rehearsal-pglite-'));
after(() => rmSync(templateRoot, { recursive: true, force: true }));
let template: Promise<string> | undefined;
function seedTemplate(): Promise<string> {
  template ??= (async () => {
    const root = templateRoot;
    const db = await PGlite.create(join(root, 'pgdata'));
    await db.exec("CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, display text); INSERT INTO users (name) SELECT 'user ' || g FROM generate_series(1, 120) g;");
    const dump = await db.dumpDataDir('gzip');
    writeFileSync(join(root, 'pgdata.tgz'), Buffer.from(await dump.arrayBuffer()));
    await db.close();
    return root;
  })();
  return template;
}

/** Copies the seeded data directory and dump into the workspace; returns the data directory. */
async function seedPglite(ws: Workspace): Promise<string> {
  const root = await seedTemplate();
  cpSync(root, ws.dir, { recursive: true });
  return join(ws.dir, 'pgdata');
}

test('PGlite data directory: the db passed to the script and pg over DATABASE_URL are traced; the fence holds', async (t) => {
  const ws = workspace(t);
  const source = await seedPglite(ws);
  const before = checksum(source);

  ws.write(
    'with-db.ts',
    `import type { PGlite } from '@electric-sql/pglite';
export default async function ({ db }: { db: PGlite }) {
  await db.transaction(async (tx) => { await tx.query("UPDATE users SET display = upper(name) WHERE id <= 100"); });
  await db.query("UPDATE users SET display = 'late' WHERE id > 110");
  await db.query('SELECT id FROM users WHERE id <= 5');
}
`,
  );
  const direct = await rehearse(ws, { script: 'with-db.ts', snapshot: 'pgdata' }).report;
  assert.equal(direct.status, 'ok', JSON.stringify(direct.error));
  assert.equal(direct.snapshot.engine, 'pglite');
  assert.deepEqual([direct.rowsWritten, direct.rowsRead, direct.statements.update, direct.statements.select], [110, 5, 2, 1]);
  assert.deepEqual([direct.transactions.count, direct.transactions.commits, direct.writesOutsideTransaction], [1, 1, 1]);
  assert.deepEqual(direct.tables, [{ name: 'users', rowsBefore: 120, rowsAfter: 120 }]);

  ws.write(
    'by-url.js',
    `const { Client } = require('pg');
async function main() {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query('BEGIN');
  await client.query("UPDATE users SET display = 'x' WHERE id <= 30");
  await client.query("INSERT INTO users (name) VALUES ('new'), ('newer')");
  await client.query('COMMIT');
  await client.end();
}
main();
`,
  );
  const byUrl = await rehearse(ws, { script: 'by-url.js', snapshot: 'pgdata' }).report;
  assert.equal(byUrl.status, 'ok', JSON.stringify(byUrl.error));
  assert.deepEqual([byUrl.rowsWritten, byUrl.statements.transaction, byUrl.transactions.commits], [32, 2, 1]);
  assert.deepEqual(byUrl.tables, [{ name: 'users', rowsBefore: 120, rowsAfter: 122 }]);

  ws.write(
    'sneaky.ts',
    `import { PGlite } from '@electric-sql/pglite';
export default async function () {
  const real = new PGlite(${JSON.stringify(source)});
  await real.query('DELETE FROM users');
}
`,
  );
  const fenced = await rehearse(ws, { script: 'sneaky.ts', snapshot: 'pgdata' }).report;
  assert.equal(fenced.status, 'failed');
  assert.match(fenced.error?.message ?? '', /fence.*PGlite/i);
  assert.ok(fenced.error?.message.includes(source));

  assert.equal(checksum(source), before);
  assert.deepEqual(leftovers(ws), []);
});

test('PGlite dump: loaded into a fresh data directory; a knex migration over DATABASE_URL; a pg connection elsewhere is fenced', async (t) => {
  const ws = workspace(t);
  await seedPglite(ws);
  const dump = join(ws.dir, 'pgdata.tgz');
  const before = checksum(dump);
  ws.write(
    'elsewhere.js',
    `const { Client } = require('pg');
module.exports = async function ({ db }) {
  await db.query("UPDATE users SET display = 'ok' WHERE id = 1");
  const other = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'production' });
  await other.connect();
};
`,
  );
  ws.write(
    'migrations/20240301_display.js',
    "exports.up = async (knex) => { await knex('users').where('id', '<=', 60).update({ display: 'k' }); };\nexports.down = async () => {};\n",
  );
  const migration = await rehearse(ws, { script: 'migrations/20240301_display.js', snapshot: 'pgdata.tgz' }).report;
  assert.equal(migration.status, 'ok', JSON.stringify(migration.error));
  assert.deepEqual([migration.rowsWritten, migration.transactions.count, migration.transactions.commits, migration.writesOutsideTransaction], [60, 1, 1, 0]);

  const r = await rehearse(ws, { script: 'elsewhere.js', snapshot: 'pgdata.tgz' }).report;
  assert.equal(r.status, 'failed');
  assert.match(r.error?.message ?? '', /fence: the script opened a pg connection to 127\.0\.0\.1:5432\/production/);
  assert.equal(r.rowsWritten, 1);
  assert.equal(checksum(dump), before);
  assert.deepEqual(leftovers(ws), []);
});
