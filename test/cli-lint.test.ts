// `evolve lint` as a user runs it: the built CLI in a child process, on files in a temp folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const cli = join(__dirname, '..', 'bin', 'evolve.js');
const bad = `exports.up = async function (knex) {\n  const users = await knex('users');\n  for (const u of users) {\n    await knex('users').where({ id: u.id }).update({ name: u.name.trim() });\n  }\n};\nexports.config = { transaction: false };\n`;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-cli-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function lint(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [cli, 'lint', ...args], { cwd, encoding: 'utf8' });
}

test('json output has ESLint shape, line of the loop, exit 0 for warnings', () => {
  const dir = project({ 'migrations/001_names.js': bad, 'migrations/002_ok.js': 'exports.up = async (knex) => knex("a").update({ b: 1 });\n', 'src/app.js': bad });
  const r = lint(dir, '.', '--format', 'json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.length, 2, 'only files matching the default patterns');
  const file = out.find((f: { filePath: string }) => f.filePath.endsWith('001_names.js'));
  assert.equal(file.warningCount, 1);
  assert.deepEqual(Object.keys(file.messages[0]).slice(0, 7), ['ruleId', 'severity', 'message', 'line', 'column', 'endLine', 'endColumn']);
  assert.equal(file.messages[0].ruleId, 'unbatched-loop');
  assert.equal(file.messages[0].line, 3);
  assert.equal(file.messages[0].severity, 1);
});

test('--max-warnings and error severity set exit 1; files named explicitly are always analysed', () => {
  const dir = project({ 'src/app.js': bad });
  assert.equal(lint(dir, 'src/app.js', '--max-warnings', '0').status, 1);
  const dir2 = project({ 'migrations/a.js': bad, 'evolve.config.json': '{ "rules": { "unbatched-loop": "error" } }' });
  const r = lint(dir2, 'migrations', '--format', 'json');
  assert.equal(r.status, 1);
  assert.equal(JSON.parse(r.stdout)[0].errorCount, 1);
});

test('a file that cannot be parsed gets one fatal message and the run goes on', () => {
  const dir = project({ 'migrations/broken.js': 'exports.up = async function (knex) {\n  for (const u of \n', 'migrations/a.js': bad });
  const r = lint(dir, 'migrations', '--format', 'json');
  assert.equal(r.status, 1);
  const out = JSON.parse(r.stdout);
  const broken = out.find((f: { filePath: string }) => f.filePath.endsWith('broken.js'));
  assert.equal(broken.messages[0].fatal, true);
  assert.match(broken.messages[0].message, /Parsing error/);
  assert.equal(out.find((f: { filePath: string }) => f.filePath.endsWith('a.js')).warningCount, 1);
});

test('invalid config and bad usage exit 2 with the file, line and problem', () => {
  const dir = project({ 'migrations/a.js': bad, 'evolve.config.json': '{\n  "rules": { "unbatched-loop": "loud" }\n}\n' });
  const r = lint(dir, '.');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /evolve\.config\.json:2:\d+: Severity of "unbatched-loop" must be one of/);
  assert.equal(lint(dir, '--format', 'xml').status, 2);
  assert.equal(lint(dir, 'no-such-folder').status, 2);
});

test('sarif output is SARIF 2.1.0 with rule metadata and locations', () => {
  const dir = project({ 'migrations/a.js': bad });
  const r = lint(dir, '.', '--format', 'sarif');
  const sarif = JSON.parse(r.stdout);
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  assert.ok(run.tool.driver.rules.some((x: { id: string; helpUri: string }) => x.id === 'unbatched-loop' && x.helpUri.endsWith('unbatched-loop.md')));
  assert.equal(run.results[0].locations[0].physicalLocation.region.startLine, 3);
  assert.equal(run.results[0].locations[0].physicalLocation.artifactLocation.uri, 'migrations/a.js');
});

test('stylish output names the file, the position and the rule', () => {
  const dir = project({ 'migrations/a.js': bad });
  const r = lint(dir);
  assert.match(r.stdout, /migrations\/a\.js/);
  assert.match(r.stdout, /3:3\s+warning\s+Unbatched loop/);
  assert.match(r.stdout, /1 problem \(0 errors, 1 warning\)/);
});

test('--threads: worker threads give the same output, in the same order, as one thread', () => {
  const files: Record<string, string> = {};
  // Enough files for a worker to be started (40 per worker), some with findings, one unparsable.
  for (let i = 0; i < 100; i++) {
    const name = `migrations/${String(i).padStart(3, '0')}_step.js`;
    files[name] = i % 3 === 0 ? bad : i === 50 ? 'exports.up = async (knex) => { for (const x of ;\n' : `exports.up = async (knex) => knex('t${i}').update({ b: ${i} });\n`;
  }
  const dir = project(files);
  const one = lint(dir, '.', '--format', 'json', '--threads', '1');
  const two = lint(dir, '.', '--format', 'json', '--threads', '2');
  assert.equal(one.status, 1, one.stderr);
  assert.equal(two.status, 1, two.stderr);
  const parsed = JSON.parse(two.stdout) as { filePath: string; messages: unknown[] }[];
  assert.equal(parsed.length, 100);
  assert.equal(parsed.reduce((n, f) => n + f.messages.length, 0), 35, '34 unbatched loops and one parsing error');
  assert.equal(two.stdout, one.stdout);
  for (const format of ['stylish', 'sarif']) assert.equal(lint(dir, '.', '--format', format, '--threads', '3').stdout, lint(dir, '.', '--format', format, '--threads', '1').stdout, format);
  const usage = lint(dir, '.', '--threads', '0');
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--threads needs a whole number of at least 1/);
});
