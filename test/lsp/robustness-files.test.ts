// Files that change under the server, over a real JSON-RPC connection: a script deleted while the
// workspace scan runs, an evolve.config.json that stops being valid JSON (with and without a BOM),
// and watcher events for files that are already gone.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, type ParseError } from 'jsonc-parser';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { copyFixture, evolveDiagnostics, LspClient, uriOf } from './harness';

const TRIM = 'migrations/20240101000000_trim_user_names.js';
/** Scripts added to the fixture so the scan takes a while (each has one unbatched loop). */
const EXTRA_SCRIPTS = 200;

test('a script deleted while the workspace scan runs ends with no diagnostics, and the scan completes', async (t) => {
  const ws = copyFixture('knex-app');
  const loop = readFileSync(join(ws, TRIM), 'utf8');
  for (let i = 0; i < EXTRA_SCRIPTS; i++) writeFileSync(join(ws, `migrations/3${String(i).padStart(3, '0')}_extra.js`), loop);
  const doomed = join(ws, 'migrations/9999_deleted_during_scan.js'); // sorted last: scanned last
  writeFileSync(doomed, loop);
  const { client } = await LspClient.start(ws);
  t.after(() => client.kill());

  // The scan has started publishing: delete the last file, as a `git checkout` or `rm` would.
  await client.diagnosticsFor(uriOf(join(ws, TRIM)));
  rmSync(doomed);
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(doomed), type: 3 }] });

  // The scan's own count once it is complete: every script but the deleted one, one finding each.
  const scripts = EXTRA_SCRIPTS + 2;
  const done = await client.status((s) => s.state === 'ready' && s.files === scripts);
  assert.equal(done.findings, scripts);
  const noneFor = (why: string) => {
    const last = client.published.filter((p) => p.uri === uriOf(doomed)).at(-1);
    assert.ok(!last || last.diagnostics.length === 0, `${why}: stale diagnostics for the deleted file: ${JSON.stringify(last)}`);
  };
  noneFor('after the scan');
  // A rescan (the "Lint Workspace" command) agrees.
  assert.deepEqual(await client.connection.sendRequest('evolve/lintWorkspace'), { files: scripts, findings: scripts });
  noneFor('after a rescan');
  assert.equal(await client.stop(), 0);
});

/** Where jsonc-parser itself puts the errors, as LSP ranges in the text the editor shows (no BOM). */
function jsonErrors(uri: string, text: string): { start: { line: number; character: number }; end: { line: number; character: number } }[] {
  const shown = text.replace(/^\uFEFF/, '');
  const errors: ParseError[] = [];
  parse(shown, errors, { allowTrailingComma: true });
  assert.ok(errors.length > 0, 'the config text is invalid JSON');
  const doc = TextDocument.create(uri, 'json', 0, shown);
  return errors.map((e) => ({ start: doc.positionAt(e.offset), end: doc.positionAt(e.offset + Math.max(e.length, 1)) }));
}

for (const bom of ['', '\uFEFF']) {
  test(`an evolve.config.json that is not valid JSON${bom ? ' (with a BOM)' : ''}: an error at the parser's place, status error, cleared once fixed`, async (t) => {
    const ws = copyFixture('knex-app');
    const configPath = join(ws, 'evolve.config.json');
    const configUri = uriOf(configPath);
    const { client } = await LspClient.start(ws, undefined, { scanWorkspace: false });
    t.after(() => client.kill());
    await client.status((s) => s.state === 'ready');
    const scriptUri = await client.open(join(ws, TRIM), readFileSync(join(ws, TRIM), 'utf8'));
    await client.diagnosticsFor(scriptUri, (p) => p.version === 1);

    // A missing closing bracket: the parser stops at the "}" on the next line.
    const broken = `${bom}{\n  "rules": { "unbatched-loop": "error" },\n  "include": ["migrations/**/*.js"\n}\n`;
    const since = client.published.length;
    const statuses = client.statuses.length;
    writeFileSync(configPath, broken);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
    const problems = (await client.diagnosticsFor(configUri, () => true, since)).diagnostics;
    assert.ok(problems.every((p) => /^Invalid JSON: /.test(String(p.message)) && p.severity === 1), JSON.stringify(problems));
    assert.deepEqual(problems.map((p) => p.range), jsonErrors(configUri, broken));
    assert.deepEqual(problems[0].range.start, { line: 3, character: 0 }, 'first on the closing brace, where the parser stopped');
    const error = await client.status((s) => s.state === 'error', statuses);
    assert.match(error.message ?? '', new RegExp(`${configPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid configuration`));
    // Scripts are still analysed meanwhile (with the defaults): the open one keeps its finding.
    assert.equal(evolveDiagnostics(client.published.filter((p) => p.uri === scriptUri).at(-1)!, 'unbatched-loop').length, 1);

    const fixedSince = client.published.length;
    const fixedStatuses = client.statuses.length;
    writeFileSync(configPath, `${bom}{ "rules": { "unbatched-loop": "error" } }\n`);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
    assert.deepEqual((await client.diagnosticsFor(configUri, () => true, fixedSince)).diagnostics, []);
    assert.equal(evolveDiagnostics(await client.diagnosticsFor(scriptUri, () => true, fixedSince), 'unbatched-loop')[0].severity, 1, 'the fixed config applies');
    const ready = await client.status(() => true, fixedStatuses);
    assert.equal(ready.state, 'ready', JSON.stringify(ready));
    assert.equal(await client.stop(), 0);
  });
}

test('a created or changed event for a script that is already gone again reports nothing and clears what was there', async (t) => {
  const ws = copyFixture('knex-app');
  const { client } = await LspClient.start(ws);
  t.after(() => client.kill());
  await client.status((s) => s.state === 'ready' && s.files === 2);
  const trim = join(ws, TRIM);
  const ghost = join(ws, 'migrations/20240103000000_temporary.js');
  const since = client.published.length;
  rmSync(trim); // reported by the scan, now deleted, but the watcher says "changed"
  const statuses = client.statuses.length;
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(ghost), type: 1 }, { uri: uriOf(trim), type: 2 }] });
  const ready = await client.status(() => true, statuses);
  assert.deepEqual({ findings: ready.findings, files: ready.files }, { findings: 1, files: 1 });
  assert.ok(!client.published.slice(since).some((p) => p.uri === uriOf(ghost)), 'nothing for a file that never existed');
  assert.deepEqual((await client.diagnosticsFor(uriOf(trim), () => true, since)).diagnostics, []);
  assert.equal(await client.stop(), 0);
});
