// The analyser re-parses an edited file incrementally (reusing the previous tree's nodes) and forgets
// the node-keyed facts when it does: after any sequence of keystroke-like edits, a long-lived
// Analyzer must give exactly what a fresh one gives for the same text. Real example scripts, seeded
// edits (the same every run).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Analyzer } from '../server/src/core/analyzer';
import { defaultConfig, type EvolveConfig } from '../server/src/core/config';

const ROOT = join(__dirname, '..');
const EXAMPLES = join(ROOT, 'examples');

function scripts(): string[] {
  const out: string[] = [];
  for (const lib of readdirSync(EXAMPLES, { withFileTypes: true })) {
    if (!lib.isDirectory()) continue;
    for (const f of readdirSync(join(EXAMPLES, lib.name))) if (/\.(bad|good)\.ts$/.test(f)) out.push(join(EXAMPLES, lib.name, f));
  }
  return out.sort();
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const TYPED = ['a', ' ', ';', '(', ')', '{', '}', '\n', "'", '`', 'await ', '// ', 'for (const x of rows) {'];

/** One keystroke-like edit: insert a character or snippet, delete a few characters, or replace a line. */
function edit(text: string, rnd: () => number): string {
  const at = Math.floor(rnd() * (text.length + 1));
  const kind = rnd();
  if (kind < 0.5) return text.slice(0, at) + TYPED[Math.floor(rnd() * TYPED.length)] + text.slice(at);
  if (kind < 0.8) return text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 3));
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = text.indexOf('\n', at);
  return text.slice(0, lineStart) + '  await db.query(`update t set a = 1`);' + (lineEnd < 0 ? '' : text.slice(lineEnd));
}

test('a long-lived analyser gives what a fresh one gives after every edit (incremental re-parse)', () => {
  const files = scripts();
  assert.ok(files.length >= 10, `expected the example scripts under ${EXAMPLES}`);
  const rnd = seeded(20261126);
  const config = defaultConfig(EXAMPLES);
  let compared = 0;
  let withFindings = 0;
  for (const file of files) {
    const warm = new Analyzer(config);
    let text = readFileSync(file, 'utf8');
    for (let step = 0; step < 12; step++) {
      // Every other step reverts to the original text, so edits undo as well as pile up.
      text = step % 4 === 3 ? readFileSync(file, 'utf8') : edit(text, rnd);
      warm.setFileText(file, text);
      const incremental = warm.analyzeFile(file, text);
      const fresh = new Analyzer(config).analyzeFile(file, text);
      assert.deepEqual(incremental, fresh, `${file} after edit ${step}`);
      compared++;
      if (fresh.findings.length > 0) withFindings++;
    }
  }
  assert.ok(withFindings > compared / 4, `only ${withFindings} of ${compared} analyses had findings: the edits say too little`);
});

test('an edit above unchanged code changes what is known about that code (no stale node facts)', () => {
  // The loop's function is unchanged text, so the incremental parse reuses its nodes; what `rows`
  // is (database rows or a literal) comes from the edited line above it.
  const script = (rows: string) =>
    `import knex from 'knex';\nconst db = knex({ client: 'pg' });\nconst rows = ${rows};\n\n` +
    `export async function run() {\n  for (const row of rows) {\n    await db('users').where({ id: row.id }).update({ seen: true });\n  }\n}\n`;
  const fromDb = script(`await db('users').select('*')`);
  const literal = script(`[{ id: 1 }, { id: 2 }]`);
  const file = join(EXAMPLES, 'knex', 'incremental.ts');
  const config = defaultConfig(EXAMPLES);
  const warm = new Analyzer(config);
  const fresh = (text: string) => new Analyzer(config).analyzeFile(file, text);
  assert.notDeepEqual(fresh(fromDb).findings.map((f) => f.ruleId), fresh(literal).findings.map((f) => f.ruleId), 'the two texts should differ in findings');
  for (const text of [fromDb, literal, fromDb, literal]) {
    warm.setFileText(file, text);
    assert.deepEqual(warm.analyzeFile(file, text), fresh(text));
  }
});

// The analyser keeps the files a script imports parsed, and what is known about them, across
// analyses; it re-reads them before each one. Each step below changes what the script's finding
// depends on in another file, and the long-lived analyser must see it exactly as a fresh one does.
const SCRIPT =
  `import { touch } from './helpers';\n` +
  `export async function up(knex) {\n  const all = (await knex('users').select('id')).filter((u) => u.id > 0);\n` +
  `  for (const { id } of all) {\n    await touch(knex, id);\n  }\n}\nexport const config = { transaction: false };\n`;
const WRITES = `export async function touch(knex, id) {\n  await knex('users').where({ id }).update({ touched: true });\n}\n`;
const PURE = `export async function touch(knex, id) {\n  return id;\n}\n`;

