// Document versions over a real JSON-RPC connection: a change that arrives after a newer one is
// ignored, and a burst of 100 edits ends with the diagnostics of the last text and nothing after.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CodeAction, FullDocumentDiagnosticReport, PublishDiagnosticsParams, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { capabilities, copyFixture, evolveDiagnostics, lineOf, LspClient } from './harness';
import { openTrim, TRIM } from './open-script';

const LOOP = 'for (const u';

function assertVersionsNeverGoBack(published: PublishDiagnosticsParams[], uri: string): void {
  const versions = published.filter((p) => p.uri === uri).map((p) => p.version ?? 0);
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `versions published: ${versions.join(', ')}`);
}

/** The document version the server's quick fixes edit (documentChanges carry it). */
async function versionFixesTarget(client: LspClient, uri: string): Promise<number | null> {
  const actions = (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } },
    context: { diagnostics: [], only: ['quickfix'] },
  })) as CodeAction[];
  const batching = actions.find((a) => /keyset batches/.test(a.title));
  assert.ok(batching, `no batching fix among ${actions.map((a) => a.title).join(', ')}`);
  return (batching.edit!.documentChanges![0] as TextDocumentEdit).textDocument.version;
}

test('a change older than the text held is ignored: diagnostics and fixes are those of the newest version', async (t) => {
  const { client, uri, text } = await openTrim(t);
  const newest = `// v3\n// v3\n${text}`;
  const older = "'use strict';\nexports.up = async (knex) => knex('users').update({ name: knex.raw('trim(name)') });\n";
  const change = (version: number, body: string) =>
    client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: body }] });
  await change(3, newest);
  await change(2, older); // delivered late: the editor had already sent version 3
  await change(3, older); // a repeat of version 3 with other text is no newer either

  const published = await client.diagnosticsFor(uri, (p) => p.version === 3);
  const [d] = evolveDiagnostics(published, 'unbatched-loop');
  assert.equal(d.range.start.line, lineOf(newest, LOOP));
  assert.equal(await versionFixesTarget(client, uri), 3);
  assert.ok(!client.published.some((p) => p.uri === uri && p.version === 2));
  assertVersionsNeverGoBack(client.published, uri);
  assert.equal(client.published.filter((p) => p.uri === uri).at(-1), published, 'nothing published after version 3');
  assert.equal(await client.stop(), 0);
});

test('100 rapid incremental edits: the final diagnostics match the final text, and nothing older comes after them', async (t) => {
  const { client, uri, text } = await openTrim(t);
  const statusesBefore = client.statuses.length;
  let expected = text;
  for (let i = 1; i <= 100; i++) {
    // Each edit inserts a line at the top, and every tenth also deletes the loop or puts it back.
    const edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }[] = [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `// edit ${i}\n` },
    ];
    expected = `// edit ${i}\n${expected}`;
    if (i % 10 === 0) {
      const at = lineOf(expected, 'await knex(\'users\').where');
      const line = expected.split('\n')[at];
      const replacement = line.includes('// ') ? line.replace('// ', '') : line.replace('await', '// await');
      edits.push({ range: { start: { line: at, character: 0 }, end: { line: at, character: line.length } }, text: replacement });
      expected = expected.split('\n').map((l, n) => (n === at ? replacement : l)).join('\n');
    }
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: i + 1 }, contentChanges: edits });
  }
  const final = await client.diagnosticsFor(uri, (p) => p.version === 101);
  // Ten toggles: the write is back, so the loop is reported, at its place in the final text.
  const [d, ...others] = evolveDiagnostics(final, 'unbatched-loop');
  assert.equal(others.length, 0);
  assert.equal(d.range.start.line, lineOf(expected, LOOP));
  assert.equal((d.data as { start: number }).start, expected.indexOf(LOOP), 'the server holds exactly the text the edits make');
  assert.equal(await versionFixesTarget(client, uri), 101);
  assertVersionsNeverGoBack(client.published, uri);
  assert.equal(client.published.filter((p) => p.uri === uri).at(-1), final, 'nothing published after the final version');
  const ready = await client.status((s) => s.state === 'ready', statusesBefore);
  assert.equal(ready.findings, 1);
  assert.equal(await client.stop(), 0);
});

test('pull client: after a late older change, a diagnostic request reports the newest text', async (t) => {
  const ws = copyFixture('knex-app');
  const { client } = await LspClient.start(ws, capabilities({ pull: true }), { scanWorkspace: false });
  t.after(() => client.kill());
  const path = join(ws, TRIM);
  const text = readFileSync(path, 'utf8');
  const uri = await client.open(path, text);
  const newest = `// v3\n// v3\n${text}`;
  const change = (version: number, body: string) =>
    client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: body }] });
  await change(3, newest);
  await change(2, "exports.up = async () => {};\n");
  const report = (await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as FullDocumentDiagnosticReport;
  const [d] = evolveDiagnostics(report, 'unbatched-loop');
  assert.equal(d.range.start.line, lineOf(newest, LOOP));
  assert.equal((d.data as { version: number }).version, 3);
  assert.equal(await client.stop(), 0);
});
