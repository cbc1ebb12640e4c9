// Scripts run only in trusted workspaces. Over a real JSON-RPC connection: with
// initializationOptions.workspaceTrusted false (VS Code's Restricted Mode) a rehearsal is refused
// before any of the script's code runs or any snapshot is made; trusted, the same request runs it
// (so the marker below does prove that code runs when allowed).
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { ResponseError } from 'vscode-jsonrpc';
import type { RehearsalReport } from '../../server/src/rehearsal/protocol';
import { leftWorkDirs, rehearseWorkspace, startServer, uriOf } from '../lsp/rehearse-fixture';

const INVALID_REQUEST = -32600;

test('Restricted Mode: no rehearsal runs, not even the top of the script, and no snapshot is made; trusted, it runs', async (t) => {
  const ws = rehearseWorkspace(t);
  const marker = join(ws.dir, 'script-ran');
  const script = join(ws.dir, 'scripts/marks.js');
  // Code at the top of the module runs as soon as it is loaded, before any function is called.
  writeFileSync(script, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = async () => {};\n`);
  const request = { command: 'evolve.rehearse', arguments: [{ uri: uriOf(script), snapshot: 'nightly' }] };

  const untrusted = await startServer(t, ws.dir, { workspaceTrusted: false });
  const refused = await untrusted.client.connection.sendRequest('workspace/executeCommand', request).then(
    () => assert.fail('the rehearsal ran in Restricted Mode'),
    (error: unknown) => error,
  );
  assert.ok(refused instanceof ResponseError);
  assert.equal(refused.code, INVALID_REQUEST);
  assert.match(refused.message, /Restricted Mode/);
  assert.equal(existsSync(marker), false, 'the script was never loaded');
  assert.deepEqual(leftWorkDirs(), [], 'no snapshot folder was made');
  assert.deepEqual(untrusted.rehearsals.events, []);
  assert.equal(await untrusted.client.stop(), 0);

  const trusted = await startServer(t, ws.dir, { workspaceTrusted: true });
  const report = (await trusted.client.connection.sendRequest('workspace/executeCommand', request)) as RehearsalReport;
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  assert.equal(existsSync(marker), true, 'trusted: the script ran');
  assert.deepEqual(leftWorkDirs(), []);
  assert.equal(await trusted.client.stop(), 0);
});
