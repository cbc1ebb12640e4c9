// The machinery behind `npm run bench`: timing helpers handed to every suite, the ok/miss verdict
// of a target, the results table, and results.json with the previous figures kept for comparison.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

export function median(values) {
  if (values.length === 0) throw new Error('median of no samples');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rounds to 3 significant digits: enough to read a ratio, stable enough to diff in results.json. */
export function round3(value) {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(3));
}

/** `value / baseline`: how many times the baseline's cost the measured thing takes. */
export function ratioOf(value, baseline) {
  if (!(baseline > 0)) throw new Error(`cannot compute a ratio against baseline ${baseline}: it must be a positive number`);
  return round3(value / baseline);
}

const TARGET = /^\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/**
 * Whether a result meets its target. A target is a string such as "<= 0.2" or ">= 5", applied to
 * the ratio when the result has one, else to the value. Returns 'ok', 'miss' or '-' (no target).
 */
export function verdict(result) {
  if (result.target === undefined) return '-';
  const match = TARGET.exec(String(result.target));
  if (!match) throw new Error(`invalid target "${result.target}" on metric "${result.metric}": use "<= N", ">= N", "< N" or "> N"`);
  const subject = result.ratio ?? result.value;
  const limit = Number(match[2]);
  const met = { '<=': subject <= limit, '>=': subject >= limit, '<': subject < limit, '>': subject > limit }[match[1]];
  return met ? 'ok' : 'miss';
}

/**
 * Fills in the ratio from the baseline and the verdict ('ok', 'miss', '-' without a target, 'skip'),
 * checking the fields a suite must give.
 */
export function completeResult(suiteName, result) {
  for (const field of ['metric', 'unit']) {
    if (typeof result[field] !== 'string' || result[field] === '') {
      throw new Error(`suite "${suiteName}": every result needs a "${field}" string, got ${JSON.stringify(result)}`);
    }
  }
  // A measurement that cannot run yet (a missing entry point...) says why instead of a value.
  if (typeof result.skipped === 'string') return { ...result, verdict: 'skip' };
  if (typeof result.value !== 'number' || !Number.isFinite(result.value)) {
    throw new Error(`suite "${suiteName}", metric "${result.metric}": "value" must be a finite number, got ${result.value}`);
  }
  const out = { ...result, value: round3(result.value) };
  if (out.baseline !== undefined) {
    out.baseline = round3(out.baseline);
    if (out.ratio === undefined) out.ratio = ratioOf(result.value, result.baseline);
  }
  out.verdict = verdict(out);
  return out;
}

