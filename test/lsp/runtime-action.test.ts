// "Add evolve-runtime to this project" over a real JSON-RPC connection to dist/server.js: offered
// beside the batching rewrite when the workspace cannot import evolve-runtime; its command finds the
// registry unreachable (npm child process), vendors into the folder the client picks, and from then
// on the rewrite imports the vendored copy.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { actionsAt, assertParses } from './actions';
import { applyWorkspaceEdit, capabilities, copyFixture, evolveDiagnostics, LspClient } from './harness';

const TRIM = 'migrations/20240101000000_trim_user_names.js';
const ADD_TITLE = 'Add evolve-runtime to this project';
const isRewrite = (a: CodeAction) => a.title.startsWith('Process in keyset batches');

// The server inherits this environment: the registry is unreachable, as on a machine without network.
process.env.npm_config_registry = 'http://127.0.0.1:9/';
process.env.npm_config_fetch_retries = '0';

/** The knex-app fixture as an npm project (package.json + package-lock.json), with the server's messages recorded. */
async function start(t: { after(fn: () => void): void }, initializationOptions?: Record<string, unknown>) {
  const ws = copyFixture('knex-app');
  writeFileSync(join(ws, 'package.json'), '{"name":"knex-app","private":true}');
  writeFileSync(join(ws, 'package-lock.json'), '{"lockfileVersion":3}');
  const { client, init } = await LspClient.start(ws, capabilities(), { scanWorkspace: false }, initializationOptions);
  t.after(() => client.kill());
  assert.ok(init.capabilities.executeCommandProvider?.commands.includes('evolve.addRuntime'));
  const messages: string[] = [];
  client.connection.onNotification('window/showMessage', (p: { message: string }) => {
    messages.push(p.message);
  });
  const path = join(ws, TRIM);
  const text = readFileSync(path, 'utf8');
  const uri = await client.open(path, text);
  const [d] = evolveDiagnostics(await client.diagnosticsFor(uri, (p) => p.version === 1), 'unbatched-loop');
  return { ws, client, messages, uri, text, d };
}

test('offered with the rewrite when evolve-runtime does not resolve; vendoring makes the rewrite import the copy', async (t) => {
  const { ws, client, messages, uri, text, d } = await start(t);
  const picked: string[] = [];
  const vendor = join(ws, 'lib/runtime');
  client.connection.onRequest('evolve/pickVendorFolder', (p: { defaultFolder: string }) => {
    picked.push(p.defaultFolder);
    return vendor;
  });

  const before = await actionsAt(client, uri, d);
  const add = before.find((a) => a.title === ADD_TITLE);
  assert.ok(add?.command, `"${ADD_TITLE}" is offered: ${before.map((a) => a.title).join(' | ')}`);
  assert.equal(add.command.command, 'evolve.addRuntime');
  assert.deepEqual(add.command.arguments, [{ uri }]);
  const rewriteBefore = before.find(isRewrite);
  assert.ok(rewriteBefore?.edit);
  assert.match(applyWorkspaceEdit(text, uri, rewriteBefore.edit), /require\('evolve-runtime'\)/);

  await client.connection.sendRequest('workspace/executeCommand', { command: add.command.command, arguments: add.command.arguments });
  assert.deepEqual(picked, [join(ws, 'vendor/evolve-runtime')], 'the client is asked, with the default folder proposed');
  assert.ok(existsSync(join(vendor, 'evolve-runtime.js')) && existsSync(join(vendor, 'evolve-runtime.d.ts')));
  const said = messages.join('\n');
  assert.match(said, /not reachable .* with npm/);
  assert.match(said, /Vendored evolve-runtime into .*lib\/runtime/);

  const after = await actionsAt(client, uri, d);
  assert.equal(after.find((a) => a.title === ADD_TITLE), undefined, 'no longer offered once vendored');
  const rewrite = after.find(isRewrite);
  assert.ok(rewrite?.edit);
  const output = applyWorkspaceEdit(text, uri, rewrite.edit);
  assertParses(output);
  assert.match(output, /^const \{ eachBatch, knexAdapter \} = require\('\.\.\/lib\/runtime\/evolve-runtime\.js'\);$/m);
  // The vendored copy is what the rewritten file loads at run time.
  const runtime = require(join(vendor, 'evolve-runtime.js')) as Record<string, unknown>;
  assert.equal(typeof runtime.eachBatch, 'function');
  assert.equal(typeof runtime.knexAdapter, 'function');
  assert.equal(await client.stop(), 0);
});

test('Restricted Mode: never runs the package manager, says why, and vendors into the default folder (no folder picker)', async (t) => {
  // An `npm` first on PATH that leaves a mark if anything starts it.
  const bin = join(copyFixture('knex-app'), 'fake-bin');
  mkdirSync(bin);
  const mark = join(bin, 'npm-was-run');
  writeFileSync(join(bin, 'npm'), `#!/bin/sh\ntouch '${mark}'\nexit 1\n`);
  chmodSync(join(bin, 'npm'), 0o755);
  const savedPath = process.env.PATH;
  process.env.PATH = `${bin}:${savedPath}`;
  t.after(() => (process.env.PATH = savedPath));
  const { ws, client, messages, uri, text, d } = await start(t, { workspaceTrusted: false });

  const add = (await actionsAt(client, uri, d)).find((a) => a.title === ADD_TITLE);
  assert.ok(add?.command);
  await client.connection.sendRequest('workspace/executeCommand', { command: add.command.command, arguments: add.command.arguments });
  assert.equal(existsSync(mark), false, 'the package manager was not started');
  assert.match(messages.join('\n'), /Restricted Mode: installing a package runs the package manager/);
  assert.ok(existsSync(join(ws, 'vendor/evolve-runtime/evolve-runtime.d.ts')));
  const rewrite = (await actionsAt(client, uri, d)).find(isRewrite);
  assert.ok(rewrite?.edit);
  assert.match(applyWorkspaceEdit(text, uri, rewrite.edit), /require\('\.\.\/vendor\/evolve-runtime\/evolve-runtime\.js'\)/);
  assert.equal(await client.stop(), 0);
});
