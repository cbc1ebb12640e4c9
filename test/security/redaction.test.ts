// Credentials in URLs are kept out of everything a rehearsal shows: the events the CLI, the language
// server and the panel receive, the report, the CLI's output and error output. A real PostgreSQL
// rehearsal whose URL carries a password, and a script that fails every way that could leak it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import test from 'node:test';
import { redactCredentials, redactJson } from '../../server/src/rehearsal/redact';
import { runRehearseCommand } from '../../server/src/rehearsal/cli-rehearse';
import type { RehearsalReport } from '../../server/src/rehearsal/protocol';
import { rehearseWorkspace, startServer, uriOf } from '../lsp/rehearse-fixture';
import { rehearse, workspace } from '../rehearsal/helpers';
import { serverDown, sourceDatabase } from '../rehearsal/pg-helpers';

const PASSWORD = 'secret';

test('redactCredentials: passwords in URLs and secret query parameters, anywhere in a line', () => {
  const cases: [string, string][] = [
    ['connect postgres://app:s3cr3t@db:5432/prod failed', 'connect postgres://app:***@db:5432/prod failed'],
    ['"postgresql://a:b%40c@h/d" and mysql://root:pw@x', '"postgresql://a:***@h/d" and mysql://root:***@x'],
    ['postgres://h/db?sslmode=require&password=hunter2&x=1', 'postgres://h/db?sslmode=require&password=***&x=1'],
    ['https://api.example.com/v1?api_key=abc123', 'https://api.example.com/v1?api_key=***'],
    ['postgres://app:***@db/prod', 'postgres://app:***@db/prod'],
    ['postgres://app@db/prod and /data/app.db and a:b@c', 'postgres://app@db/prod and /data/app.db and a:b@c'],
  ];
  for (const [input, expected] of cases) assert.equal(redactCredentials(input), expected, input);
  const event = { type: 'log', stream: 'stdout', line: 'DATABASE_URL=postgres://u:pw@h/db' };
  assert.deepEqual(redactJson(event), { ...event, line: 'DATABASE_URL=postgres://u:***@h/db' });
  const clean = { type: 'progress', n: 1 };
  assert.equal(redactJson(clean), clean, 'nothing to redact: the same object, no copy');
});

/** A script that leaks its URL every way it can: output, a driver's options, a fenced connection, its error. */
const LEAKY = `const { Client } = require('pg');
module.exports = async ({ db }) => {
  console.log('DATABASE_URL is', process.env.DATABASE_URL);
  console.error('pool options', JSON.stringify(db.options ?? null));
  await db.query("UPDATE users SET display = 'x' WHERE id = 1");
  const other = new Client({ connectionString: process.env.DATABASE_URL.replace(/\\/[^/?]+(\\?|$)/, '/postgres$1') });
  await other.connect().catch((e) => console.log('not allowed:', e.message));
  throw new Error('could not finish with ' + process.env.DATABASE_URL);
};
`;

test(`a failing PostgreSQL rehearsal: "${PASSWORD}" is in no event, report, CLI output or error output`, async (t) => {
  const down = await serverDown();
  if (down) return void t.skip(down);
  const source = await sourceDatabase(t);
  const ws = workspace(t);
  ws.write('leaky.js', LEAKY);
  const url = `postgres://postgres:${PASSWORD}@127.0.0.1:5432/${source}?sslmode=disable`;

  // The engine's events are what the language server relays to clients and the panel draws.
  const run = rehearse(ws, { script: 'leaky.js', snapshot: url });
  const report = await run.report;
  assert.equal(report.status, 'failed');
  const logged = run.events.filter((e) => e.type === 'log').map((e) => (e as { line: string }).line);
  assert.ok(logged.some((l) => /^DATABASE_URL is postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:5432\/evolve_snap_/.test(l)), logged.join('\n'));
  assert.ok(!JSON.stringify(run.events).includes(PASSWORD), 'events');
  assert.ok(!JSON.stringify(report).includes(PASSWORD), 'report');

  for (const format of [['--json'], []]) {
    const [stdout, stderr] = [new PassThrough(), new PassThrough()];
    let out = '';
    let err = '';
    stdout.on('data', (chunk) => (out += chunk));
    stderr.on('data', (chunk) => (err += chunk));
    const code = await runRehearseCommand(['leaky.js', '--snapshot', url, '--engine', 'postgres', ...format], { stdout, stderr, cwd: ws.dir });
    assert.equal(code, 1, err);
    assert.match(out, /fence/);
    assert.ok(!out.includes(PASSWORD), `CLI output (${format.join(' ') || 'text'}):\n${out}`);
    assert.ok(!err.includes(PASSWORD), `CLI error output (${format.join(' ') || 'text'}):\n${err}`);
  }
});

test(`over the language server: "${PASSWORD}" is in no rehearsal event, finished notification or result the panel receives`, async (t) => {
  const down = await serverDown();
  if (down) return void t.skip(down);
  const source = await sourceDatabase(t);
  const ws = rehearseWorkspace(t);
  const script = join(ws.dir, 'scripts/leaky.js');
  writeFileSync(script, LEAKY);
  const { client, rehearsals } = await startServer(t, ws.dir);
  const serverLog: string[] = [];
  client.connection.onNotification('window/logMessage', (p: { message: string }) => {
    serverLog.push(p.message);
  });
  const url = `postgres://postgres:${PASSWORD}@127.0.0.1:5432/${source}`;
  const report = (await client.connection.sendRequest('workspace/executeCommand', {
    command: 'evolve.rehearse',
    arguments: [{ uri: uriOf(script), snapshot: url, engine: 'postgres' }],
  })) as RehearsalReport;
  assert.equal(report.status, 'failed');
  assert.ok(rehearsals.events.some((e) => e.event.type === 'log' && /DATABASE_URL is postgres:\/\/postgres:\*\*\*@/.test(e.event.line)));
  assert.equal(rehearsals.finished.length, 1);
  for (const [what, value] of [['result', report], ['events', rehearsals.events], ['finished', rehearsals.finished], ['server log', serverLog]] as const) {
    assert.ok(!JSON.stringify(value).includes(PASSWORD), what);
  }
  assert.equal(await client.stop(), 0);
  assert.ok(!client.serverStderr.includes(PASSWORD), 'server stderr');
});
