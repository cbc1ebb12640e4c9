// "Evolve: New Evolve Script" templates: every library x runner shape lints clean with the Analyzer,
// parses, and type-checks against the real typings; the better-sqlite3 plain script runs on a real
// SQLite file and leaves its checkpoint. Plus library detection and the scripts folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { Analyzer } from '../../server/src/core/analyzer';
import { DEFAULT_INCLUDE, defaultConfig, isEvolveScript, parseConfig } from '../../server/src/core/config';
import { firstSyntaxError, parseSource } from '../../server/src/core/parse';
import { librariesIn, newScript, scriptsFolder, shapesFor, TEMPLATE_LIBRARIES } from '../../server/src/core/templates/new-script';

const REPO = resolve(__dirname, '../..');
const NOW = new Date('2026-03-04T05:06:07.089Z');
// Inside the repository (test/.tmp is ignored) so the real typings and evolve-runtime resolve.
mkdirSync(join(REPO, 'test/.tmp'), { recursive: true });
const WORK = mkdtempSync(join(REPO, 'test/.tmp/templates-'));
after(() => rmSync(WORK, { recursive: true, force: true }));
const config = defaultConfig(WORK);
const analyzer = new Analyzer(config);

const generated = TEMPLATE_LIBRARIES.flatMap((library) =>
  shapesFor(library).map((shape) => {
    const script = newScript({ library, shape, table: 'users', name: 'Backfill display names', now: NOW });
    const folder = shape === 'plain' ? 'scripts' : 'migrations';
    return { library, shape, script, path: join(WORK, folder, library, script.fileName) };
  }),
);

for (const { library, shape, script, path } of generated) {
  test(`${library} ${shape}: an evolve script that parses and lints clean`, () => {
    assert.ok(isEvolveScript(config, path), `${path} is an evolve script under the default include`);
    assert.equal(firstSyntaxError(parseSource(path, script.text)), undefined);
    const findings = analyzer.analyzeFile(path, script.text).findings;
    assert.deepEqual(findings.map((f) => `${f.ruleId}: ${f.message}`), []);
    assert.match(script.text, /await eachBatch\(/);
    assert.match(script.text, /name: 'backfill-display-names'/);
    assert.match(script.text, /retries: 5/);
    assert.match(script.text, /onProgress: /);
    mkdirSync(resolve(path, '..'), { recursive: true });
    writeFileSync(path, script.text);
  });
}

test('file names: plain by name, migrations with their runner\'s timestamp convention', () => {
  const names = Object.fromEntries(generated.map((g) => [`${g.library} ${g.shape}`, g.script.fileName]));
  assert.deepEqual(names, {
    'better-sqlite3 plain': 'backfill-display-names.ts',
    'knex plain': 'backfill-display-names.ts',
    'knex knex-migration': '20260304050607_backfill_display_names.ts',
    'pg plain': 'backfill-display-names.ts',
    'typeorm typeorm-migration': '1772600767089-BackfillDisplayNames.ts',
    'mongodb plain': 'backfill-display-names.ts',
    'mongodb migrate-mongo': '20260304050607-backfill-display-names.ts',
  });
});

test('every generated script type-checks against the real library typings and evolve-runtime', () => {
  writeFileSync(join(WORK, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], experimentalDecorators: true },
    files: generated.map((g) => g.path),
  }));
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(WORK, 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('the better-sqlite3 plain script runs on a real SQLite file: every row visited, checkpoint recorded', async () => {
  const entry = generated.find((g) => g.library === 'better-sqlite3')!;
  writeFileSync(entry.path, entry.script.text);
  const db = new Database(join(WORK, 'app.db'));
  db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)');
  const insert = db.prepare('INSERT INTO users (name) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 1234; i++) insert.run(`user ${i}`);
  })();
  type Run = (db: Database.Database) => Promise<void>;
  const loaded = (await import(entry.path)) as { default: Run | { default: Run } };
  await (typeof loaded.default === 'function' ? loaded.default : loaded.default.default)(db);
  const checkpoint = db.prepare('SELECT * FROM evolve_checkpoints').all() as Record<string, unknown>[];
  assert.equal(checkpoint.length, 1);
  assert.equal(checkpoint[0].name, 'backfill-display-names');
  assert.equal(Number(checkpoint[0].row_count), 1234);
  assert.equal(Number(checkpoint[0].last_key), 1234);
  assert.equal(Number(checkpoint[0].batches), 3);
  db.close();
});

test('libraries come from package.json dependencies; the folder from evolve.config.json include patterns', () => {
  assert.deepEqual(librariesIn({ dependencies: { knex: '^3', express: '^4' }, devDependencies: { 'better-sqlite3': '^12' } }), ['better-sqlite3', 'knex']);
  assert.deepEqual(librariesIn(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'))), [...TEMPLATE_LIBRARIES]);
  assert.deepEqual(librariesIn('not an object'), []);
  assert.equal(scriptsFolder(undefined, 'plain'), 'scripts');
  assert.equal(scriptsFolder(undefined, 'knex-migration'), 'scripts');
  const repoConfig = parseConfig(readFileSync(join(REPO, 'evolve.config.json'), 'utf8'), join(REPO, 'evolve.config.json')).config;
  assert.equal(scriptsFolder(repoConfig.include, 'plain'), 'scripts');
  assert.equal(scriptsFolder(['examples/**/*.ts', 'db/**/*.ts'], 'plain'), 'examples');
  assert.equal(scriptsFolder(DEFAULT_INCLUDE, 'plain'), 'scripts');
  assert.equal(scriptsFolder(DEFAULT_INCLUDE, 'migrate-mongo'), 'migrations');
  assert.equal(scriptsFolder(repoConfig.include, 'knex-migration'), 'migrations');
  assert.equal(scriptsFolder(['db/data/**/*.ts', 'db/migrations/*.ts'], 'typeorm-migration'), 'db/migrations');
});

test('bad input is refused with what to do', () => {
  assert.throws(() => newScript({ library: 'pg', shape: 'plain', table: 'users; DROP TABLE x', name: 'x' }), /not a plain table or collection name/);
  assert.throws(() => newScript({ library: 'pg', shape: 'knex-migration', table: 'users', name: 'x' }), /cannot use pg: pick one of Plain script/);
  assert.throws(() => newScript({ library: 'knex', shape: 'plain', table: 'users', name: ' -- ' }), /Name the script/);
  assert.throws(() => newScript({ library: 'sqlite3' as 'pg', shape: 'plain', table: 'users', name: 'x' }), /No template for "sqlite3": use one of better-sqlite3, knex/);
});
