// The "▶ Rehearse against snapshot" code lens: where each shape of script starts (the entry point
// the rehearsal child runs), and the lens the server sends to any LSP client for evolve scripts only.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { findEntryPoint, type EntryPoint } from '../../server/src/core/entry-point';
import { capabilities, lineOf } from './harness';
import { bounded, rehearseWorkspace, startServer, uriOf } from './rehearse-fixture';

const cases: { name: string; file?: string; code: string; at: string | null; kind?: EntryPoint['kind'] }[] = [
  {
    name: 'a default-export function after its imports',
    code: "import { eachBatch } from 'evolve-runtime';\n\n/** Backfills. */\nexport default async function backfill({ db }) {\n  await eachBatch(db);\n}\n",
    at: 'export default async function',
    kind: 'default-export',
  },
  { name: 'export default of an expression', code: 'const run = async () => {};\nexport default run;\n', at: 'export default run', kind: 'default-export' },
  { name: 'module.exports = a function', file: 'm.js', code: "'use strict';\nconst x = require('x');\nmodule.exports = async function (db) {};\n", at: 'module.exports', kind: 'default-export' },
  { name: "a knex migration's exports.up, not its down", file: 'm.js', code: "'use strict';\nexports.down = async () => {};\nexports.up = async function (knex) {};\n", at: 'exports.up', kind: 'up' },
  { name: 'an exported up function', code: 'export async function down() {}\nexport async function up(knex) {}\n', at: 'export async function up', kind: 'up' },
  { name: 'an exported up arrow', code: "import type { Knex } from 'knex';\nexport const up = async (knex: Knex) => {};\n", at: 'export const up', kind: 'up' },
  {
    name: 'a TypeORM migration class',
    code: "import { MigrationInterface } from 'typeorm';\nexport class Backfill1700 implements MigrationInterface {\n  async up(q) {}\n  async down(q) {}\n}\n",
    at: 'export class Backfill1700',
    kind: 'migration-class',
  },
  { name: "a plain script's main().catch()", code: 'async function main() {}\n\nmain().catch((e) => { console.error(e); process.exit(1); });\n', at: 'main().catch', kind: 'main-call' },
  { name: 'void run() of a local arrow', code: 'const run = async () => {};\nvoid run();\n', at: 'void run()', kind: 'main-call' },
  { name: 'a default export wins over a main call', code: 'async function main() {}\nmain();\nexport default main;\n', at: 'export default main', kind: 'default-export' },
  { name: 'a call of an imported function is not an entry', code: "import { go } from './go';\nconst db = open();\ngo();\n", at: 'const db = open()', kind: 'first-statement' },
  { name: 'an empty file', code: '// nothing yet\n', at: null },
  {
    name: 'a default export after a literal nested too deeply for the parser',
    code: `const fixture = ${'['.repeat(50_000)}${']'.repeat(50_000)};\nexport default async function run() {}\n`,
    at: 'export default async function',
    kind: 'default-export',
  },
];

for (const c of cases) {
  test(`entry point: ${c.name}`, () => {
    const entry = findEntryPoint(c.file ?? 'script.ts', c.code);
    if (c.at === null) return assert.equal(entry, null);
    assert.deepEqual(entry, { line: lineOf(c.code, c.at), character: 0, kind: c.kind });
  });
}

test('code lens over LSP: "▶ Rehearse against snapshot" at the entry point of evolve scripts only, running evolve.rehearse', async (t) => {
  const ws = rehearseWorkspace(t);
  mkdirSync(join(ws.dir, 'lib'));
  const helper = join(ws.dir, 'lib/helper.ts');
  writeFileSync(helper, 'export default function helper() {}\n');
  const caps = capabilities();
  const { client } = await startServer(t, ws.dir, undefined, { ...caps, workspace: { ...caps.workspace, codeLens: { refreshSupport: true } } });
  let refreshed: () => void = () => undefined;
  const refresh = new Promise<void>((resolve) => (refreshed = resolve));
  client.connection.onRequest('workspace/codeLens/refresh', () => {
    refreshed();
    return null;
  });
  const text = readFileSync(ws.batched, 'utf8');
  const uri = await client.open(ws.batched, text);
  const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
  const line = lineOf(text, 'export default async function backfillDisplayNames');
  assert.deepEqual(lenses, [
    {
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      command: { title: '▶ Rehearse against snapshot', command: 'evolve.rehearse', arguments: [{ uri }] },
    },
  ]);
  // The lens follows the buffer, not the disk.
  await client.change(uri, `// a comment first\n${text}`);
  const moved = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
  assert.equal(moved[0].range.start.line, line + 1);

  const helperUri = await client.open(helper, readFileSync(helper, 'utf8'));
  assert.deepEqual(await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: helperUri } }), [], 'lib/ is not an evolve script folder');
  assert.deepEqual(await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: uriOf(join(ws.dir, 'scripts/closed.ts')) } }), []);

  // lib/ becomes an evolve script folder: the server asks the client to refresh its lenses, and lib/helper.ts gets one.
  const config = join(ws.dir, 'evolve.config.json');
  writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), include: ['lib/**', 'scripts/**'] }));
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(config), type: 2 }] });
  await bounded(refresh, () => 'no workspace/codeLens/refresh after the config changed');
  const helperLenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: helperUri } })) as CodeLens[];
  assert.deepEqual(helperLenses.map((l) => [l.range.start.line, l.command?.command]), [[0, 'evolve.rehearse']]);
  assert.equal(await client.stop(), 0);
});
