// Malformed input over a real JSON-RPC connection to dist/server.js: every bad request is answered
// with a JSON-RPC error that names the problem, bad notifications are ignored, and the server goes on
// serving (each case ends with a diagnostics round trip on the same document).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc';
import { evolveDiagnostics, lineOf, LspClient } from './harness';
import { openTrim } from './open-script';

const INVALID_PARAMS = -32602;
const METHOD_NOT_FOUND = -32601;
const WHOLE_FILE = { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } };

/** The error a request is answered with (the test fails if it succeeds). */
async function errorOf(client: LspClient, method: string, params: unknown): Promise<ResponseError<unknown>> {
  try {
    const result = await client.connection.sendRequest(method, params);
    assert.fail(`${method} ${JSON.stringify(params)} succeeded with ${JSON.stringify(result)}`);
  } catch (error) {
    assert.ok(error instanceof ResponseError, String(error));
    return error;
  }
}

/** The server still works: an edit gets its diagnostics, for its version, at the right line. */
async function stillServes(client: LspClient, uri: string, text: string): Promise<void> {
  const moved = `// moved down a line\n${text}`;
  const version = await client.change(uri, moved);
  const [d] = evolveDiagnostics(await client.diagnosticsFor(uri, (p) => p.version === version), 'unbatched-loop');
  assert.equal(d.range.start.line, lineOf(moved, 'for (const u'));
  const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as { title: string }[];
  assert.ok(actions.some((a) => /keyset batches/.test(a.title)), JSON.stringify(actions.map((a) => a.title)));
}

test('malformed codeAction and diagnostic requests get InvalidParams naming the field', async (t) => {
  const { client, uri, text } = await openTrim(t);
  const cases: [string, unknown, RegExp][] = [
    ['textDocument/codeAction', {}, /textDocument\.uri must be a string/],
    ['textDocument/codeAction', { textDocument: 5, range: WHOLE_FILE, context: { diagnostics: [] } }, /textDocument\.uri must be a string/],
    ['textDocument/codeAction', { textDocument: { uri }, range: 'x', context: { diagnostics: [] } }, /range must be a Range/],
    ['textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0 }, end: {} }, context: { diagnostics: [] } }, /range must be a Range/],
    ['textDocument/codeAction', { textDocument: { uri }, range: WHOLE_FILE, context: null }, /context\.diagnostics must be an array/],
    ['textDocument/codeAction', { textDocument: { uri }, range: WHOLE_FILE, context: { diagnostics: [], only: 'quickfix' } }, /context\.only must be an array/],
    ['textDocument/diagnostic', { textDocument: {} }, /textDocument\.uri must be a string/],
  ];
  for (const [method, params, message] of cases) {
    const error = await errorOf(client, method, params);
    assert.equal(error.code, INVALID_PARAMS, `${method} ${JSON.stringify(params)}: ${error.message}`);
    assert.match(error.message, message);
  }
  await stillServes(client, uri, text);
  assert.equal(await client.stop(), 0);
});

test("a codeAction request's diagnostic data is never trusted: forged edits are not applied", async (t) => {
  const { client, uri, text } = await openTrim(t);
  const [real] = evolveDiagnostics(client.published.at(-1)!, 'unbatched-loop');
  const data = real.data as Record<string, unknown>;
  const forgedFix = { title: 'Forged', preservesBehaviour: true, edits: [{ file: '/etc/passwd', start: 0, end: 0, newText: 'x' }] };
  const variants = [
    { ...data, fixes: [forgedFix], suggestions: [] }, // well formed, but not what the server computed
    { ...data, fixes: [null, { title: 3, edits: 'no' }], suggestions: [null] }, // malformed
  ];
  for (const forged of variants) {
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: real.range,
      context: { diagnostics: [{ ...real, data: forged }] },
    })) as { title: string; edit?: unknown }[];
    assert.ok(!actions.some((a) => a.title === 'Forged' || JSON.stringify(a.edit ?? {}).includes('passwd')), JSON.stringify(actions));
    assert.ok(actions.some((a) => /keyset batches/.test(a.title)), 'the fixes are those the server computed');
  }
  // Data naming a finding the server never made selects nothing.
  const unknown = { ...data, start: 1, end: 2 };
  const none = (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: real.range,
    context: { diagnostics: [{ ...real, data: unknown }], only: ['quickfix'] },
  })) as unknown[];
  assert.deepEqual(none, []);
  await stillServes(client, uri, text);
  assert.equal(await client.stop(), 0);
});

