// A push-only client (like Neovim 0.7) over a real JSON-RPC connection to dist/server.js.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { copyFixture, evolveDiagnostics, lineOf, LspClient, uriOf } from './harness';

const TRIM = 'migrations/20240101000000_trim_user_names.js';
const SLUGS = 'migrations/20240102000000_backfill_slugs.js';
const DOCS = 'https://github.com/evolve-migrations/evolve/blob/main/docs/rules/unbatched-loop.md';

test('the workspace scan reports unopened evolve scripts, with progress, and only evolve scripts', async (t) => {
  const ws = copyFixture('knex-app');
  const { client, init } = await LspClient.start(ws);
  t.after(() => client.kill());
  assert.equal(init.capabilities.diagnosticProvider, undefined, 'a push-only client gets no pull provider');

  const ready = await client.status((s) => s.state === 'ready');
  const published = [TRIM, SLUGS].map((f) => evolveDiagnostics(client.published.findLast((p) => p.uri === uriOf(join(ws, f)))!));
  assert.deepEqual(published.flat().filter((d) => !d.code).map((d) => d.message), [], 'no file failed to analyse');
  assert.deepEqual({ findings: ready.findings, files: ready.files }, { findings: published.flat().length, files: 2 }, 'the status counts what was published');
  for (const file of [TRIM, SLUGS]) {
    const [finding, ...rest] = evolveDiagnostics(await client.diagnosticsFor(uriOf(join(ws, file))), 'unbatched-loop');
    assert.equal(rest.length, 0, file);
    assert.equal(finding.code, 'unbatched-loop');
    assert.equal(finding.range.start.line, lineOf(readFileSync(join(ws, file), 'utf8'), 'for (const'));
  }
  assert.ok(!client.published.some((p) => p.uri.endsWith('/src/report.js')), 'src/report.js is not an evolve script');
  const kinds = client.progress.map((p) => (p as { value: { kind: string } }).value.kind);
  assert.equal(kinds[0], 'begin');
  assert.equal(kinds.at(-1), 'end');
  assert.equal(await client.stop(), 0);
});

test('open, edit and close: diagnostics carry rule, docs and data, and follow every edit', async (t) => {
  const ws = copyFixture('knex-app');
  const { client } = await LspClient.start(ws, undefined, { scanWorkspace: false });
  t.after(() => client.kill());
  await client.status((s) => s.state === 'ready');
  const path = join(ws, TRIM);
  const text = readFileSync(path, 'utf8');
  const uri = await client.open(path, text);

  const opened = evolveDiagnostics(await client.diagnosticsFor(uri, (p) => p.version === 1), 'unbatched-loop');
  assert.equal(opened.length, 1);
  const [d] = opened;
  assert.equal(d.code, 'unbatched-loop');
  assert.equal(d.source, 'evolve');
  assert.equal(d.severity, 2, 'warning, as evolve.config.json says');
  assert.equal(d.codeDescription?.href, DOCS);
  assert.equal(d.range.start.line, lineOf(text, 'for (const u'));
  assert.equal((d.data as { version: number }).version, 1);

  // Two quick edits: the loop goes away, then comes back two lines lower. Only the latest text counts.
  const withoutLoop = text.replace(/ {2}const users[\s\S]*?\n {2}}\n/, "  await knex('users').update({ name: knex.raw('trim(name)') });\n");
  assert.notEqual(withoutLoop, text);
  await client.change(uri, withoutLoop);
  const moved = text.replace("'use strict';\n", "'use strict';\n// Trims names.\n// Runs once.\n");
  const v3 = await client.change(uri, moved);
  const latest = await client.diagnosticsFor(uri, (p) => p.version === v3);
  assert.equal(evolveDiagnostics(latest, 'unbatched-loop')[0].range.start.line, lineOf(moved, 'for (const u'));
  assert.equal(client.published.filter((p) => p.uri === uri).at(-1), latest, 'nothing published after the latest version');

  const v4 = await client.change(uri, withoutLoop);
  assert.deepEqual(evolveDiagnostics(await client.diagnosticsFor(uri, (p) => p.version === v4), 'unbatched-loop'), []);

  // A file outside evolve.config.json's patterns gets nothing, even when open.
  const reportPath = join(ws, 'src/report.js');
  const statusesBefore = client.statuses.length;
  const reportUri = await client.open(reportPath, readFileSync(reportPath, 'utf8'));
  await client.status(() => true, statusesBefore);
  assert.ok(!client.published.some((p) => p.uri === reportUri && p.diagnostics.length > 0));
  assert.equal(await client.stop(), 0);
});

test('closing a document with unsaved edits reports the file on disk again (workspace scan on)', async (t) => {
  const ws = copyFixture('knex-app');
  const { client } = await LspClient.start(ws);
  t.after(() => client.kill());
  await client.status((s) => s.state === 'ready');
  const path = join(ws, TRIM);
  const text = readFileSync(path, 'utf8');
  const uri = await client.open(path, text);
  const v2 = await client.change(uri, "exports.up = async () => {};\n");
  await client.diagnosticsFor(uri, (p) => p.version === v2 && p.diagnostics.length === 0);
  const since = client.published.length;
  await client.close(uri);
  const fromDisk = await client.diagnosticsFor(uri, () => true, since);
  assert.equal(fromDisk.version, undefined);
  assert.equal(evolveDiagnostics(fromDisk, 'unbatched-loop')[0].range.start.line, lineOf(text, 'for (const u'));
  assert.equal(await client.stop(), 0);
});

test('scripts changed or deleted on disk while not open are reported again', async (t) => {
  const ws = copyFixture('knex-app');
  const { client } = await LspClient.start(ws);
  t.after(() => client.kill());
  await client.status((s) => s.state === 'ready' && s.files === 2);
  const slugs = join(ws, SLUGS);
  const trim = join(ws, TRIM);
  const since = client.published.length;
  writeFileSync(slugs, "exports.up = (knex) => knex('posts').update({ slug: knex.raw('lower(title)') });\n");
  rmSync(trim);
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
    changes: [{ uri: uriOf(slugs), type: 2 }, { uri: uriOf(trim), type: 3 }],
  });
  assert.deepEqual((await client.diagnosticsFor(uriOf(slugs), () => true, since)).diagnostics, []);
  assert.deepEqual((await client.diagnosticsFor(uriOf(trim), () => true, since)).diagnostics, []);
  await client.status((s) => s.state === 'ready' && s.findings === 0);
  assert.equal(await client.stop(), 0);
});
