// `evolve lint` over 1,000 generated evolve scripts, against the floor (TypeScript's own parse of
// the same files in a fresh Node process) and against what TS users run today (ESLint 9 with the
// typescript-eslint parser and only `no-await-in-loop`), plus warm re-analysis of one 300-line
// script in-process against ts.createSourceFile of the same text.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';
import { generateScripts } from './generate-scripts.mjs';

const SCRIPT_COUNT = 1000;

function writeEslintConfig(dir, root) {
  const parser = createRequire(join(root, 'package.json')).resolve('@typescript-eslint/parser');
  const file = join(dir, 'eslint.config.mjs');
  writeFileSync(
    file,
    `import parser from ${JSON.stringify(pathToFileURL(parser).href)};\n` +
      `export default [{ files: ['**/*.{ts,js}'], languageOptions: { parser }, rules: { 'no-await-in-loop': 'error' } }];\n`,
  );
  return file;
}

function countMessages(stdout, tool) {
  try {
    const files = JSON.parse(stdout);
    return { files: files.length, messages: files.reduce((n, f) => n + f.messages.length, 0) };
  } catch (error) {
    throw new Error(`${tool} --format json printed invalid JSON (${error.message}): ${stdout.slice(0, 500)}`);
  }
}

/**
 * Bundles the core's analyser into one CommonJS file the bench can require (dist/ does not export
 * it), and returns a warm `analyze(path, text)`: one long-lived Analyzer, as the language server
 * keeps, fed each new text of the file. Returns `{ missing }` when the core has no such entry yet.
 */
async function loadAnalyzer(root, tmpDir) {
  const candidates = ['server/src/core/analyzer.ts', 'server/src/core/analyze.ts'].map((f) => join(root, f));
  const analyzeFile = candidates.find((f) => existsSync(f));
  if (!analyzeFile) return { missing: `none of ${candidates.join(', ')} exists yet` };
  const entry = join(tmpDir, 'bench-entry.ts');
  writeFileSync(
    entry,
    `export * from ${JSON.stringify(analyzeFile)};\nexport { defaultConfig } from ${JSON.stringify(join(root, 'server/src/core/config.ts'))};\n`,
  );
  const outfile = join(tmpDir, 'analyzer.cjs');
  await build({
    entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error',
    external: ['vscode', 'better-sqlite3', 'pg-native'],
    // As scripts/build.mjs: jsonc-parser's UMD entry requires its own files at run time.
    mainFields: ['module', 'main'],
  });
  const core = createRequire(outfile)(outfile);
  const config = core.defaultConfig(tmpDir);
  if (typeof core.Analyzer === 'function') {
    const analyzer = new core.Analyzer(config);
    return {
      analyze: (path, text) => {
        analyzer.setFileText?.(path, text);
        return [analyzer.analyzeFile(path, text)];
      },
    };
  }
  if (typeof core.analyzeText === 'function') return { analyze: (path, text) => [core.analyzeText(path, text, config)] };
  if (typeof core.analyze === 'function') return { analyze: (path, text) => core.analyze([{ path, text }], config) };
  return { missing: `${analyzeFile} exports none of Analyzer, analyzeText(path, text, config), analyze(files, config)` };
}

async function warmReanalysis(ctx, project, files) {
  const metric = 'warm re-analysis of one 300-line script vs ts.createSourceFile';
  const largest = files.filter((f) => f.path.endsWith('.ts')).sort((a, b) => b.lines - a.lines)[0];
  const path = join(project, largest.path);
  const text = readFileSync(path, 'utf8');
  const loaded = await loadAnalyzer(ctx.root, ctx.tmpDir).catch((error) => ({ missing: `could not load the analyser: ${error.message}` }));
  if (loaded.missing) return { metric, unit: 'ms', skipped: loaded.missing };
  // Every run sees a slightly different text, as after a keystroke, so no cache can answer.
  let edit = 0;
  const edited = () => `${text}// edit ${edit++}\n`;
  const findings = await loaded.analyze(path, edited());
  const { analyze, parse } = await ctx.medians(
    {
      analyze: () => loaded.analyze(path, edited()),
      parse: () => ts.createSourceFile(path, edited(), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS),
    },
    { runs: Math.max(50, ctx.runs * 10), warmup: 20 },
  );
  const count = findings.reduce((n, r) => n + (r.findings?.length ?? 0), 0);
  return {
    metric,
    value: analyze.ms,
    baseline: parse.ms,
    unit: 'ms',
    target: '<= 1.5',
    note: `${largest.path} (${largest.lines} lines, ${count} findings); median of ${analyze.samples.length} runs`,
  };
}

export async function run(ctx) {
  const cli = join(ctx.root, 'bin', 'evolve.js');
  if (!existsSync(join(ctx.root, 'dist', 'cli.js'))) {
    throw new Error('dist/cli.js is missing: `npm run bench` builds it; if the build skipped it, server/src/cli.ts does not exist yet');
  }
  const project = join(ctx.tmpDir, 'project');
  mkdirSync(project);
  const files = generateScripts(project, { count: SCRIPT_COUNT });
  const lines = files.reduce((n, f) => n + f.lines, 0);
  const eslintConfig = writeEslintConfig(ctx.tmpDir, ctx.root);
  const eslintBin = join(ctx.root, 'node_modules', 'eslint', 'bin', 'eslint.js');

  const warm = await warmReanalysis(ctx, project, files);

  let lintOut;
  let eslintOut;
  const node = process.execPath;
  const wall = await ctx.medians(
    {
      lint: async () => (lintOut = await ctx.exec(node, [cli, 'lint', '.', '--format', 'json'], { cwd: project, okCodes: [0, 1] })),
      parse: () => ctx.exec(node, [join(ctx.root, 'bench', 'parse-floor.mjs'), project]),
      eslint: async () => (eslintOut = await ctx.exec(node, [eslintBin, '-c', eslintConfig, '--format', 'json', 'project'], { cwd: ctx.tmpDir, okCodes: [0, 1] })),
    },
    { warmup: 1 },
  );
  const lint = countMessages(lintOut.stdout, 'evolve lint');
  if (lint.files !== SCRIPT_COUNT) {
    throw new Error(`evolve lint analysed ${lint.files} of the ${SCRIPT_COUNT} generated scripts in ${project}: the comparison would be unfair`);
  }
  const eslint = countMessages(eslintOut.stdout, 'eslint');
  const corpus = `${SCRIPT_COUNT} scripts, ${lines} lines, ${ctx.runs} runs`;
  return {
    name: 'lint',
    results: [
      { metric: 'evolve lint --format json (wall, process start included)', value: wall.lint.ms, unit: 'ms', note: `${corpus}; ${lint.messages} findings` },
      { metric: 'TypeScript parse floor (wall, process start included)', value: wall.parse.ms, unit: 'ms', note: 'ts.createSourceFile with parent pointers, every file' },
      { metric: 'ESLint 9 + typescript-eslint, no-await-in-loop only (wall)', value: wall.eslint.ms, unit: 'ms', note: `${eslint.messages} findings` },
      { metric: 'evolve lint vs TypeScript parse floor', value: wall.lint.ms, baseline: wall.parse.ms, unit: 'ms' },
      { metric: 'evolve lint vs ESLint no-await-in-loop', value: wall.lint.ms, baseline: wall.eslint.ms, unit: 'ms', target: '<= 0.2', note: 'target: at least 5x faster' },
      warm,
    ],
  };
}
