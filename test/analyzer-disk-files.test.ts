// The language server's analyser serves open buffers (trees kept for incremental re-parses, their
// facts and results cached) and, in between, files read from disk by the workspace scan, after each of
// which it forgets the node-keyed facts and the file's context (analyzer.ts: V8's young-generation GC
// would otherwise carry every scanned tree into the old generation). Interleaving the two must not
// change any result: every analysis equals a fresh analyser's of the same text.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Analyzer } from '../server/src/core/analyzer';
import { defaultConfig } from '../server/src/core/config';

const EXAMPLES = join(__dirname, '..', 'examples');

test('open buffers edited between analyses of files from disk give what a fresh analyser gives', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-disk-files-'));
  try {
    // Real scripts on disk, as a workspace scan finds them.
    const files: string[] = [];
    for (const lib of readdirSync(EXAMPLES, { withFileTypes: true })) {
      if (!lib.isDirectory()) continue;
      for (const f of readdirSync(join(EXAMPLES, lib.name))) {
        if (!/\.(bad|good)\.(ts|js)$/.test(f)) continue;
        cpSync(join(EXAMPLES, lib.name, f), join(dir, 'migrations', `${lib.name}-${f}`));
        files.push(join(dir, 'migrations', `${lib.name}-${f}`));
      }
    }
    files.sort();
    assert.ok(files.length >= 6, 'the examples should give several scripts');
    const config = defaultConfig(dir);
    const fresh = (path: string, text?: string) => {
      const analyzer = new Analyzer(config);
      if (text !== undefined) analyzer.setFileText(path, text);
      return analyzer.analyzeFile(path);
    };
    const warm = new Analyzer(config);
    const open = files.slice(0, 2);
    const buffers = new Map(open.map((f) => [f, readFileSync(f, 'utf8')]));
    let findings = 0;
    for (const [i, disk] of files.slice(2).entries()) {
      for (const [path, text] of buffers) {
        // Edit the buffer (a comment typed at the end, then a line break inside it) and analyse it twice:
        // an incremental re-parse, then the same text (its kept tree and cached result).
        const edited = i % 2 === 0 ? `${text}\n// typed ${i}` : text.replace(/\n/, `\n// typed ${i}\n`);
        buffers.set(path, edited);
        warm.setFileText(path, edited);
        const expected = fresh(path, edited);
        assert.deepEqual(warm.analyzeFile(path), expected, `${path} after edit ${i}`);
        assert.deepEqual(warm.analyzeFile(path), expected, `${path} again after edit ${i}`);
        findings += expected.findings.length;
      }
      // A scanned file read from disk: its facts and context are forgotten afterwards.
      assert.deepEqual(warm.analyzeFile(disk), fresh(disk), disk);
    }
    assert.ok(findings > 0, 'the open scripts should have findings');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('files analysed from disk leave nothing to re-read: each analysis reads its own imports, not every file seen before', () => {
  const files = new Map<string, string>();
  const script = (i: number) => `import { helper } from './helper-${i}';\nimport knex from 'knex';\nexport async function up(db: knex.Knex) {\n  const rows = await db('users');\n  for (const row of rows) await db('users').where({ id: row.id }).update({ n: helper(row) });\n}\n`;
  for (let i = 0; i < 60; i++) {
    files.set(`/project/scripts/${i}.ts`, script(i));
    if (i % 2 === 0) files.set(`/project/scripts/helper-${i}.ts`, `export function helper(row: { id: number }) { return row.id + ${i}; }\n`);
  }
  let reads = 0;
  const analyzer = new Analyzer(defaultConfig('/project'), { readFile: (p) => (reads++, files.get(p)) });
  const readsPerFile: number[] = [];
  for (let i = 0; i < 60; i++) {
    reads = 0;
    const result = analyzer.analyzeFile(`/project/scripts/${i}.ts`);
    assert.equal(result.fatal, undefined);
    readsPerFile.push(reads);
  }
  // A found helper is one read (and the script's own); a missing one, the resolution's guesses.
  const even = readsPerFile.filter((_, i) => i % 2 === 0);
  const odd = readsPerFile.filter((_, i) => i % 2 === 1);
  assert.deepEqual(new Set(even).size, 1, `reads per file with a helper: ${even.join(', ')}`);
  assert.deepEqual(new Set(odd).size, 1, `reads per file without one: ${odd.join(', ')}`);
});
