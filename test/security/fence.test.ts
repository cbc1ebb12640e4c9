// The connection fence reaches every way a script can load the drivers: a deep import of the file
// that defines the connection class, or an absolute path, is fenced like `require('better-sqlite3')`
// or `require('pg')` (before, both bypassed it and the SQLite source was written). Real child
// processes, real SQLite and the real PostgreSQL; the source is checked unchanged after each run.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { leftovers, rehearse, seedSqlite, workspace } from '../rehearsal/helpers';
import { SERVER, serverDown, sourceDatabase } from '../rehearsal/pg-helpers';

/** Ways to reach better-sqlite3's Database constructor without the request string 'better-sqlite3'. */
const SQLITE_LOADS = {
  'a deep import': "require('better-sqlite3/lib/database')",
  'an absolute path': "require(require.resolve('better-sqlite3'))",
  'the package entry by its file': "require(require.resolve('better-sqlite3').replace(/index\\.js$/, 'database.js'))",
};

for (const [how, load] of Object.entries(SQLITE_LOADS)) {
  test(`SQLite: better-sqlite3 loaded by ${how} is fenced; the source stays byte-identical`, async (t) => {
    const ws = workspace(t);
    const source = seedSqlite(join(ws.dir, 'app.db'), 20);
    ws.write(
      'sneaky.js',
      `const Database = ${load};
module.exports = async ({ db }) => {
  db.prepare("UPDATE users SET display = 'snapshot' WHERE id = 1").run();
  try { new Database(${JSON.stringify(source)}).prepare('DELETE FROM users').run(); } catch { /* swallowed: the run must fail anyway */ }
};
`,
    );
    // rehearse() checks the source's checksum after the run.
    const r = await rehearse(ws, { script: 'sneaky.js', snapshot: 'app.db' }).report;
    assert.equal(r.status, 'failed');
    assert.match(r.error?.message ?? '', /^Rehearsal fence: the script opened a better-sqlite3 connection to "[^"]+app\.db", which is not the snapshot/);
    assert.equal(r.rowsWritten, 1, 'the write through db reached the snapshot');
    assert.deepEqual(leftovers(ws), []);
  });
}

test('PostgreSQL: pg loaded by a deep import (pg/lib/client) or an absolute path is fenced; the source is unchanged', async (t) => {
  const down = await serverDown();
  if (down) return void t.skip(down);
  const source = await sourceDatabase(t); // checked row for row after the test
  const ws = workspace(t);
  const loads = ["require('pg/lib/client')", "require(require.resolve('pg')).Client"];
  for (const load of loads) {
    ws.write(
      'sneaky.js',
      `const Client = ${load};
module.exports = async ({ db }) => {
  await db.query("UPDATE users SET display = 'snapshot' WHERE id = 1");
  const real = new Client({ connectionString: ${JSON.stringify(`${SERVER}/${source}`)} });
  await real.connect().catch(() => undefined);
  await real.query('DELETE FROM orders').catch(() => undefined);
};
`,
    );
    const r = await rehearse(ws, { script: 'sneaky.js', snapshot: `${SERVER}/${source}` }).report;
    assert.equal(r.status, 'failed', `${load}: ${JSON.stringify(r.error)}`);
    assert.match(r.error?.message ?? '', new RegExp(`^Rehearsal fence: the script opened a pg connection to 127\\.0\\.0\\.1:5432/${source}, which is not the snapshot`), load);
    assert.equal(r.rowsWritten, 1, load);
  }
});

test('PGlite loaded by an absolute path is fenced too', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 5);
  const elsewhere = join(ws.dir, 'real-pgdata');
  ws.write(
    'sneaky.js',
    `const { PGlite } = require(require.resolve('@electric-sql/pglite'));
module.exports = async () => {
  const real = await PGlite.create(${JSON.stringify(elsewhere)});
  await real.query('CREATE TABLE written (id int)');
};
`,
  );
  const r = await rehearse(ws, { script: 'sneaky.js', snapshot: 'app.db' }).report;
  assert.equal(r.status, 'failed');
  assert.match(r.error?.message ?? '', /^Rehearsal fence: the script opened a PGlite database at "[^"]+real-pgdata", which is not the snapshot/);
  assert.equal(existsSync(elsewhere), false, 'nothing was created there');
});
