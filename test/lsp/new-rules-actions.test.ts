// The newer rules through the language server: hints arrive as Hint diagnostics, and their rewrites
// are quick fixes that are never preferred, never part of "fix all", and leave the finding gone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { actionsAt, applyOnce } from './actions';
import { copyFixture, evolveDiagnostics, LspClient } from './harness';

async function open(t: { after(fn: () => void): void }, file: string, rule: string) {
  const ws = copyFixture('new-rules');
  const { client } = await LspClient.start(ws, undefined, { scanWorkspace: false });
  t.after(() => client.kill());
  const path = join(ws, 'scripts', file);
  const text = readFileSync(path, 'utf8');
  const uri = await client.open(path, text);
  const all = evolveDiagnostics(await client.diagnosticsFor(uri, (p) => p.version === 1));
  const mine = all.filter((d) => d.code === rule);
  assert.equal(mine.length, 1, `one ${rule} diagnostic among ${JSON.stringify(all.map((d) => d.code))}`);
  const [d] = mine;
  const actions = await actionsAt(client, uri, d);
  assert.ok(actions.every((a) => !a.isPreferred), 'behaviour-changing suggestions are never preferred');
  assert.deepEqual(await actionsAt(client, uri, d, ['source.fixAll.evolve']), [], 'fix all applies no suggestion');
  return { client, uri, text, d };
}

test('no-conflict-retry is a Hint, and its quick fix wraps the transaction in retryOnConflict', async (t) => {
  const { client, uri, text, d } = await open(t, 'retry-pages.js', 'no-conflict-retry');
  assert.equal(d.severity, DiagnosticSeverity.Hint);
  assert.equal(d.range.start.line, 6);
  const { output } = await applyOnce(client, uri, d, 'Retry this transaction when it conflicts (evolve-runtime retryOnConflict)', text);
  assert.equal(
    output,
    "const { retryOnConflict } = require('evolve-runtime');\n" +
      text.replace('await prisma.$transaction(async (tx) => {', 'await retryOnConflict(() => prisma.$transaction(async (tx) => {').replace('    });\n  }\n}', '    }));\n  }\n}'),
  );
  assert.equal(await client.stop(), 0);
});

test('floating-write is a Warning, and its quick fix turns forEach(async) into for...of', async (t) => {
  const { client, uri, text, d } = await open(t, 'archive-drafts.js', 'floating-write');
  assert.equal(d.severity, DiagnosticSeverity.Warning);
  const { output } = await applyOnce(client, uri, d, 'Write one item at a time with `for...of` and `await` (the loop then waits for each write)', text);
  assert.equal(
    output,
    text.replace(
      "  drafts.forEach(async (post) => {\n    await knex('posts').where({ id: post.id }).update({ status: 'archived' });\n  });",
      "  for (const post of drafts) {\n    await knex('posts').where({ id: post.id }).update({ status: 'archived' });\n  }",
    ),
  );
  assert.equal(await client.stop(), 0);
});
