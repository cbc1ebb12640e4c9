// The client restarting the server (shutdown + exit, then a fresh server on the same workspace), as
// "Evolve: Restart Server" or :LspRestart do: the new server republishes from scratch, so nothing the
// old one said survives where it is no longer true.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc';
import { copyFixture, evolveDiagnostics, lineOf, LspClient, uriOf } from './harness';

const TRIM = 'migrations/20240101000000_trim_user_names.js';
const SLUGS = 'migrations/20240102000000_backfill_slugs.js';

test('restart: files fixed meanwhile get no diagnostics from the new server, the others are republished, open buffers win', async (t) => {
  const ws = copyFixture('knex-app');
  const [trim, slugs] = [join(ws, TRIM), join(ws, SLUGS)];
  const first = (await LspClient.start(ws)).client;
  t.after(() => first.kill());
  await first.status((s) => s.state === 'ready' && s.files === 2);
  const slugsText = readFileSync(slugs, 'utf8');
  const edited = `// edited, not saved\n${slugsText}`;
  const slugsUri = await first.open(slugs, slugsText);
  await first.change(slugsUri, edited);

  // The old server answers shutdown, refuses requests after it, publishes nothing after it (the
  // edit's debounced analysis was still pending), and exits cleanly on exit.
  // 'close', not 'exit': every message the old server wrote has been read by then.
  const exited = new Promise<number | null>((resolve) => first.child.once('close', resolve));
  await first.connection.sendRequest('shutdown');
  const publishedAtShutdown = first.published.length;
  const refused = await first.connection
    .sendRequest('textDocument/codeAction', { textDocument: { uri: slugsUri }, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } }, context: { diagnostics: [] } })
    .then(() => undefined, (error: unknown) => error);
  assert.ok(refused instanceof ResponseError && refused.code === -32600, `a request after shutdown is refused with InvalidRequest: ${String(refused)}`);
  assert.match(refused.message, /shutting down/);
  await first.connection.sendNotification('exit');
  assert.equal(await exited, 0);
  first.connection.dispose();
  assert.equal(first.published.length, publishedAtShutdown, 'nothing published after shutdown');

  // Meanwhile the user fixes one script on disk.
  writeFileSync(trim, "exports.up = (knex) => knex('users').update({ name: knex.raw('trim(name)') });\n");

  const second = (await LspClient.start(ws)).client;
  t.after(() => second.kill());
  // The editor reopens its buffers in the new server, unsaved edits included.
  const reopened = await second.open(slugs, edited);
  const ready = await second.status((s) => s.state === 'ready' && s.files === 1);
  assert.equal(ready.findings, 1);
  assert.ok(!second.published.some((p) => p.uri === uriOf(trim) && p.diagnostics.length > 0), 'the fixed file has no diagnostics');
  const [d] = evolveDiagnostics(await second.diagnosticsFor(reopened, (p) => p.version === 1), 'unbatched-loop');
  assert.equal(d.range.start.line, lineOf(edited, 'for (const'), "the buffer's text, not the disk's");
  assert.equal(await second.stop(), 0);
});