/** Runs a command to completion; rejects with its stderr when it fails or exits outside `okCodes`. */
export function exec(command, args, { cwd, okCodes = [0], env } = {}) {
  return new Promise((resolvePromise, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', (error) => reject(new Error(`could not start ${command}: ${error.message}`)));
    child.on('close', (code) => {
      const ms = performance.now() - start;
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (okCodes.includes(code)) resolvePromise({ code, stdout, stderr, ms });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code} in ${cwd ?? process.cwd()}:\n${stderr.slice(-4000)}`));
    });
  });
}

/** The helpers a suite's `run(ctx)` receives. */
export function createContext({ runs, root, tmpDir }) {
  async function measure(fn) {
    const start = performance.now();
    const value = await fn();
    return { ms: performance.now() - start, value };
  }
  /** Median time of `fn` over `runs` runs, after `warmup` untimed runs. */
  async function medianOf(fn, { runs: count = runs, warmup = 0 } = {}) {
    for (let i = 0; i < warmup; i++) await fn();
    const samples = [];
    for (let i = 0; i < count; i++) samples.push((await measure(fn)).ms);
    return { ms: median(samples), samples };
  }
  /**
   * Medians of several contenders, run round-robin so a slow spell of the machine hits all of them
   * alike and their ratios stay fair; every other round in reverse order (a, b, c, c, b, a...), as
   * the contender that always ran last paid for what the others left behind (SQLite's eachBatch,
   * last of three, measured 1-2% slower than when it ran first). `beforeEach` runs untimed before
   * every run: contenders that leave state behind (a table bloated by a million updates) would
   * otherwise each start from the mess of the one before, the later one always from a worse one.
   */
  async function medians(contenders, { runs: count = runs, warmup = 0, beforeEach } = {}) {
    const names = Object.keys(contenders);
    const samples = Object.fromEntries(names.map((n) => [n, []]));
    for (let i = 0; i < warmup + count; i++) {
      for (const name of i % 2 === 0 ? names : [...names].reverse()) {
        if (beforeEach) await beforeEach(name);
        const { ms } = await measure(contenders[name]);
        if (i >= warmup) samples[name].push(ms);
      }
    }
    return Object.fromEntries(names.map((n) => [n, { ms: median(samples[n]), samples: samples[n] }]));
  }
  return { runs, root, tmpDir, measure, median: medianOf, medians, ratio: ratioOf, exec };
}

export function machine() {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model ?? 'unknown', memory: totalmem(), platform: process.platform };
}

/**
 * The new results.json: this run's suites replace the same-named ones, the other suites stay,
 * and the whole previous file (without its own `previous`) is kept under `previous`.
 */
export function mergeResults(old, run) {
  const suites = [...run.suites];
  for (const suite of old?.suites ?? []) {
    if (!suites.some((s) => s.name === suite.name)) suites.push(suite);
  }
  const merged = { date: run.date, node: run.node, machine: run.machine, suites };
  if (old?.suites?.length) {
    const { previous: _older, ...before } = old;
    merged.previous = before;
  }
  return merged;
}

function formatValue(value, unit) {
  if (value === undefined) return '';
  return unit ? `${value} ${unit}` : String(value);
}

/** A plain-text table of one run's suites, with the previous value of each metric when known. */
export function formatTable(suites, previous) {
  const rows = [['suite', 'metric', 'value', 'baseline', 'ratio', 'target', 'ok/miss', 'previous']];
  for (const suite of suites) {
    if (suite.error) {
      rows.push([suite.name, 'FAILED', suite.error.split('\n')[0], '', '', '', 'miss', '']);
      continue;
    }
    const before = previous?.suites?.find((s) => s.name === suite.name);
    for (const r of suite.results) {
      const old = before?.results?.find((o) => o.metric === r.metric);
      rows.push([
        suite.name,
        r.metric,
        r.skipped !== undefined ? `skipped: ${r.skipped}` : formatValue(r.value, r.unit),
        formatValue(r.baseline, r.unit),
        r.ratio === undefined ? '' : `${r.ratio}x`,
        r.target ?? '',
        r.verdict,
        old ? (old.ratio !== undefined ? `${old.ratio}x` : formatValue(old.value, old.unit)) : '',
      ]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  return rows.map((row) => row.map((cell, i) => String(cell).padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

/** True when this suite file is the script Node was started with (`node bench/<name>.bench.mjs`). */
export function isMain(suiteFile) {
  return Boolean(process.argv[1]) && resolve(process.argv[1]) === suiteFile;
}

/** Runs one suite on its own (`node bench/<name>.bench.mjs [--runs N]`), printing each result as a JSON line. */
export async function runStandalone(suiteFile, run, { defaultRuns = 5 } = {}) {
  const runsAt = process.argv.indexOf('--runs');
  const tmpDir = mkdtempSync(join(tmpdir(), `evolve-bench-${basename(suiteFile, '.bench.mjs')}-`));
  try {
    const ctx = createContext({ runs: runsAt > 0 ? Number(process.argv[runsAt + 1]) : defaultRuns, root: resolve(dirname(suiteFile), '..'), tmpDir });
    for (const r of (await run(ctx)).results) console.log(JSON.stringify(r));
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}
