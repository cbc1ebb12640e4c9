// The `npm run bench` machinery on a tiny fake suite: real child processes, real files. Checks the
// shape of results.json, the ratio arithmetic, target verdicts and the kept `previous` figures;
// never the timings themselves.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import test from 'node:test';
import assert from 'node:assert/strict';

const root = resolve(__dirname, '..');

const FAKE_SUITE = `
import { writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
export async function run(ctx) {
  let calls = 0;
  const timed = await ctx.median(() => { calls++; }, { warmup: 2 });
  const pair = await ctx.medians({ a: () => {}, b: async () => {} });
  const order = [];
  await ctx.medians({ a: () => { order.push('a'); }, b: () => { order.push('b'); } }, { runs: 2, warmup: 1, beforeEach: async (name) => { order.push('reset ' + name); } });
  const child = await ctx.exec(process.execPath, ['-e', 'process.stdout.write("hi")']);
  writeFileSync(join(ctx.tmpDir, 'scratch.txt'), 'x');
  return {
    name: 'fake',
    results: [
      { metric: 'slower than baseline', value: 30, baseline: 12, unit: 'ms', target: '<= 3' },
      { metric: 'far slower than baseline', value: 10, baseline: 2, unit: 'ms', target: '<= 3' },
      { metric: 'thirds', value: 1, baseline: 3, unit: 'ms' },
      { metric: 'given ratio wins', value: 100, baseline: 10, ratio: 4, unit: 'ms', target: '>= 5' },
      { metric: 'plain value', value: 7, unit: 'count', target: '> 5' },
      { metric: 'calls', value: calls, unit: 'count' },
      { metric: 'samples', value: timed.samples.length + pair.a.samples.length + pair.b.samples.length, unit: 'count' },
      { metric: 'child output', value: child.stdout.length, unit: 'chars', note: ctx.tmpDir + ' ' + existsSync(ctx.root + '/package.json') },
      { metric: 'not yet', unit: 'ms', skipped: 'entry point missing' },
      { metric: 'order', value: order.length, unit: 'count', note: order.join(',') },
    ],
  };
}
`;

const BROKEN_SUITE = `export async function run() { throw new Error('database went away'); }\n`;

interface Result {
  metric: string;
  value?: number;
  baseline?: number;
  ratio?: number;
  verdict: string;
  note?: string;
  skipped?: string;
}

interface Suite {
  name: string;
  date: string;
  error?: string;
  results: Result[];
}

interface ResultsFile {
  date: string;
  node: string;
  machine: { cpus: number; memory: number };
  suites: Suite[];
  previous?: ResultsFile;
}

function runBench(dir: string, args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bench', 'run.mjs'), '--dir', dir, '--runs', '3', ...args], {
    encoding: 'utf8',
  });
}

test('bench harness: results.json shape, ratios, verdicts and previous figures', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-bench-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'fake.bench.mjs'), FAKE_SUITE);
  writeFileSync(join(dir, 'broken.bench.mjs'), BROKEN_SUITE);
  const out = join(dir, 'results.json');

  const first = runBench(dir, ['fake']);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /slower than baseline\s+30 ms\s+12 ms\s+2\.5x\s+<= 3\s+ok/);
  const one = JSON.parse(readFileSync(out, 'utf8')) as ResultsFile;
  assert.ok(!Number.isNaN(Date.parse(one.date)), 'date is an ISO date');
  assert.equal(one.node, process.version);
  assert.ok(one.machine.cpus > 0 && one.machine.memory > 0, 'machine has cpus and memory');
  assert.equal(one.previous, undefined, 'no previous figures on the first run');
  assert.deepEqual(one.suites.map((s) => s.name), ['fake']);

  const byMetric = new Map(one.suites[0].results.map((r) => [r.metric, r]));
  const get = (metric: string) => byMetric.get(metric) ?? assert.fail(`missing metric ${metric}`);
  assert.deepEqual([get('slower than baseline').ratio, get('slower than baseline').verdict], [2.5, 'ok']);
  assert.deepEqual([get('far slower than baseline').ratio, get('far slower than baseline').verdict], [5, 'miss']);
  assert.deepEqual([get('thirds').ratio, get('thirds').verdict], [0.333, '-']);
  assert.deepEqual([get('given ratio wins').ratio, get('given ratio wins').verdict], [4, 'miss']);
  assert.deepEqual([get('plain value').ratio, get('plain value').verdict], [undefined, 'ok']);
  assert.equal(get('calls').value, 5, 'median runs `runs` times after its warmup');
  assert.equal(get('samples').value, 9, 'median and medians collect `runs` samples each');
  assert.equal(get('child output').value, 2);
  assert.equal(get('order').note, ['reset a,a,reset b,b', 'reset b,b,reset a,a', 'reset a,a,reset b,b'].join(','), 'rounds alternate their order; beforeEach runs before every run, warm-up runs included');
  assert.deepEqual([get('not yet').verdict, get('not yet').skipped], ['skip', 'entry point missing']);
  const [suiteTmp, rootSeen] = (get('child output').note ?? '').split(' ');
  assert.equal(rootSeen, 'true', 'ctx.root is the repository');
  assert.equal(existsSync(suiteTmp), false, "the suite's temporary folder is removed afterwards");

  const second = runBench(dir, []);
  assert.equal(second.status, 1, 'a failing suite fails the run');
  assert.match(second.stderr, /suite broken failed:[\s\S]*database went away/);
  const two = JSON.parse(readFileSync(out, 'utf8')) as ResultsFile;
  assert.deepEqual(two.suites.map((s) => s.name).sort(), ['broken', 'fake']);
  assert.match(two.suites.find((s) => s.name === 'broken')?.error ?? '', /database went away/);
  assert.equal(two.previous?.date, one.date, 'the replaced figures are kept under previous');
  assert.deepEqual(two.previous?.suites, one.suites);
  assert.equal(two.previous?.previous, undefined, 'previous does not nest');
  assert.match(second.stdout, /slower than baseline.*2\.5x\s*$/m, 'the table shows the previous ratio');

  const unknown = runBench(dir, ['nope']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown suite nope; suites in .*: broken, fake/);
});
