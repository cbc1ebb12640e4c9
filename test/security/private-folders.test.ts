// Temporary folders are private: a rehearsal's work folder (the bundled script, the snapshot file or
// data directory, its owner file) is 0700 and the current user's, from the moment the snapshot exists
// to the end of a kept run, so other users of the machine cannot read a copy of the data.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { rehearse, seedSqlite, workspace } from '../rehearsal/helpers';

const ownerOnly = (path: string) => {
  const stat = statSync(path);
  assert.equal(stat.uid, process.getuid!(), `${path} belongs to this user`);
  return stat.mode & 0o777;
};

/** Everything in the work folder: names and modes, for the message. */
const listing = (dir: string) => readdirSync(dir, { recursive: true }).map((n) => `${String(n)} ${(statSync(join(dir, String(n))).mode & 0o777).toString(8)}`);

test('SQLite: the work folder holding the bundle and the snapshot is 0700, during the run and when kept', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 5);
  ws.write('touch.js', "module.exports = async ({ db }) => { db.exec(\"UPDATE users SET display = 'x' WHERE id = 1\"); };\n");
  const run = rehearse(ws, { script: 'touch.js', snapshot: 'app.db', keep: true });
  const dir = run.run.workDir;
  // While the script runs: the snapshot is in the work folder, which only this user can enter.
  await run.when((e) => e.type === 'snapshot-ready');
  assert.equal(ownerOnly(dir), 0o700, listing(dir).join('\n'));
  const report = await run.report;
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  const kept = report.snapshot.path ?? assert.fail('a kept run reports its snapshot');
  assert.ok(kept.startsWith(dir), `the kept snapshot ${kept} is inside the work folder`);
  assert.equal(ownerOnly(dir), 0o700, 'still private when kept');
  assert.equal(ownerOnly(kept) & 0o077, 0, 'the snapshot file itself is 0600');
  assert.equal(ownerOnly(join(dir, 'owner.json')) & 0o077, 0, 'the owner file too');
  assert.ok(readdirSync(dir).includes('script.cjs'), `the bundled script is in it: ${listing(dir).join(', ')}`);
});