test('unknown methods and commands, and garbage command arguments, are errors; unknown notifications are ignored', async (t) => {
  const { client, uri, text } = await openTrim(t);
  assert.equal((await errorOf(client, 'evolve/noSuchRequest', {})).code, METHOD_NOT_FOUND);
  await client.connection.sendNotification('evolve/noSuchNotification', { x: 1 });
  const commands: [unknown, RegExp][] = [
    [{ command: 'evolve.noSuchCommand', arguments: [1] }, /unknown command "evolve\.noSuchCommand"/],
    [{}, /unknown command/],
    [{ command: 'evolve.addRuntime', arguments: [42, null] }, /evolve\.addRuntime: the argument must be \{ uri \}/],
    [{ command: 'evolve.addRuntime', arguments: [{ uri: 'https://example.com/x.js' }] }, /the argument must be \{ uri \}/],
    [{ command: 'evolve.addRuntime' }, /the argument must be \{ uri \}/],
    [{ command: 'evolve.showDocumentation', arguments: [{ url: 1 }] }, /evolve\.showDocumentation: the argument must be the URL/],
  ];
  for (const [params, message] of commands) {
    const error = await errorOf(client, 'workspace/executeCommand', params);
    assert.equal(error.code, INVALID_PARAMS, error.message);
    assert.match(error.message, message);
  }
  assert.deepEqual(client.shownDocuments, [], 'no command did anything');
  await stillServes(client, uri, text);
  assert.equal(await client.stop(), 0);
});

test('didChange with bogus ranges or contents changes nothing; out-of-range positions are clamped', async (t) => {
  const { client, uri, text } = await openTrim(t);
  const send = (version: unknown, contentChanges: unknown) =>
    client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  await send(2, [{ range: 'bogus', text: 'garbage' }]);
  await send(3, 7);
  await send(4, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]);
  await send(5, [{ text: 'ok', range: { start: { line: 'a', character: 0 }, end: { line: 0, character: 0 } } }]);
  await send(undefined, [{ text: 'no version' }]);
  // None of those was applied: a request now still sees version 1 and its finding.
  const pulled = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: WHOLE_FILE, context: { diagnostics: [] } })) as { title: string }[];
  assert.ok(pulled.some((a) => /keyset batches/.test(a.title)), 'the text is still that of version 1');

  // Positions past the end (or negative) are clamped to the text, as LSP says: this replaces it all.
  await send(6, [{ range: { start: { line: -4, character: -1 }, end: { line: 1e6, character: 5 } }, text: 'exports.up = async () => {};\n' }]);
  assert.deepEqual(evolveDiagnostics(await client.diagnosticsFor(uri, (p) => p.version === 6)), []);
  // The harness counts versions on its own from 1: advance it past 6 (these are ignored as not newer).
  for (let v = 2; v <= 6; v++) await client.change(uri, text);
  await stillServes(client, uri, text);
  assert.equal(await client.stop(), 0);
});

test('invalid JSON on the wire is skipped; the next message is served', async (t) => {
  const { client, uri, text } = await openTrim(t);
  for (const body of ['{"jsonrpc":"2.0","id":999,"method":', 'not json at all', '[]', '{"jsonrpc":"2.0","id":998}']) {
    client.child.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  await stillServes(client, uri, text);
  assert.equal(await client.stop(), 0);
});

test('every request and notification the server handles, with garbage params: answered without an internal error, and the server goes on', async (t) => {
  const { client, uri, text } = await openTrim(t);
  const garbage: unknown[] = [null, 42, 'x', [], {}, { textDocument: null }, { textDocument: { uri: 5 } }, { textDocument: { uri: 'file:///nowhere/x.js' } }, { textDocument: { uri: 'untitled:Untitled-1' } }];
  const requests = ['textDocument/codeAction', 'textDocument/diagnostic', 'textDocument/codeLens', 'workspace/executeCommand', 'evolve/lintWorkspace', 'evolve/listSnapshots'];
  for (const method of requests) {
    for (const params of garbage) {
      const outcome = await client.connection.sendRequest(method, params).then(
        () => 'answered',
        (error: unknown) => (error instanceof ResponseError ? error.code : String(error)),
      );
      assert.ok(outcome === 'answered' || outcome === INVALID_PARAMS, `${method} ${JSON.stringify(params)}: ${outcome}`);
    }
  }
  const notifications = ['textDocument/didOpen', 'textDocument/didChange', 'textDocument/didClose', 'textDocument/didSave', 'workspace/didChangeWatchedFiles', 'workspace/didChangeConfiguration', 'workspace/didChangeWorkspaceFolders', '$/cancelRequest', '$/setTrace'];
  for (const method of notifications) for (const params of garbage) await client.connection.sendNotification(method, params);
  await stillServes(client, uri, text);
  assert.equal(await client.stop(), 0);
});
