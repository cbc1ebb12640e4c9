// The parent side without a database: the --snapshot rule, the refusal to rehearse on the source,
// the sweep of folders left by crashed runs, and a child that stops when its parent dies.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import test from 'node:test';
import { defaultConfig } from '../../server/src/core/config';
import { assertNotSource } from '../../server/src/rehearsal/child/snapshot';
import { parseChildEvent, redactSource } from '../../server/src/rehearsal/protocol';
import { RehearsalConfigError, resolveSnapshot } from '../../server/src/rehearsal/snapshot-source';
import { createWorkDir, markKept, sweepLeftovers } from '../../server/src/rehearsal/workdir';
import { findEvolveRoot } from '../../server/src/rehearsal/engine';
import { rehearse, seedSqlite, workspace } from './helpers';

test('--snapshot: a config name, then a URL, then a path; the engine from the source', (t) => {
  const ws = workspace(t);
  const sqlite = seedSqlite(join(ws.dir, 'app.db'), 1);
  mkdirSync(join(ws.dir, 'pgdata'));
  writeFileSync(join(ws.dir, 'pg.tgz'), 'not checked here');
  const config = { ...defaultConfig(ws.dir), file: join(ws.dir, 'evolve.config.json'), snapshots: { staging: { source: './app.db' }, 'app.db': { source: 'pgdata' } } };

  assert.deepEqual(resolveSnapshot('staging', undefined, config, ws.dir), { engine: 'sqlite', source: sqlite, label: `staging (${sqlite})` });
  assert.equal(resolveSnapshot('app.db', undefined, config, ws.dir).engine, 'pglite', 'a config name wins over a file of the same name');
  assert.equal(resolveSnapshot('./app.db', undefined, config, ws.dir).engine, 'sqlite');
  assert.equal(resolveSnapshot(`file://${sqlite}`, undefined, config, ws.dir).source, sqlite);
  assert.equal(resolveSnapshot('pg.tgz', undefined, config, ws.dir).engine, 'pglite');
  assert.deepEqual(resolveSnapshot('postgres://admin:hunter2@db.internal/app', undefined, config, ws.dir), {
    engine: 'postgres',
    source: 'postgres://admin:hunter2@db.internal/app',
    label: 'postgres://admin:***@db.internal/app',
  });
  assert.throws(() => resolveSnapshot('postgres://admin:hunter2@db.internal', undefined, config, ws.dir), (e: Error) => {
    assert.ok(e instanceof RehearsalConfigError);
    assert.match(e.message, /admin:\*\*\*@db\.internal.*names no database/);
    assert.doesNotMatch(e.message, /hunter2/);
    return true;
  });
  assert.throws(() => resolveSnapshot('postgres://db.internal/app', 'sqlite', config, ws.dir), /use --engine postgres/);
  const nightly = { ...config, snapshots: { nightly: { engine: 'postgres' as const, source: 'postgres://r:pw@db.internal/app', target: 'postgres://ci@scratch.internal/postgres' } } };
  assert.deepEqual(resolveSnapshot(undefined, undefined, nightly, ws.dir), {
    engine: 'postgres',
    source: 'postgres://r:pw@db.internal/app',
    target: 'postgres://ci@scratch.internal/postgres',
    label: 'nightly (postgres://r:***@db.internal/app)',
  });
  nightly.snapshots.nightly.target = 'scratch.internal';
  assert.throws(() => resolveSnapshot('nightly', undefined, nightly, ws.dir), /target of .* must be a postgres:\/\/ URL/);
  assert.throws(() => resolveSnapshot('prod', undefined, config, ws.dir), /No snapshot named "prod".*names: staging, app\.db/);
  assert.throws(() => resolveSnapshot(undefined, undefined, config, ws.dir), /Several snapshots are configured \(staging, app\.db\)/);
  assert.throws(() => resolveSnapshot(undefined, undefined, defaultConfig(ws.dir), ws.dir), /pass --snapshot/);
  assert.throws(() => resolveSnapshot('pg.tgz', 'postgres', config, ws.dir), /must be a postgres:\/\/ URL/);
});

test('the engine refuses a snapshot that would be the source itself', (t) => {
  const ws = workspace(t);
  const source = seedSqlite(join(ws.dir, 'app.db'), 1);
  assert.throws(() => assertNotSource(source, join(ws.dir, '.', 'app.db')), /Refusing to rehearse/);
  spawnSync('ln', ['-s', source, join(ws.dir, 'link.db')]);
  assert.throws(() => assertNotSource(source, join(ws.dir, 'link.db')), /would be the source database itself/);
  assert.doesNotThrow(() => assertNotSource(source, join(ws.dir, 'copy.db')));
});

