// dist/cli.js starts the CLI bundle through V8's code cache (server/src/code-cache.ts), in the main
// thread and in lint's worker threads: the main thread writes the cache once, every thread reads
// it, and a damaged cache only costs a plain compile.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';

const cli = join(__dirname, '..', 'bin', 'evolve.js');
const bad = `exports.up = async function (knex) {\n  const users = await knex('users');\n  for (const u of users) {\n    await knex('users').where({ id: u.id }).update({ name: u.name.trim() });\n  }\n};\nexports.config = { transaction: false };\n`;

test('the CLI writes its code cache once and its worker threads read it; a damaged one changes nothing', (t) => {
  const temp = mkdtempSync(join(tmpdir(), 'evolve-cli-cache-test-'));
  t.after(() => rmSync(temp, { recursive: true, force: true }));
  const project = join(temp, 'project');
  mkdirSync(join(project, 'migrations'), { recursive: true });
  // Enough files for a worker thread (40 per worker).
  for (let i = 0; i < 45; i++) writeFileSync(join(project, 'migrations', `${String(i).padStart(2, '0')}.js`), i % 3 ? `exports.up = (knex) => knex('t').update({ n: ${i} });\n` : bad);
  const lint = () => {
    const r = spawnSync(process.execPath, [cli, 'lint', '.', '--format', 'json', '--threads', '2'], { cwd: project, encoding: 'utf8', env: { ...process.env, TMPDIR: temp } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };

  const first = lint();
  assert.equal(JSON.parse(first).length, 45);
  const folder = readdirSync(temp).find((f) => f.startsWith('evolve-code-cache-'));
  assert.ok(folder, 'the first run saved a cache');
  const dir = join(temp, folder);
  assert.equal(statSync(dir).mode & 0o777, 0o700, 'the cache folder is private');
  const files = readdirSync(dir);
  assert.equal(files.length, 1, `one cache file, no leftover partial writes: ${files.join(', ')}`);
  assert.match(files[0], /^cli-main-[0-9a-f]{40}\.bin$/);
  const cache = join(dir, files[0]);
  const saved = readFileSync(cache);

  assert.equal(lint(), first, 'same output when started from the cache');
  assert.ok(readFileSync(cache).equals(saved), 'an accepted cache is not rewritten, by the main thread or a worker');

  const damaged = Buffer.alloc(saved.length, 7);
  writeFileSync(cache, damaged);
  // Caches of four other builds, used an hour to four hours ago: saving a new cache keeps the three most recently used.
  const others = [1, 2, 3, 4].map((hours) => {
    const other = join(dir, `cli-main-${String(hours).repeat(40)}.bin`);
    writeFileSync(other, 'other build');
    const usedAt = new Date(Date.now() - hours * 3600 * 1000);
    utimesSync(other, usedAt, usedAt);
    return basename(other);
  });
  assert.equal(lint(), first, 'same output with a damaged cache');
  assert.ok(!readFileSync(cache).equals(damaged), 'the damaged cache was replaced');
  assert.deepEqual(readdirSync(dir).sort(), [basename(cache), ...others.slice(0, 3)].sort(), 'the least recently used other build is removed');
});
