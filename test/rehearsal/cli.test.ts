// `evolve rehearse` through runRehearseCommand: the summary, --json, --report, thresholds and exit codes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import test from 'node:test';
import { runRehearseCommand } from '../../server/src/rehearsal/cli-rehearse';
import type { RehearsalReport } from '../../server/src/rehearsal/protocol';
import { seedSqlite, workspace } from './helpers';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  return { stream, text: () => text };
}

async function cli(args: string[], cwd: string) {
  const stdout = capture();
  const stderr = capture();
  const code = await runRehearseCommand(args, { stdout: stdout.stream, stderr: stderr.stream, cwd });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const ONE_BIG_TRANSACTION = `import type Database from 'better-sqlite3';
export default async function ({ db, log }: { db: Database.Database; log: (...args: unknown[]) => void }) {
  const update = db.prepare('UPDATE users SET display = upper(name) WHERE id = ?');
  db.transaction(() => { for (let id = 1; id <= 200; id++) update.run(id); })();
  log('backfilled', 200);
}
`;

test('evolve rehearse: summary on stdout, the JSON report where asked, exit 0', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 200);
  ws.write('backfill.ts', ONE_BIG_TRANSACTION);
  const { code, stdout, stderr } = await cli(['backfill.ts', '--snapshot', 'app.db', '--report', 'report.json'], ws.dir);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /Rehearsal of backfill\.ts: OK/);
  assert.match(stdout, /200 written/);
  assert.match(stdout, /table users\s+200 → 200 rows/);
  assert.match(stderr, /│ backfilled 200/);
  const report = JSON.parse(readFileSync(join(ws.dir, 'report.json'), 'utf8')) as RehearsalReport;
  assert.equal(report.rowsWritten, 200);
  assert.equal(report.transactions.count, 1);
});

test('evolve rehearse --json --max-transaction-ms: over the limit exits 1 and says why', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 200);
  ws.write('backfill.ts', ONE_BIG_TRANSACTION);
  const { code, stdout } = await cli(['backfill.ts', '--snapshot', 'app.db', '--json', '--max-transaction-ms', '0.0001'], ws.dir);
  assert.equal(code, 1);
  const report = JSON.parse(stdout) as RehearsalReport;
  assert.equal(report.status, 'ok');
  assert.equal(report.thresholds.maxTransactionMs, 0.0001);
  assert.match(report.thresholds.exceeded[0], /longest transaction took .* over the 0\.0001 ms limit/);
});

test('evolve rehearse: usage and config errors exit 2, a failing script exits 1', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 3);
  ws.write('fails.js', "module.exports = async () => { throw new Error('nope'); };\n");
  assert.equal((await cli([], ws.dir)).code, 2);
  assert.equal((await cli(['missing.ts', '--snapshot', 'app.db'], ws.dir)).code, 2);
  const badEngine = await cli(['fails.js', '--snapshot', 'app.db', '--engine', 'mysql'], ws.dir);
  assert.equal(badEngine.code, 2);
  assert.match(badEngine.stderr, /--engine must be sqlite, pglite or postgres/);
  const noSnapshot = await cli(['fails.js'], ws.dir);
  assert.equal(noSnapshot.code, 2);
  assert.match(noSnapshot.stderr, /No snapshot to rehearse on/);
  const failing = await cli(['fails.js', '--snapshot', 'app.db'], ws.dir);
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /FAILED[\s\S]*Error: nope/);
  const noNode = await cli(['fails.js', '--snapshot', 'app.db', '--node', join(ws.dir, 'no-such-node')], ws.dir);
  assert.equal(noNode.code, 1);
  assert.match(noNode.stdout, /Could not start Node at ".*no-such-node": not found/);
});
