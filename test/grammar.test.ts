// The grammars in syntaxes/, loaded the way VS Code loads them (contributes.grammars in package.json,
// injected into copies of VS Code's own TypeScript/JavaScript/TSX/JSX/SQL grammars), checked by
// vscode-tmgrammar-test against the `^ scope` assertions in test/grammar/fixtures (format:
// https://github.com/PanAeon/vscode-tmgrammar-test#unit-tests).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { parseGrammarTestCase, runGrammarTestCase } from 'vscode-tmgrammar-test/dist/unit/index';
import { GENERATED_GRAMMARS, grammarJson } from '../scripts/grammars/write';
import { createRegistry } from '../scripts/highlight-code';
import { checkHostStateIsRestored } from './grammar-host-state';

const root = join(__dirname, '..');
const manifest = join(root, 'package.json');
const fixturesDir = join(__dirname, 'grammar', 'fixtures');
const baseGrammars = ['typescript', 'javascript', 'tsx', 'jsx', 'sql'].map((name) =>
  join(__dirname, 'grammar', 'base', `${name}.tmLanguage.json`),
);
const grammarTestCli = join(dirname(require.resolve('vscode-tmgrammar-test/package.json')), 'dist', 'unit.js');
const hosts = ['source.ts', 'source.js', 'source.tsx', 'source.js.jsx'];

interface FileResult {
  passed: boolean;
  report: string;
}

/** Runs vscode-tmgrammar-test once on `files`; returns its exit code and each file's verdict and report, by absolute path. */
function runGrammarTests(files: string[]) {
  const args = [grammarTestCli, '--config', manifest, ...baseGrammars.flatMap((g) => ['-g', g]), ...files];
  // Plain output whatever the environment says (its reporter colours with chalk when asked to).
  const env = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
  const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env });
  const results = new Map<string, FileResult>();
  let current: FileResult | undefined;
  for (const line of run.stdout.replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
    const verdict = /^(✓|✖) (.+?) (run successfuly\.|failed)$/.exec(line);
    if (verdict) {
      current = { passed: verdict[1] === '✓', report: '' };
      results.set(resolve(root, verdict[2]), current);
    } else if (current) {
      current.report += line + '\n';
    }
  }
  return { status: run.status, output: run.stdout + run.stderr, results };
}

const fixtures = readdirSync(fixturesDir).sort().map((name) => relative(root, join(fixturesDir, name)));
/** VS Code's tokenizer with the contributed grammars, compiled once for the tests below (and test/grammar-host-state.ts). */
const injectedRegistry = createRegistry();

test('every grammar fixture passes its scope assertions', async (t) => {
  assert.ok(fixtures.length >= 5, `expected the grammar fixtures in ${fixturesDir}`);
  const run = runGrammarTests(fixtures);
  for (const fixture of fixtures) {
    await t.test(fixture, () => {
      const result = run.results.get(resolve(root, fixture));
      assert.ok(result, `vscode-tmgrammar-test reported nothing for ${fixture}:\n${run.output}`);
      assert.ok(result.passed, `${fixture} has failing assertions (expected scopes, then the actual ones):\n${result.report}`);
    });
  }
  assert.equal(run.status, 0, `vscode-tmgrammar-test exited with ${run.status}:\n${run.output}`);
});

test('the fixtures pass on the current vscode-textmate too (the one VS Code runs; the CLI bundles an older one)', async (t) => {
  // runGrammarTestCase only calls registry.loadGrammar(scope) and grammar.tokenizeLine(line, state),
  // which vscode-textmate 9 has with the same meaning as the CLI's 7.
  const registry = (await injectedRegistry) as unknown as Parameters<typeof runGrammarTestCase>[0];
  for (const fixture of fixtures) {
    await t.test(fixture, async () => {
      const failures = await runGrammarTestCase(registry, parseGrammarTestCase(readFileSync(join(root, fixture), 'utf8')));
      const described = failures.map((f) => `line ${f.line + 1}, columns ${f.start}-${f.end}: missing ${f.missing.join(' ')}; unexpected ${f.unexpected.join(' ')}; actual ${f.actual.join(' ')}`);
      assert.deepEqual(described, []);
    });
  }
});

test('a wrong assertion fails the run (the harness does not pass everything)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-grammar-'));
  const wrong = join(dir, 'wrong.ts');
  writeFileSync(wrong, '// SYNTAX TEST "source.ts" "wrong on purpose"\nsql`SELECT 1`;\n//   ^^^^^^ string.quoted.single.ts\n');
  const run = runGrammarTests([wrong]);
  rmSync(dir, { recursive: true, force: true });
  assert.notEqual(run.status, 0, run.output);
  const result = run.results.get(wrong);
  assert.equal(result?.passed, false, run.output);
  assert.match(result.report, /missing required scopes: string\.quoted\.single\.ts/);
  assert.match(result.report, /actual: source\.ts meta\.embedded\.block\.sql keyword\.other\.DML\.sql/);
});

test('the committed grammars are what scripts/grammars writes from their sources', () => {
  for (const [path, grammar] of Object.entries(GENERATED_GRAMMARS)) {
    assert.equal(readFileSync(join(root, path), 'utf8'), grammarJson(grammar()), `${path} differs from its source: edit scripts/grammars/, then run npx tsx scripts/grammars/write.ts`);
  }
});

test('package.json contributes both injection grammars to TS, JS, TSX and JSX, SQL as an embedded language', () => {
  const grammars: { scopeName: string; path: string; injectTo?: string[]; embeddedLanguages?: Record<string, string> }[] =
    JSON.parse(readFileSync(manifest, 'utf8')).contributes.grammars;
  for (const scopeName of ['evolve.sql.injection', 'evolve.directives.injection']) {
    const entry = grammars.find((g) => g.scopeName === scopeName);
    assert.ok(entry, `package.json contributes.grammars has no ${scopeName}`);
    assert.deepEqual(entry.injectTo, hosts);
    const grammar = JSON.parse(readFileSync(join(root, entry.path), 'utf8'));
    assert.equal(grammar.scopeName, scopeName, `${entry.path} declares another scopeName`);
    for (const host of hosts) assert.ok(grammar.injectionSelector.includes(`L:${host} `), `${entry.path} is not injected into ${host}`);
  }
  const sql = grammars.find((g) => g.scopeName === 'evolve.sql.injection');
  assert.equal(sql?.embeddedLanguages?.['meta.embedded.block.sql'], 'sql');
});

test('with the injections, the host grammar is back at the top level wherever it is without them', async () => {
  await checkHostStateIsRestored(await injectedRegistry);
});
