// Fault: the disk fills up while the snapshot is copied. The temp root is a real 1 MB tmpfs, so the
// copy fails where it would on a full disk (SQLite's backup, the PGlite folder copy, the PGlite dump
// load), with no injected error. The user sees why and where, and nothing is left on that disk.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { after } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import { rehearse, workspace, type Workspace } from './helpers';
import { assertGroupGone, assertNoWorkDir, cliRehearse, failure, smallDisk } from './fault-helpers';

const NOOP = 'module.exports = async () => {};\n';
const FULL = /Not enough disk space for the snapshot: copying .* into .*disk-1m failed \(.*\)\. .* free there\. Free some space, or set TMPDIR to a folder on a disk with room for a copy of the source\./;

/** A 3 MB SQLite database: three times the disk it is copied to. */
function bigSqlite(file: string): void {
  const db = new Database(file);
  db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, bio TEXT)');
  const insert = db.prepare('INSERT INTO users (bio) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) insert.run('x'.repeat(1000));
  })();
  db.close();
}

const pgliteRoot = mkdtempSync(join(tmpdir(), 'evolve-faults-pglite-'));
after(() => rmSync(pgliteRoot, { recursive: true, force: true }));
let pgliteTemplate: Promise<void> | undefined;
/** A PGlite data directory (tens of MB) and its dump, made once for the file. */
async function seedPglite(ws: Workspace): Promise<void> {
  pgliteTemplate ??= (async () => {
    const db = await PGlite.create(join(pgliteRoot, 'pgdata'));
    await db.exec("CREATE TABLE users (id serial PRIMARY KEY, name text); INSERT INTO users (name) SELECT 'user ' || g FROM generate_series(1, 100) g;");
    writeFileSync(join(pgliteRoot, 'pgdata.tgz'), Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer()));
    await db.close();
  })();
  await pgliteTemplate;
  cpSync(pgliteRoot, ws.dir, { recursive: true });
}

for (const [engine, source] of [
  ['sqlite', 'app.db'],
  ['pglite', 'pgdata'],
  ['pglite', 'pgdata.tgz'],
] as const) {
  test(`disk full while copying the ${engine} snapshot (${source}): a clear error, nothing left, the source unchanged`, async (t) => {
    const ws = workspace(t);
    const disk = smallDisk(t, '1m');
    if ('skip' in disk) return t.skip(disk.skip);
    if (engine === 'sqlite') bigSqlite(join(ws.dir, source));
    else await seedPglite(ws);
    ws.write('noop.js', NOOP);
    // The helper checks the source's checksum after the run.
    const rehearsal = rehearse(ws, { script: 'noop.js', snapshot: source, tempRoot: disk.dir });
    const report = await rehearsal.report;
    assert.match(failure(report), FULL);
    assert.equal(report.error?.stack, undefined, 'no stack of Evolve internals');
    assert.equal(rehearsal.events.some((e) => e.type === 'snapshot-ready'), false);
    assertGroupGone(rehearsal.run.child.pid);
    assertNoWorkDir(ws, disk.dir);
  });
}

test('evolve rehearse on a full disk: exit 1 and the reason on stdout', async (t) => {
  const ws = workspace(t);
  const disk = smallDisk(t, '1m');
  if ('skip' in disk) return t.skip(disk.skip);
  bigSqlite(join(ws.dir, 'app.db'));
  ws.write('noop.js', NOOP);
  const { code, stdout, stderr } = await cliRehearse(ws, ['noop.js', '--snapshot', 'app.db'], { TMPDIR: disk.dir });
  assert.equal(code, 1, stderr);
  assert.match(stdout, /FAILED/);
  assert.match(stdout, FULL);
  assertNoWorkDir(ws, disk.dir);
});
