// Code actions over a real JSON-RPC connection: exact edits, output that parses, idempotence,
// and no edit ever computed for a stale text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { actionsAt, applyOnce } from './actions';
import { applyWorkspaceEdit, capabilities, copyFixture, evolveDiagnostics, lineOf, LspClient } from './harness';

const TRIM = 'migrations/20240101000000_trim_user_names.js';
const LINE_TITLE = 'Disable evolve rule unbatched-loop for this line';
const FILE_TITLE = 'Disable evolve rule unbatched-loop for this file';
const DOCS_TITLE = 'Show documentation for evolve rule unbatched-loop';

async function setup(t: { after(fn: () => void): void }, documentChanges = true) {
  const ws = copyFixture('knex-app');
  const { client } = await LspClient.start(ws, capabilities({ documentChanges }), { scanWorkspace: false });
  t.after(() => client.kill());
  const path = join(ws, TRIM);
  const text = readFileSync(path, 'utf8');
  const uri = await client.open(path, text);
  const [d] = evolveDiagnostics(await client.diagnosticsFor(uri, (p) => p.version === 1), 'unbatched-loop');
  return { client, uri, text, d };
}

test('"Disable for this line" inserts a directive with a reason placeholder, indented like the line', async (t) => {
  const { client, uri, text, d } = await setup(t);
  const { output } = await applyOnce(client, uri, d, LINE_TITLE, text);
  assert.equal(
    output,
    text.replace('  for (const u of users) {', '  // evolve-disable-next-line unbatched-loop -- reason\n  for (const u of users) {'),
  );
  assert.equal(await client.stop(), 0);
});

test('"Disable for this file" goes after the \'use strict\' prologue (plain `changes` edits too)', async (t) => {
  const { client, uri, text, d } = await setup(t, false);
  const { output } = await applyOnce(client, uri, d, FILE_TITLE, text);
  assert.equal(output, text.replace("'use strict';\n", "'use strict';\n/* evolve-disable unbatched-loop */\n"));
  assert.equal(await client.stop(), 0);
});

test('"Show documentation" opens the rule page through window/showDocument', async (t) => {
  const { client, uri, d } = await setup(t);
  const action = (await actionsAt(client, uri, d)).find((a) => a.title === DOCS_TITLE);
  assert.ok(action?.command);
  await client.connection.sendRequest('workspace/executeCommand', { command: action.command.command, arguments: action.command.arguments });
  assert.deepEqual(client.shownDocuments, [d.codeDescription?.href]);
  assert.equal(await client.stop(), 0);
});

test('a code action request with a diagnostic from an older version edits the current text', async (t) => {
  const { client, uri, text, d } = await setup(t);
  const moved = text.replace("'use strict';\n", "'use strict';\n// one\n// two\n");
  const version = await client.change(uri, moved);
  await client.diagnosticsFor(uri, (p) => p.version === version);
  // The editor still holds the version-1 diagnostic while the cursor is on the loop's new line:
  // the action must target the current text, not the old diagnostic's offsets.
  const cursor = { line: lineOf(moved, 'for (const u'), character: 2 };
  const action = (await actionsAt(client, uri, d, undefined, { start: cursor, end: cursor })).find((a) => a.title === LINE_TITLE);
  assert.ok(action?.edit);
  const change = action.edit.documentChanges?.[0] as { textDocument: { version: number } };
  assert.equal(change.textDocument.version, version);
  const output = applyWorkspaceEdit(moved, uri, action.edit);
  assert.equal(output.split('\n')[lineOf(moved, 'for (const u')], '  // evolve-disable-next-line unbatched-loop -- reason');
  assert.equal(await client.stop(), 0);
});

test('"Fix all" never includes behaviour-changing suggestions', async (t) => {
  const { client, uri, d } = await setup(t);
  const fixAll = await actionsAt(client, uri, d, ['source.fixAll.evolve']);
  // unbatched-loop's only rewrite (batching) changes behaviour: nothing is safe to apply on save.
  assert.deepEqual(fixAll, []);
  const quick = await actionsAt(client, uri, d, ['quickfix']);
  assert.ok(quick.every((a) => a.kind === 'quickfix'));
  assert.ok(quick.some((a) => a.title === LINE_TITLE));
  assert.equal(await client.stop(), 0);
});
