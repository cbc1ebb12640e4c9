// The examples are lint regression checks: every `// expect: <rule>` comment marks the next line
// as a finding `evolve lint` must report, nothing else in examples/ may be reported, and every
// .ts example must type-check against the real library typings.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import test from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';

const root = resolve(__dirname, '..');
const examples = join(root, 'examples');
const EXPECT = /^\s*\/\/ expect: ([a-z-]+)\s*$/;
const SCRIPT = /\.(ts|js|mjs|cjs|mts|cts)$/;

interface EslintMessage {
  ruleId: string | null;
  line: number;
  message: string;
  fatal?: boolean;
}

interface EslintFileResult {
  filePath: string;
  messages: EslintMessage[];
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

const rel = (file: string) => relative(examples, file).replace(/\\/g, '/');
const isScript = (file: string) => SCRIPT.test(file) && !file.endsWith('.d.ts');
const isSharedModule = (file: string) => rel(file).split('/').includes('lib');

/** `file:line rule` for every line that follows an `// expect: rule` comment. */
function expectedFindings(files: string[]): string[] {
  const expected: string[] = [];
  for (const file of files) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, index) => {
        const match = EXPECT.exec(text);
        // index is 0-based, so the next line's 1-based number is index + 2.
        if (match) expected.push(`${rel(file)}:${index + 2} ${match[1]}`);
      });
  }
  return expected.sort();
}

test('evolve lint reports exactly the hazards marked in examples/', (t) => {
  const cli = join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) {
    assert.fail(`${cli} is missing: run \`npm run build\` first (npm test does it).`);
  }
  const scripts = listFiles(examples).filter(isScript);
  const run = spawnSync(process.execPath, [join(root, 'bin', 'evolve.js'), 'lint', 'examples', '--format', 'json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(run.error, undefined, `could not start the CLI: ${run.error}`);
  let results: EslintFileResult[];
  try {
    results = JSON.parse(run.stdout) as EslintFileResult[];
  } catch (err) {
    assert.fail(`evolve lint exited ${run.status} and printed invalid JSON (${err}):\n${run.stdout.slice(0, 2000)}\nstderr:\n${run.stderr}`);
  }

  const linted = new Set(results.map((r) => rel(r.filePath)));
  const missing = scripts.filter((f) => !isSharedModule(f)).map(rel).filter((f) => !linted.has(f));
  assert.deepEqual(missing, [], 'every example script is linted (examples/evolve.config.json includes them)');

  const fatal = results.flatMap((r) => r.messages.filter((m) => m.fatal).map((m) => `${rel(r.filePath)}:${m.line} ${m.message}`));
  assert.deepEqual(fatal, [], 'no example fails to parse');
  // Both rules are warnings by default, so a clean run exits 0 even with findings.
  assert.equal(run.status, 0, `evolve lint exited ${run.status}\nstderr:\n${run.stderr}`);

  const actual = results
    .flatMap((r) => r.messages.map((m) => `${rel(r.filePath)}:${m.line} ${m.ruleId}`))
    .sort();
  const expected = expectedFindings(scripts);
  t.diagnostic(`${expected.length} expected findings in ${scripts.length} files`);
  assert.ok(expected.length >= 20, 'the bad examples carry their expect comments');
  assert.deepEqual(actual, expected, 'findings (file:line rule) equal the `// expect:` comments');
});

test('every .ts example type-checks against the real library typings', () => {
  const configPath = join(examples, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  });
  assert.ok(parsed, `could not read ${configPath}`);
  assert.deepEqual(parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), []);

  const tsFiles = listFiles(examples).filter((f) => f.endsWith('.ts') && !rel(f).startsWith('rehearsal/'));
  const inProgram = new Set(parsed.fileNames.map((f) => resolve(f)));
  assert.deepEqual(tsFiles.filter((f) => !inProgram.has(f)).map(rel), [], 'examples/tsconfig.json covers every .ts example');

  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const report = ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  });
  assert.equal(diagnostics.length, 0, `tsc -p examples/tsconfig.json found errors:\n${report}`);
});