function project(): { dir: string; script: string; helpers: string } {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-incremental-'));
  mkdirSync(join(dir, 'migrations'));
  const script = join(dir, 'migrations', 'script.ts');
  writeFileSync(script, SCRIPT);
  return { dir, script, helpers: join(dir, 'migrations', 'helpers.ts') };
}

test('an edit to an imported helper, in its buffer or on disk, reaches a long-lived analyser', () => {
  const { dir, script, helpers } = project();
  try {
    const config = defaultConfig(dir);
    const warm = new Analyzer(config);
    const buffers = new Map<string, string>();
    const fresh = () => {
      const analyzer = new Analyzer(config);
      for (const [path, text] of buffers) analyzer.setFileText(path, text);
      return analyzer.analyzeFile(script);
    };
    const buffer = (text: string | undefined) => {
      if (text === undefined) buffers.delete(helpers);
      else buffers.set(helpers, text);
      warm.setFileText(helpers, text);
    };
    const rules = () => fresh().findings.map((f) => f.ruleId);
    const steps: [string, () => void][] = [
      ['helper on disk writes', () => writeFileSync(helpers, WRITES)],
      ['helper buffer made pure', () => buffer(PURE)],
      ['helper buffer closed', () => buffer(undefined)],
      ['helper made pure on disk', () => writeFileSync(helpers, PURE)],
      ['helper deleted', () => rmSync(helpers)],
      ['helper written again', () => writeFileSync(helpers, WRITES)],
      ['unchanged', () => undefined],
    ];
    const seen = new Set<string>();
    for (const [step, change] of steps) {
      change();
      seen.add(rules().join());
      assert.deepEqual(warm.analyzeFile(script), fresh(), step);
    }
    assert.ok(seen.size > 1, 'the helper should change the script\'s findings');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a helper edited on disk reaches the open script\'s cached result, after the same text was analysed again', () => {
  const { dir, script, helpers } = project();
  try {
    const config = defaultConfig(dir);
    const text = readFileSync(script, 'utf8');
    const warm = new Analyzer(config);
    warm.setFileText(script, text);
    const fresh = () => {
      const analyzer = new Analyzer(config);
      analyzer.setFileText(script, text);
      return analyzer.analyzeFile(script);
    };
    writeFileSync(helpers, PURE);
    assert.deepEqual(warm.analyzeFile(script), fresh(), 'first analysis');
    // The same text again: the editor re-analyses every open file after a keystroke in another.
    assert.deepEqual(warm.analyzeFile(script), fresh(), 'the same text, from its kept result');
    writeFileSync(helpers, WRITES);
    const after = fresh();
    assert.notDeepEqual(after.findings.map((f) => f.ruleId), [], 'the writing helper gives the script a finding');
    assert.deepEqual(warm.analyzeFile(script), after, 'the helper changed on disk');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a helper that imports the analysed script back sees the script\'s edits', () => {
  const { dir, script, helpers } = project();
  try {
    // touch() writes through the script's own save(): the script's text decides what touch does.
    writeFileSync(helpers, `import { save } from './script';\nexport async function touch(knex, id) {\n  await save(knex, id);\n}\n`);
    const withSave = (body: string) => `${SCRIPT}export async function save(knex, id) {\n  ${body}\n}\n`;
    const writing = withSave(`await knex('users').where({ id }).update({ touched: true });`);
    const pure = withSave('return id;');
    const config = defaultConfig(dir);
    const fresh = (text: string) => new Analyzer(config).analyzeFile(script, text);
    assert.notDeepEqual(fresh(writing).findings.map((f) => f.ruleId), fresh(pure).findings.map((f) => f.ruleId), 'the two texts should differ in findings');
    const warm = new Analyzer(config);
    for (const text of [writing, pure, writing, pure, pure]) {
      warm.setFileText(script, text);
      assert.deepEqual(warm.analyzeFile(script, text), fresh(text));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a new configuration reaches a long-lived analyser, for the same text too', () => {
  const file = join(EXAMPLES, 'knex', 'backfill-display-names.bad.js');
  const text = readFileSync(file, 'utf8');
  const plain = defaultConfig(EXAMPLES);
  const wrapped: EvolveConfig = { ...plain, runners: [{ files: '**/*', runner: 'knex', transaction: 'per-file' }], rules: { ...plain.rules, 'unbatched-loop': 'off' } };
  const fresh = (config: EvolveConfig) => new Analyzer(config).analyzeFile(file, text);
  assert.notDeepEqual(fresh(plain), fresh(wrapped), 'the two configurations should differ in findings');
  const warm = new Analyzer(plain);
  for (const config of [plain, wrapped, plain, wrapped]) {
    warm.setConfig(config);
    assert.deepEqual(warm.analyzeFile(file, text), fresh(config));
    assert.deepEqual(warm.analyzeFile(file, text), fresh(config), 'analysed again unchanged');
  }
});
