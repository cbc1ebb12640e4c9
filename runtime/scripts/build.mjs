// Builds evolve-runtime: ESM and CJS bundles with .d.ts types for the npm package, and one
// self-contained file (dist/evolve-runtime.js + .d.ts) that the editor vendors into projects that
// cannot install packages. Run alone (`node runtime/scripts/build.mjs`) or from the root build.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runtimeDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(runtimeDir, 'dist');
const { version } = JSON.parse(readFileSync(join(runtimeDir, 'package.json'), 'utf8'));
const banner = `/* evolve-runtime ${version} (MIT). Vendored single-file build: keyset batches with a commit per batch,
 * retry on conflict, checkpoints, throttle, cancellation, progress. No dependencies; database drivers
 * are used through the objects you pass in. Docs: https://www.npmjs.com/package/evolve-runtime */`;

/** Joins the per-file declarations into one file, dropping the imports/re-exports between them. */
function singleFileTypes() {
  const typesDir = join(dist, 'types');
  const files = ['progress-events', 'types', 'retry', 'throttle', 'progress', 'batch-error', 'checkpoint-sql', 'checkpoint-mongo', 'each-batch',
    ...['better-sqlite3', 'pg', 'pglite', 'knex', 'kysely', 'prisma', 'typeorm', 'sequelize', 'mongodb', 'mongoose'].map((a) => `adapters/${a}`)];
  const local = /^(import|export)\b[^;]*\bfrom '\.\.?\/[^']*';$|^export \{\};$/;
  const body = files.map((f) => {
    const text = readFileSync(join(typesDir, `${f}.d.ts`), 'utf8');
    return `// ${f}.ts\n${text.split('\n').filter((line) => !local.test(line.trim())).join('\n').trim()}\n`;
  });
  writeFileSync(join(dist, 'evolve-runtime.d.ts'), `${banner}\n\n${body.join('\n')}`);
}

// dist is overwritten in place, never emptied first: tests and benches of other sessions may be
// importing it while a build runs.
export async function buildRuntime() {
  const common = { entryPoints: [join(runtimeDir, 'src/index.ts')], bundle: true, platform: 'node', target: 'node18', logLevel: 'warning' };
  await Promise.all([
    build({ ...common, format: 'esm', outfile: join(dist, 'esm/index.mjs') }),
    build({ ...common, format: 'cjs', outfile: join(dist, 'cjs/index.cjs') }),
    build({ ...common, format: 'cjs', outfile: join(dist, 'evolve-runtime.js'), banner: { js: banner } }),
  ]);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(runtimeDir, 'tsconfig.build.json')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`evolve-runtime: declaration build failed (tsc -p runtime/tsconfig.build.json):\n${result.stdout}${result.stderr}`);
  singleFileTypes();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildRuntime();
