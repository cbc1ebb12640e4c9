// A pull-capable client (like VS Code) over a real JSON-RPC connection to dist/server.js.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import type { DocumentDiagnosticReport, FullDocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { capabilities, copyFixture, evolveDiagnostics, lineOf, LspClient, uriOf } from './harness';

const TRIM = 'migrations/20240101000000_trim_user_names.js';

async function pull(client: LspClient, uri: string): Promise<FullDocumentDiagnosticReport> {
  const report = (await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as DocumentDiagnosticReport;
  assert.equal(report.kind, 'full');
  return report as FullDocumentDiagnosticReport;
}

test('pull diagnostics follow edits; a scan result is withdrawn once the file is open', async (t) => {
  const ws = copyFixture('knex-app');
  const { client, init } = await LspClient.start(ws, capabilities({ pull: true }));
  t.after(() => client.kill());
  assert.deepEqual(init.capabilities.diagnosticProvider, { identifier: 'evolve', interFileDependencies: true, workspaceDiagnostics: false });

  await client.status((s) => s.state === 'ready');
  const path = join(ws, TRIM);
  const uri = uriOf(path);
  assert.equal(evolveDiagnostics(await client.diagnosticsFor(uri), 'unbatched-loop').length, 1, 'the scan pushed the unopened file');

  const text = readFileSync(path, 'utf8');
  const since = client.published.length;
  await client.open(path, text);
  assert.deepEqual((await client.diagnosticsFor(uri, () => true, since)).diagnostics, [], 'pushed copy cleared: no duplicates');

  const [d] = evolveDiagnostics(await pull(client, uri), 'unbatched-loop');
  assert.equal(d.code, 'unbatched-loop');
  assert.equal(d.range.start.line, lineOf(text, 'for (const u'));

  const edited = text.replace("'use strict';\n", "'use strict';\n\n\n");
  await client.change(uri, edited);
  const [after] = evolveDiagnostics(await pull(client, uri), 'unbatched-loop');
  assert.equal(after.range.start.line, lineOf(edited, 'for (const u'));
  assert.equal((after.data as { version: number }).version, 2);
  assert.equal(await client.stop(), 0);
});

test('a cancelled diagnostic request is answered with RequestCancelled, and the server keeps serving', async (t) => {
  const ws = copyFixture('knex-app');
  const { client } = await LspClient.start(ws, capabilities({ pull: true }), { scanWorkspace: false });
  t.after(() => client.kill());
  const path = join(ws, TRIM);
  const uri = await client.open(path, readFileSync(path, 'utf8'));

  // A code action request first keeps the server busy (the file's first analysis), so the diagnostic
  // request and its cancellation are both waiting when it gets to them, however loaded the machine is.
  const busy = client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [] },
  });
  const source = new CancellationTokenSource();
  const request = client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }, source.token);
  source.cancel();
  const cancelled = assert.rejects(request, (err: unknown) => err instanceof ResponseError && err.code === -32800);
  await busy;
  await cancelled;

  assert.equal(evolveDiagnostics(await pull(client, uri), 'unbatched-loop').length, 1);
  assert.equal(await client.stop(), 0);
});
