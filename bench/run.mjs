// `npm run bench`: runs every bench/*.bench.mjs suite (or the ones named), prints a table and
// writes bench/results.json, keeping the figures it replaces under `previous`.
// Usage: node bench/run.mjs [suite ...] [--runs N] [--dir FOLDER] [--out FILE] [--keep]
//   suite    a suite's file name without .bench.mjs (e.g. `lint`)
//   --runs   timed runs per measurement (default 5); suites report medians
//   --dir    folder of the suites (default bench/), --out the results file (default bench/results.json)
//   --keep   keep each suite's temporary folder for inspection
// Each suite exports `async function run(ctx)` returning `{ name?, results: [{ metric, value, unit,
// baseline?, ratio?, target?, note? }] }`; see bench/harness.mjs for ctx and targets.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { completeResult, createContext, formatTable, machine, mergeResults } from './harness.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);

function usage(message) {
  console.error(`bench: ${message}\nUsage: node bench/run.mjs [suite ...] [--runs N] [--dir FOLDER] [--out FILE] [--keep]`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { names: [], runs: 5, dir: join(root, 'bench'), out: undefined, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => argv[++i] ?? usage(`${arg} needs a value`);
    if (arg === '--runs') {
      options.runs = Number(next());
      if (!Number.isInteger(options.runs) || options.runs < 1) usage('--runs must be a positive integer');
    } else if (arg === '--dir') options.dir = resolve(next());
    else if (arg === '--out') options.out = resolve(next());
    else if (arg === '--keep') options.keep = true;
    else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else options.names.push(arg);
  }
  options.out ??= join(options.dir, 'results.json');
  return options;
}

function readPrevious(file) {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    usage(`${file} is not valid JSON (${error.message}): fix or delete it; it holds the previous figures`);
  }
}

async function runSuite(file, options) {
  const fallbackName = basename(file, '.bench.mjs');
  const tmpDir = mkdtempSync(join(tmpdir(), `evolve-bench-${fallbackName}-`));
  const started = Date.now();
  try {
    const suite = await import(pathToFileURL(file).href);
    if (typeof suite.run !== 'function') throw new Error(`${file} does not export an async function run(ctx)`);
    const output = await suite.run(createContext({ runs: options.runs, root, tmpDir }));
    const name = output?.name ?? fallbackName;
    if (!Array.isArray(output?.results)) throw new Error(`${file}: run(ctx) must return { name, results: [...] }`);
    const results = output.results.map((r) => completeResult(name, r));
    return { name, file: basename(file), date: new Date().toISOString(), seconds: (Date.now() - started) / 1000, results };
  } catch (error) {
    return { name: fallbackName, file: basename(file), date: new Date().toISOString(), error: error.stack ?? String(error), results: [] };
  } finally {
    if (options.keep) console.log(`bench: kept ${tmpDir}`);
    else rmSync(tmpDir, { recursive: true, force: true });
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(options.dir)) usage(`no such folder ${options.dir}`);
  const available = readdirSync(options.dir).filter((f) => f.endsWith('.bench.mjs')).sort();
  const known = available.map((f) => basename(f, '.bench.mjs'));
  const unknown = options.names.filter((n) => !known.includes(n));
  if (unknown.length > 0) usage(`unknown suite ${unknown.join(', ')}; suites in ${options.dir}: ${known.join(', ') || 'none'}`);
  const selected = available.filter((f) => options.names.length === 0 || options.names.includes(basename(f, '.bench.mjs')));
  if (selected.length === 0) usage(`no *.bench.mjs suites in ${options.dir}`);

  const previous = readPrevious(options.out);
  const suites = [];
  for (const file of selected) {
    console.log(`bench: running ${file} (${options.runs} runs per measurement)...`);
    const suite = await runSuite(join(options.dir, file), options);
    if (suite.error) console.error(`bench: suite ${suite.name} failed:\n${suite.error}`);
    suites.push(suite);
  }

  const run = { date: new Date().toISOString(), node: process.version, machine: machine(), suites };
  writeFileSync(options.out, JSON.stringify(mergeResults(previous, run), null, 2) + '\n');
  console.log(`\n${formatTable(suites, previous)}\n\nbench: wrote ${options.out}`);
  const misses = suites.flatMap((s) => s.results.filter((r) => r.verdict === 'miss').map((r) => `${s.name}: ${r.metric}`));
  if (misses.length > 0) console.log(`bench: ${misses.length} target(s) missed: ${misses.join('; ')}`);
  if (suites.some((s) => s.error)) process.exitCode = 1;
}

await main();
