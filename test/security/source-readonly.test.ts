// The source database is opened read-only and is never the target. SQLite: every connection Evolve
// opens on the source file (the snapshot copy, the production row counts) asks for readonly, and the
// snapshot is a file of its own. PostgreSQL: the scripts run on a new scratch database even when the
// snapshot's `target` names the source database itself; the source's rows never change.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import Database from 'better-sqlite3';
import { countProductionTables } from '../../server/src/rehearsal/child/production-counts';
import { assertNotSource, snapshotSqlite } from '../../server/src/rehearsal/child/snapshot';
import { checksum, rehearse, seedSqlite, workspace } from '../rehearsal/helpers';
import { scratchOf, SERVER, serverDown, sourceDatabase } from '../rehearsal/pg-helpers';

/** better-sqlite3, recording the options of every connection opened on `watched`. */
function recordingDatabase(watched: string, opens: object[]): typeof Database {
  return new Proxy(Database, {
    construct(target, args: [string, object?]) {
      if (args[0] === watched) opens.push(args[1] ?? {});
      return new target(...args);
    },
  });
}

for (const journal of ['delete', 'wal']) {
  test(`SQLite (${journal} journal): every connection on the source is read-only, and the snapshot is another file`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'evolve-readonly-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const source = seedSqlite(join(dir, 'app.db'), 50);
    const db = new Database(source);
    db.pragma(`journal_mode = ${journal}`);
    db.close();
    const before = checksum(source);
    const opens: object[] = [];
    const Recording = recordingDatabase(source, opens);

    const snapshot = await snapshotSqlite(Recording, source, mkdtempSync(join(dir, 'work-')));
    assert.notEqual(snapshot.path, source);
    assert.throws(() => assertNotSource(source, source), /would be the source database itself/);
    assert.equal(countProductionTables(Recording, source, 'app.db')[0].rows, 50, 'the --production counts read the source too');
    assert.ok(opens.length >= 2, 'the snapshot and the counts both opened the source');
    for (const options of opens) assert.equal((options as { readonly?: boolean }).readonly, true, JSON.stringify(opens));
    assert.equal(checksum(source), before);
  });
}

test('PostgreSQL: a snapshot whose target is the source URL itself still runs on a new scratch database (template and copy)', async (t) => {
  const down = await serverDown();
  if (down) return void t.skip(down);
  const source = await sourceDatabase(t); // checked row for row when the test ends
  const ws = workspace(t);
  ws.write('wipe.js', 'module.exports = async ({ db }) => { await db.query("DELETE FROM orders"); await db.query("UPDATE users SET display = \'wiped\'"); };\n');
  const sourceUrl = `${SERVER}/${source}`;
  ws.write('evolve.config.json', JSON.stringify({ snapshots: { same: { engine: 'postgres', source: sourceUrl, target: sourceUrl } } }));
  for (const method of ['template', 'copy']) {
    const run = rehearse(ws, { script: 'wipe.js', snapshot: 'same', env: { EVOLVE_PG_CLONE_METHOD: method } });
    const report = await run.report;
    assert.equal(report.status, 'ok', `${method}: ${JSON.stringify(report.error)}`);
    assert.equal(report.snapshot.method, method);
    assert.notEqual(scratchOf(run.events), source, 'the script ran on a scratch database');
    assert.equal(report.rowsWritten, 300, `${method}: the deletes and updates happened, on the scratch database`);
  }
});
