// The built evolve-runtime (npm run build): the package resolves by name from this repo as ESM and
// CJS, and the single vendored file works from a directory with no node_modules, with its types.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import Database from 'better-sqlite3';
import ts from 'typescript';
import { seedSqlite, tempDir, type Item } from './helpers.js';

const dist = join(__dirname, '..', '..', 'runtime', 'dist');
const API = ['eachBatch', 'retryOnConflict', 'isConflictError', 'betterSqlite3Adapter', 'pgAdapter', 'pgliteAdapter', 'knexAdapter', 'kyselyAdapter', 'prismaAdapter', 'typeormAdapter', 'sequelizeAdapter', 'mongodbAdapter', 'mongooseAdapter'];

test('evolve-runtime is built (npm run build)', () => {
  for (const file of ['esm/index.mjs', 'cjs/index.cjs', 'types/index.d.ts', 'evolve-runtime.js', 'evolve-runtime.d.ts']) {
    assert.ok(existsSync(join(dist, file)), `runtime/dist/${file} is missing: run \`npm run build\` first`);
  }
});

test('`evolve-runtime` resolves by package name, as CJS and as ESM, with the whole API', async () => {
  const cjs = require('evolve-runtime') as Record<string, unknown>;
  // A computed specifier keeps TypeScript's CJS output from turning import() into require().
  const esm = (await new Function('s', 'return import(s)')('evolve-runtime')) as Record<string, unknown>;
  for (const name of API) {
    assert.equal(typeof cjs[name], 'function', `CJS export ${name}`);
    assert.equal(typeof esm[name], 'function', `ESM export ${name}`);
  }
  assert.equal(require.resolve('evolve-runtime'), join(dist, 'cjs', 'index.cjs'));
});

test('the vendored single file runs a backfill from a folder without node_modules', async (t) => {
  const dir = tempDir(t);
  copyFileSync(join(dist, 'evolve-runtime.js'), join(dir, 'evolve-runtime.js'));
  const runtime = require(join(dir, 'evolve-runtime.js')) as typeof import('../../runtime/src/index.js');
  const db = seedSqlite(join(dir, 'app.db'), 120);
  t.after(() => db.close());
  const summary = await runtime.eachBatch(
    {
      adapter: runtime.betterSqlite3Adapter(db),
      name: 'vendored',
      size: 50,
      fetch: (after: number | undefined, size, tx: Database.Database) => tx.prepare('SELECT * FROM items WHERE id > ? ORDER BY id LIMIT ?').all(after ?? 0, size) as Item[],
      key: (r) => r.id,
      progressLine: false,
    },
    (rows, tx) => void tx.prepare(`UPDATE items SET touched = 1 WHERE id IN (${rows.map((r) => r.id).join(',')})`).run(),
  );
  assert.deepEqual([summary.batches, summary.rows], [3, 120]);
  assert.equal((db.prepare('SELECT count(*) AS n FROM items WHERE touched = 1').get() as { n: number }).n, 120);
});

test('the single-file types type-check a script that uses them', (t) => {
  const dir = tempDir(t);
  copyFileSync(join(dist, 'evolve-runtime.d.ts'), join(dir, 'evolve-runtime.d.ts'));
  const script = join(dir, 'backfill.ts');
  writeFileSync(
    script,
    [
      "import { eachBatch, isConflictError, type Adapter, type EachBatchSummary } from './evolve-runtime';",
      'declare const adapter: Adapter<{ run(sql: string): void }>;',
      "const done: Promise<EachBatchSummary<number>> = eachBatch({ adapter, name: 'x', fetch: async (after: number | undefined) => [{ id: (after ?? 0) + 1 }], key: (r) => r.id }, (rows, tx) => tx.run(`-- ${rows.length}`));",
      'export const checks = [done, isConflictError(new Error())];',
    ].join('\n'),
  );
  // No @types/node: the vendored types must stand on the standard library alone (AbortSignal is in lib.dom).
  const program = ts.createProgram([script], {
    strict: true, noEmit: true, skipDefaultLibCheck: true, types: [], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(diagnostics, []);
});
