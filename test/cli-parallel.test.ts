// `evolve lint`'s worker threads (server/src/cli/parallel.ts) with the built worker script: the
// results the workers send back are the ones a single thread computes, in the files' order, and a
// worker that fails or leaves files unanalysed fails the run instead of dropping files.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeFiles, defaultThreads } from '../server/src/cli/parallel';
import { loadConfig } from '../server/src/core/config-file';

const workerScript = join(__dirname, '..', 'dist', 'cli.js');
const bad = `exports.up = async function (knex) {\\n  const users = await knex('users');\\n  for (const u of users) {\\n    await knex('users').where({ id: u.id }).update({ name: u.name.trim() });\\n  }\\n};\\nexports.config = { transaction: false };\\n`;

function project(count: number): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-parallel-'));
  mkdirSync(join(dir, 'migrations'));
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = join(dir, 'migrations', `${String(i).padStart(3, '0')}_step.js`);
    writeFileSync(file, i % 4 === 0 ? bad : i === 61 ? 'exports.up = async (knex) => { for (const x of ;\\n' : `exports.up = async (knex) => knex('t${i}').update({ b: ${i} });\\n`);
    files.push(file);
  }
  return { dir, files };
}

test('worker threads alone give the results of one thread, in the same order', async () => {
  assert.ok(existsSync(workerScript), `${workerScript} is missing: run \`npm run build\` first (npm test does it)`);
  const { dir, files } = project(120);
  const config = loadConfig(dir);
  const one = await analyzeFiles(files, config, { threads: 1, init: { cwd: dir } });
  // The main thread analyses nothing here, so every result comes from one of the two workers.
  const workers = await analyzeFiles(files, config, { threads: 3, workerScript, init: { cwd: dir }, mainThreadAnalyses: false });
  assert.deepEqual(workers, one);
  assert.equal(one.filter((r) => r.findings.length > 0).length, 30);
  assert.match(one[61].fatal?.message ?? '', /Parsing error/);
  assert.deepEqual(Object.keys(one[0].findings[0]).sort(), ['message', 'messageId', 'range', 'ruleId', 'severity'], 'only what the formatters read');
});

test('a worker that fails, or ends without analysing its files, fails the run', async () => {
  const { dir, files } = project(80);
  const config = loadConfig(dir);
  const crashing = join(dir, 'crash.js');
  writeFileSync(crashing, 'throw new Error("boom");\n');
  await assert.rejects(analyzeFiles(files, config, { threads: 2, workerScript: crashing, init: { cwd: dir } }), /a lint worker thread failed: boom/);
  const idle = join(dir, 'idle.js');
  writeFileSync(idle, '');
  await assert.rejects(analyzeFiles(files, config, { threads: 2, workerScript: idle, init: { cwd: dir }, mainThreadAnalyses: false }), /no lint thread analysed .*000_step\.js/);
});

test('the default leaves one CPU to V8 and uses at most four threads', () => {
  assert.deepEqual([1, 2, 3, 4, 8, 64].map((cpus) => defaultThreads(cpus)), [1, 1, 2, 3, 4, 4]);
});
