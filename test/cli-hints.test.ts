// Hints from `evolve lint` as a user runs it (the built CLI in a child process): left out of JSON and
// SARIF unless --include-hints, then severity 1 with "hint": true, and never counted toward --max-warnings.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const cli = join(__dirname, '..', 'bin', 'evolve.js');
// One transaction per page and no retry: only the `no-conflict-retry` hint fires (shared with the LSP tests).
const hintOnly = readFileSync(join(__dirname, 'lsp', 'fixtures', 'new-rules', 'scripts', 'retry-pages.js'), 'utf8');

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-cli-hints-'));
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  writeFileSync(join(dir, 'scripts', 'links.js'), hintOnly);
  return dir;
}

function lint(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [cli, 'lint', ...args], { cwd, encoding: 'utf8' });
}

test('json leaves hints out by default and includes them as severity 1 with "hint": true on request', () => {
  const dir = project();
  const plain = lint(dir, '.', '--format', 'json');
  assert.equal(plain.status, 0, plain.stderr);
  const [file] = JSON.parse(plain.stdout);
  assert.deepEqual(file.messages, []);
  assert.equal(file.warningCount, 0);

  const withHints = lint(dir, '.', '--format', 'json', '--include-hints');
  assert.equal(withHints.status, 0, withHints.stderr);
  const [hinted] = JSON.parse(withHints.stdout);
  assert.deepEqual(
    hinted.messages.map((m: { ruleId: string; severity: number; hint?: boolean; line: number }) => [m.ruleId, m.severity, m.hint, m.line]),
    [['no-conflict-retry', 1, true, 7]],
  );
  assert.equal(hinted.warningCount, 0, 'a hint is not a warning');
});

test('hints never count toward --max-warnings', () => {
  const dir = project();
  assert.equal(lint(dir, '.', '--max-warnings', '0', '--include-hints', '--format', 'json').status, 0);
  assert.equal(lint(dir, '.', '--max-warnings', '0').status, 0);
  // The same finding raised to a warning in the config does count.
  writeFileSync(join(dir, 'evolve.config.json'), '{ "rules": { "no-conflict-retry": "warning" } }');
  const raised = lint(dir, '.', '--max-warnings', '0');
  assert.equal(raised.status, 1);
  assert.match(raised.stderr, /1 warnings exceed --max-warnings 0/);
});

test('sarif leaves hints out by default and reports them as notes on request', () => {
  const dir = project();
  const plain = JSON.parse(lint(dir, '.', '--format', 'sarif').stdout);
  assert.deepEqual(plain.runs[0].results, []);
  const hinted = JSON.parse(lint(dir, '.', '--format', 'sarif', '--include-hints').stdout);
  assert.deepEqual(
    hinted.runs[0].results.map((r: { ruleId: string; level: string }) => [r.ruleId, r.level]),
    [['no-conflict-retry', 'note']],
  );
});
