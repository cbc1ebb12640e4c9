// evolve.config.json over a real JSON-RPC connection: it is watched and reloaded (severities
// change in open documents), and an invalid config is reported in that file at the right place.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DocumentDiagnosticReport, FullDocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { capabilities, copyFixture, evolveDiagnostics, LspClient, uriOf } from './harness';

const TRIM = 'migrations/20240101000000_trim_user_names.js';

async function configChanged(client: LspClient, configPath: string, text: string): Promise<void> {
  writeFileSync(configPath, text);
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(configPath), type: 2 }] });
}

test('push client: editing evolve.config.json changes severities in open documents', async (t) => {
  const ws = copyFixture('knex-app');
  const { client } = await LspClient.start(ws, undefined, { scanWorkspace: false });
  t.after(() => client.kill());
  const path = join(ws, TRIM);
  const uri = await client.open(path, readFileSync(path, 'utf8'));
  assert.equal(evolveDiagnostics(await client.diagnosticsFor(uri, (p) => p.version === 1), 'unbatched-loop')[0].severity, 2);

  const since = client.published.length;
  await configChanged(client, join(ws, 'evolve.config.json'), '{ "rules": { "unbatched-loop": "error" } }\n');
  const [d] = evolveDiagnostics(await client.diagnosticsFor(uri, () => true, since), 'unbatched-loop');
  assert.equal(d.severity, 1);

  const offSince = client.published.length;
  await configChanged(client, join(ws, 'evolve.config.json'), '{ "rules": { "unbatched-loop": "off" } }\n');
  assert.deepEqual(evolveDiagnostics(await client.diagnosticsFor(uri, () => true, offSince), 'unbatched-loop'), []);
  assert.equal(await client.stop(), 0);
});

test('pull client: a config change asks the client to re-pull, which sees the new severity', async (t) => {
  const ws = copyFixture('knex-app');
  const { client } = await LspClient.start(ws, capabilities({ pull: true }), { scanWorkspace: false });
  t.after(() => client.kill());
  await client.status((s) => s.state === 'ready'); // initialized: settings read, watchers registered
  const path = join(ws, TRIM);
  const uri = await client.open(path, readFileSync(path, 'utf8'));
  const pull = async () =>
    evolveDiagnostics(
      (await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as DocumentDiagnosticReport as FullDocumentDiagnosticReport,
      'unbatched-loop',
    );
  assert.equal((await pull())[0].severity, 2);
  const statuses = client.statuses.length;
  await configChanged(client, join(ws, 'evolve.config.json'), '{ "rules": { "unbatched-loop": "error" } }\n');
  await client.status(() => true, statuses); // the server has handled the change
  assert.equal(client.refreshes, 1);
  assert.equal((await pull())[0].severity, 1);
  assert.equal(await client.stop(), 0);
});

test('an invalid evolve.config.json is an error in that file, at the problem, cleared once fixed', async (t) => {
  const ws = copyFixture('knex-app');
  const configPath = join(ws, 'evolve.config.json');
  const bad = '{\n  "rules": {\n    "unbatched-loop": "loud"\n  }\n}\n';
  writeFileSync(configPath, bad);
  const { client } = await LspClient.start(ws);
  t.after(() => client.kill());
  const configUri = uriOf(configPath);

  const [problem] = (await client.diagnosticsFor(configUri)).diagnostics;
  assert.equal(problem.severity, 1);
  assert.equal(problem.source, 'evolve');
  assert.match(String(problem.message), /Severity of "unbatched-loop" must be one of/);
  assert.deepEqual(problem.range, { start: { line: 2, character: 22 }, end: { line: 2, character: 28 } });
  const error = await client.status((s) => s.state === 'error');
  assert.match(error.message ?? '', /evolve\.config\.json: invalid configuration/);

  // Broken JSON: the error sits where the parser stopped.
  const since = client.published.length;
  await configChanged(client, configPath, '{\n  "rules": {\n    "unbatched-loop": "warning",,\n  }\n}\n');
  const broken = (await client.diagnosticsFor(configUri, () => true, since)).diagnostics;
  assert.ok(broken.length > 0);
  assert.match(String(broken[0].message), /Invalid JSON/);
  assert.equal(broken[0].range.start.line, 2);

  const fixedSince = client.published.length;
  await configChanged(client, configPath, '{ "rules": { "unbatched-loop": "warning" } }\n');
  assert.deepEqual((await client.diagnosticsFor(configUri, () => true, fixedSince)).diagnostics, []);
  await client.status((s) => s.state === 'ready' && s.files === 2);
  assert.equal(await client.stop(), 0);
});
