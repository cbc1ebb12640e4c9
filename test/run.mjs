// Runs every test file under test/ (except the editor end-to-end suites) with Node's test runner,
// and ends with one line "N passed, N failed, N skipped" that .ci/run adds up across suites.
// Usage: node test/run.mjs [substring ...]   (only files whose path contains one of the substrings)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name === 'node_modules' || name === 'fixtures' || name === 'e2e') continue;
      out.push(...findTests(path));
    } else if (name.endsWith('.test.ts')) {
      out.push(path);
    }
  }
  return out;
}

const files = findTests(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('No test files matched', filters.join(' '));
  process.exit(1);
}

const tapFile = join(mkdtempSync(join(tmpdir(), 'evolve-test-')), 'results.tap');
const args = [
  '--import', 'tsx',
  '--test',
  '--test-concurrency=2',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
  ...files,
];
const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
child.on('exit', (code, signal) => {
  let tap = '';
  try { tap = readFileSync(tapFile, 'utf8'); } catch { /* the runner died before writing */ }
  const count = (key) => Number((tap.match(new RegExp(`^# ${key} (\\d+)$`, 'm')) || [])[1] || 0);
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  const skipped = count('skipped') + count('todo');
  const broken = code !== 0 && failed === 0;
  console.log(`\n${passed} passed, ${failed + (broken ? 1 : 0)} failed, ${skipped} skipped`);
  process.exit(code ?? (signal ? 1 : 0));
});
