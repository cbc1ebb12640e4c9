// Fault: the child dies under the script: process.abort(), process.exit(3), a throw in a timer, a
// heap exhausted. Each run fails with the cause, and leaves no process (not even one the script
// started), no work folder or snapshot, and the source unchanged (checked by the rehearse() helper).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import { rehearse, seedSqlite, workspace, type Workspace } from './helpers';
import { assertGroupGone, assertNoWorkDir, cliRehearse, failure } from './fault-helpers';

async function run(ws: Workspace, script: string, env: NodeJS.ProcessEnv = {}) {
  seedSqlite(join(ws.dir, 'app.db'), 10);
  ws.write('script.js', script);
  const rehearsal = rehearse(ws, { script: 'script.js', snapshot: 'app.db', env });
  const report = await rehearsal.report;
  assertGroupGone(rehearsal.run.child.pid);
  assertNoWorkDir(ws);
  return { report, message: failure(report), events: rehearsal.events };
}

test('process.abort() in the script: the crash and its signal, and the process it started is gone too', async (t) => {
  const ws = workspace(t);
  // The script starts a process that would live on (and hold the output pipes open) after the crash.
  const { message } = await run(
    ws,
    `const { spawn } = require('node:child_process');
module.exports = async ({ db }) => {
  db.prepare("UPDATE users SET display = 'x'").run();
  spawn('sleep', ['600'], { stdio: 'inherit' });
  process.abort();
};
`,
  );
  assert.match(message, /^The rehearsal process ended \(signal SIGABRT: it aborted: process\.abort\(\), or a native module or Node itself failed\) before it reported\./);
});

test('process.exit(3) in the script, a throw in a timer: named as such, with the script\'s line', async (t) => {
  const exited = await run(workspace(t), "module.exports = async () => { await new Promise((r) => setTimeout(r, 10)); process.exit(3); };\n");
  assert.equal(exited.message, 'The script called process.exit(3).');
  const thrown = await run(workspace(t), "module.exports = async () => { await new Promise(() => setTimeout(() => { throw new Error('boom in a timer'); }, 10)); };\n");
  assert.equal(thrown.message, 'boom in a timer');
  assert.match(thrown.report.error?.stack ?? '', /script\.js:1:\d+/);
});

const HOARD = `module.exports = async () => {
  const rows = [];
  for (;;) rows.push({ id: rows.length, payload: 'x'.repeat(64) + rows.length });
};
`;

test('a script that runs out of memory: "ran out of memory (heap limit N MB)" and what to do', async (t) => {
  const ws = workspace(t);
  const { message } = await run(ws, HOARD, { NODE_OPTIONS: '--max-old-space-size=64' });
  assert.match(message, /^The script ran out of memory \(heap limit (\d+) MB\), so Node stopped the rehearsal\. .* eachBatch.* NODE_OPTIONS=--max-old-space-size=<MB>\./);
  const limit = Number(/heap limit (\d+) MB/.exec(message)?.[1]);
  assert.ok(limit >= 64 && limit < 200, `the heap limit given is the child's (${limit} MB)`);
  assert.match(message, /JavaScript heap out of memory/, "V8's own words follow");
});

test('evolve rehearse: the out-of-memory cause on stdout, exit 1', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 10);
  ws.write('script.js', HOARD);
  const { code, stdout } = await cliRehearse(ws, ['script.js', '--snapshot', 'app.db'], { NODE_OPTIONS: '--max-old-space-size=64' });
  assert.equal(code, 1);
  assert.match(stdout, /FAILED[\s\S]*The script ran out of memory \(heap limit \d+ MB\)/);
  assertNoWorkDir(ws);
});