test('work folders are private; the sweep removes those of dead runs only', (t) => {
  const ws = workspace(t);
  const dead = createWorkDir(ws.tempRoot);
  const alive = createWorkDir(ws.tempRoot);
  const kept = createWorkDir(ws.tempRoot);
  markKept(kept);
  assert.equal(statSync(alive).mode & 0o777, 0o700);
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(join(dead, 'owner.json'), JSON.stringify({ pid: Number(gone.stdout), keep: false, createdAt: '' }));
  assert.deepEqual(sweepLeftovers(ws.tempRoot), [dead]);
  assert.deepEqual([existsSync(dead), existsSync(alive), existsSync(kept)], [false, true, true]);
});

test('protocol: malformed lines are rejected; credentials are redacted', () => {
  assert.equal(parseChildEvent('not json'), null);
  assert.equal(parseChildEvent('{"type":"finished"}'), null);
  assert.equal(parseChildEvent('[1,2]'), null);
  assert.equal(parseChildEvent('{"type":"unknown"}'), null);
  assert.deepEqual(parseChildEvent('{"type":"log","stream":"stdout","line":"hi"}'), { type: 'log', stream: 'stdout', line: 'hi' });
  assert.equal(redactSource('postgres://u:secret@h:5432/db?password=x'), 'postgres://u:***@h:5432/db?password=***');
  assert.equal(redactSource('/data/app.db'), '/data/app.db');
});

test('when the parent dies, the child stops and removes its snapshot', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 5);
  ws.write('hangs.ts', 'export default async function () {\n  await new Promise(() => setInterval(() => {}, 1000));\n}\n');
  const root = findEvolveRoot();
  const parentCode = `
    const { startRehearsal } = require(${JSON.stringify(join(root, 'server/src/rehearsal/engine.ts'))});
    const run = startRehearsal({ script: 'hangs.ts', workspace: ${JSON.stringify(ws.dir)}, snapshot: 'app.db', tempRoot: ${JSON.stringify(ws.tempRoot)} }, (e) => {
      if (e.type === 'snapshot-ready') console.log(JSON.stringify({ pid: run.child.pid, path: e.path }));
    });`;
  const parent = spawn(process.execPath, ['--import', 'tsx', '-e', parentCode], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: parent.stdout }), 'line')) as [string];
  const { pid, path } = JSON.parse(line) as { pid: number; path: string };
  assert.ok(existsSync(path));
  parent.kill('SIGKILL');
  await once(parent, 'exit');
  // The child is not ours to wait on: watch its pid until it is gone.
  const deadline = Date.now() + 20_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  assert.equal(isAlive(pid), false, 'the child exited');
  assert.equal(existsSync(path), false, 'and removed its snapshot');
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a Node older than 20 is refused with a message that says which one and what to do', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 1);
  ws.write('noop.js', 'module.exports = async () => {};\n');
  // A real Node that reports version 18, started through a wrapper as evolve.nodePath would be.
  const pretend = ws.write('pretend-18.cjs', "Object.defineProperty(process.versions, 'node', { value: '18.19.0' });\n");
  const wrapper = ws.write('old-node', `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} --require ${JSON.stringify(pretend)} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const rehearsal = rehearse(ws, { script: 'noop.js', snapshot: 'app.db', nodePath: wrapper });
  const r = await rehearsal.report;
  assert.equal(r.status, 'failed');
  assert.match(r.error?.message ?? '', /v18\.19\.0\) is too old: Evolve needs Node 20 or newer.*evolve\.nodePath/);
  assert.equal(rehearsal.events.some((e) => e.type === 'snapshot-ready'), false);
  assert.deepEqual(readdirSync(ws.tempRoot), []);
});

test('the parent side (engine and CLI) bundles without any database driver', async () => {
  const root = findEvolveRoot();
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(root, 'server/src/rehearsal/cli-rehearse.ts')],
    bundle: true,
    platform: 'node',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const drivers = Object.keys(result.metafile.inputs).filter((f) => /node_modules\/(better-sqlite3|pg|pg-native|@electric-sql|knex|typeorm)\//.test(f));
  assert.deepEqual(drivers, []);
  const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
  assert.equal(imports.some((p) => /better-sqlite3|^pg$|pglite/.test(p)), false);
});
