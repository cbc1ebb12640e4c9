// "Add evolve-runtime to this project", called directly: package manager detection from the lock
// file, a registry that cannot be reached, and the vendoring path in a temporary project that cannot
// resolve evolve-runtime: the rewritten script type-checks there and runs against a real SQLite file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import {
  findProject,
  installArgs,
  reachabilityArgs,
  resolvesRuntime,
  runManager,
  vendoredSpecifier,
  vendorRuntime,
  withRuntimeImport,
} from '../../server/src/authoring/runtime-setup';
import { Analyzer } from '../../server/src/core/analyzer';
import { defaultConfig } from '../../server/src/core/config';
import { REWRITE_TITLE } from '../../server/src/core/fixes/batching/rewrite';
import { applyFix } from '../rules/rule-tester';

const REPO = resolve(__dirname, '../..');
const DIST = join(REPO, 'dist');

/** A fresh folder outside this repository, so nothing resolves through the repo's node_modules. */
function tempDir(name: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), `evolve-${name}-`)));
}

function write(path: string, text: string): void {
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

test('the package manager comes from the lock file (npm, pnpm, yarn), the nearest package.json is the project', () => {
  for (const [lock, manager] of [['package-lock.json', 'npm'], ['pnpm-lock.yaml', 'pnpm'], ['yarn.lock', 'yarn']] as const) {
    const root = tempDir('pm');
    write(join(root, 'package.json'), '{}');
    write(join(root, lock), '');
    mkdirSync(join(root, 'scripts'));
    assert.deepEqual(findProject(join(root, 'scripts'), root), { dir: root, manager, lockFile: join(root, lock) });
  }
  // A monorepo: the package's own package.json, the lock file at the workspace root.
  const mono = tempDir('mono');
  write(join(mono, 'yarn.lock'), '');
  write(join(mono, 'package.json'), '{}');
  write(join(mono, 'packages/api/package.json'), '{}');
  mkdirSync(join(mono, 'packages/api/migrations'));
  assert.deepEqual(findProject(join(mono, 'packages/api/migrations'), mono), { dir: join(mono, 'packages/api'), manager: 'yarn', lockFile: join(mono, 'yarn.lock') });
  // No lock file: npm; no package.json in the workspace: no project to install into.
  const bare = tempDir('bare');
  write(join(bare, 'package.json'), '{}');
  assert.deepEqual(findProject(bare, bare), { dir: bare, manager: 'npm' });
  assert.equal(findProject(tempDir('empty'), tempDir('other')), undefined);
  assert.deepEqual(installArgs('npm'), ['install', 'evolve-runtime']);
  assert.deepEqual(installArgs('pnpm'), ['add', 'evolve-runtime']);
  assert.deepEqual(reachabilityArgs('yarn'), ['info', 'evolve-runtime', 'version']);
});

test('a registry that cannot be reached makes the reachability check fail (real npm child process)', async () => {
  const dir = tempDir('offline');
  write(join(dir, 'package.json'), '{"name":"offline"}');
  const env = { ...process.env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0', npm_config_offline: 'false' };
  const result = await runManager('npm', reachabilityArgs('npm'), dir, 60_000, env);
  assert.equal(result.ok, false, result.output);
  const missing = await runManager('pnpm-not-installed' as 'pnpm', ['--version'], dir, 10_000);
  assert.equal(missing.ok, false);
  assert.match(missing.output, /could not be started/);
});

const SCRIPT = `import type Database from 'better-sqlite3';

export default async function run(db: Database.Database): Promise<void> {
  const users = db.prepare('SELECT id, email FROM users').all() as { id: number; email: string }[];
  for (const u of users) {
    db.prepare('UPDATE users SET email = ? WHERE id = ?').run(u.email.toLowerCase(), u.id);
  }
}
`;

test('vendoring: the rewrite imports the copy, type-checks in a project without evolve-runtime, and runs on SQLite', async () => {
  const project = tempDir('vendor');
  write(join(project, 'package.json'), '{"name":"vendor-test","private":true}');
  // Only the typings and the driver the script uses: evolve-runtime is deliberately absent.
  for (const pkg of ['@types/better-sqlite3', '@types/node', 'better-sqlite3']) {
    mkdirSync(join(project, 'node_modules', pkg, '..'), { recursive: true });
    symlinkSync(join(REPO, 'node_modules', pkg), join(project, 'node_modules', pkg), 'dir');
  }
  const scriptPath = join(project, 'scripts/lowercase-emails.ts');
  write(scriptPath, SCRIPT);
  assert.equal(resolvesRuntime(join(project, 'scripts')), false, 'evolve-runtime must not resolve in the temp project');

  const finding = new Analyzer(defaultConfig(project)).analyzeFile(scriptPath, SCRIPT).findings.find((f) => f.ruleId === 'unbatched-loop');
  const rewrite = finding?.suggestions.find((s) => s.title.startsWith(REWRITE_TITLE));
  assert.ok(rewrite, 'the batching rewrite is offered');

  const vendor = join(project, 'lib/evolve-runtime');
  assert.deepEqual(vendorRuntime(DIST, vendor), [join(vendor, 'evolve-runtime.js'), join(vendor, 'evolve-runtime.d.ts')]);
  const specifier = vendoredSpecifier(join(project, 'scripts'), vendor);
  assert.equal(specifier, '../lib/evolve-runtime/evolve-runtime.js');
  const output = applyFix(SCRIPT, withRuntimeImport(rewrite, specifier));
  assert.match(output, /^import \{ eachBatch, betterSqlite3Adapter \} from '\.\.\/lib\/evolve-runtime\/evolve-runtime\.js';$/m);
  assert.doesNotMatch(output, /'evolve-runtime'/);
  writeFileSync(scriptPath, output);

  write(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] },
    files: ['scripts/lowercase-emails.ts'],
  }));
  const tsc = require.resolve('typescript/bin/tsc');
  const checked = spawnSync(process.execPath, [tsc, '-p', join(project, 'tsconfig.json'), '--traceResolution'], { encoding: 'utf8' });
  assert.equal(checked.status, 0, checked.stdout.split('\n').filter((l) => l.includes('error')).join('\n') + checked.stderr);
  assert.match(checked.stdout, /'\.\.\/lib\/evolve-runtime\/evolve-runtime\.js' was successfully resolved to '[^']*\/lib\/evolve-runtime\/evolve-runtime\.d\.ts'/);
  assert.doesNotMatch(checked.stdout, /Module name 'evolve-runtime'/, 'nothing imports the package by name');

  const dbFile = join(project, 'app.db');
  const db = new Database(dbFile);
  db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)');
  const insert = db.prepare('INSERT INTO users (email) VALUES (?)');
  for (let i = 1; i <= 1203; i++) insert.run(`User${i}@Example.COM`);
  // The script is CommonJS under NodeNext (no "type": "module"): its default export sits on module.exports.default.
  type Run = (db: Database.Database) => Promise<void>;
  const loaded = (await import(scriptPath)) as { default: Run | { default: Run } };
  await (typeof loaded.default === 'function' ? loaded.default : loaded.default.default)(db);
  const rows = db.prepare('SELECT COUNT(*) AS n FROM users WHERE email = lower(email)').get() as { n: number };
  assert.equal(rows.n, 1203);
  db.close();
  assert.equal(readFileSync(join(vendor, 'evolve-runtime.d.ts'), 'utf8'), readFileSync(join(DIST, 'evolve-runtime.d.ts'), 'utf8'));
});
