// The tree index (server/src/core/semantics/tree-index.ts) stands in for walking a subtree: for every
// node of a tree, the slice of the index it gives must be exactly the indexed nodes `walk` visits under
// that node, in the same order; its identifiers those `walk` visits. Real example scripts, fuzz inputs
// the parser had to recover from (missing and empty nodes), and trees re-parsed incrementally.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSource, reparseSource } from '../server/src/core/parse';
import { walk } from '../server/src/core/semantics/ast';
import { forgetNodeFacts } from '../server/src/core/semantics/node-facts';
import { isIndexedKind, treeIndex } from '../server/src/core/semantics/tree-index';
import { ts } from '../server/src/core/ts';
import { generate } from './fuzz/generate';

const EXAMPLES = join(__dirname, '..', 'examples');

function examples(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const lib of readdirSync(EXAMPLES, { withFileTypes: true })) {
    if (!lib.isDirectory()) continue;
    for (const f of readdirSync(join(EXAMPLES, lib.name))) if (/\.ts$/.test(f)) out.push({ path: join(EXAMPLES, lib.name, f), text: readFileSync(join(EXAMPLES, lib.name, f), 'utf8') });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Every node of the tree, and for each the indexed nodes `walk` visits under it. */
function checkAgainstWalk(sf: ts.SourceFile, label: string): number {
  const index = treeIndex(sf);
  const identifiers: ts.Node[] = [];
  const all: ts.Node[] = [];
  walk(sf, (n) => {
    all.push(n);
    if (n.kind === ts.SyntaxKind.Identifier) identifiers.push(n);
  });
  assert.deepEqual(index.identifiers, identifiers, `${label}: identifiers`);
  // By name: the first names are found by a scan each, the rest after grouping them all (and a name
  // asked for again, or one that is not there, before and after).
  const names = [...new Set(identifiers.map((n) => (n as ts.Identifier).text)), 'notAnIdentifierHere'];
  for (const name of [...names, ...names]) {
    assert.deepEqual(index.identifiersNamed(name), identifiers.filter((n) => (n as ts.Identifier).text === name), `${label}: identifiers named ${name}`);
  }
  for (const root of all) {
    const expected: ts.Node[] = [];
    walk(root, (n) => {
      if (n !== root && isIndexedKind(n.kind)) expected.push(n);
    });
    const start = index.start(root);
    const slice = index.nodes.slice(start, index.end(root, start));
    if (slice.length !== expected.length || slice.some((n, i) => n !== expected[i])) {
      assert.fail(`${label}: the index's slice under ${ts.SyntaxKind[root.kind]} at ${root.pos}-${root.end} is not what walk visits`);
    }
  }
  return all.length;
}

test('the index gives exactly what walk visits under every node of the examples', () => {
  let nodes = 0;
  for (const { path, text } of examples()) nodes += checkAgainstWalk(parseSource(path, text), path);
  assert.ok(nodes > 5_000, `only ${nodes} nodes checked`);
});

test('the index agrees with walk on trees the parser recovered from errors', () => {
  let checked = 0;
  for (let seed = 1; seed <= 200 && checked < 60; seed++) {
    const input = generate(seed);
    if (!['truncated', 'mutated', 'tokens', 'garbage-appended', 'flow', 'bom-crlf'].includes(input.kind) || input.text.length > 20_000) continue;
    const sf = parseSource(`/fuzz/${input.file}`, input.text);
    checkAgainstWalk(sf, `seed ${seed} (${input.kind})`);
    checked++;
  }
  assert.ok(checked >= 30, `only ${checked} inputs checked`);
});

test('a tree re-parsed incrementally gets a new index, which agrees with walk', () => {
  const [{ path, text }] = examples().filter((e) => e.text.includes('for ('));
  const before = parseSource(path, text);
  const old = treeIndex(before);
  const at = text.indexOf('for (');
  const edited = text.slice(0, at) + 'const added = 1;\n  ' + text.slice(at);
  const after = reparseSource(before, edited);
  assert.ok(after, 'the edit re-parses incrementally');
  forgetNodeFacts();
  assert.notEqual(treeIndex(after), old);
  checkAgainstWalk(after, `${path}, edited`);
});

/** Nodes whose parent pointer is not the node `ts.forEachChild` reached them from (undefined counts). */
function wrongParents(sf: ts.SourceFile): number {
  let wrong = 0;
  const stack: ts.Node[] = [sf];
  while (stack.length > 0) {
    const n = stack.pop() as ts.Node;
    ts.forEachChild(n, (child) => {
      if (child.parent !== n) wrong++;
      stack.push(child);
    });
  }
  return wrong;
}

test('parseSource leaves the parent pointers to the index, which sets every one TypeScript would', () => {
  const inputs = examples().slice(0, 12);
  for (let seed = 1; seed <= 80; seed++) {
    const input = generate(seed);
    if (input.text.length <= 20_000) inputs.push({ path: `/fuzz/${input.file}`, text: input.text });
  }
  let nodes = 0;
  let bareParsed = 0;
  for (const { path, text } of inputs) {
    let bare: ts.SourceFile;
    try {
      bare = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false);
    } catch (error) {
      // Nesting 1,000 deep overflows TypeScript's recursive parser where the native stack is smaller
      // (it did on CI's machine); parseSource cuts those below.
      if (error instanceof RangeError) continue;
      throw error;
    }
    bareParsed++;
    assert.ok(wrongParents(bare) > 0 || bare.statements.length === 0, `${path}: TypeScript set parents without being asked, so this test proves nothing`);
  }
  assert.ok(bareParsed >= 60, `TypeScript parsed only ${bareParsed} of the inputs whole`);
  // Nested past what the recursive parser can take: parseSource cuts it (parse.ts), then indexes the cut tree.
  inputs.push({ path: '/deep.ts', text: `const x = ${'['.repeat(20_000)}${']'.repeat(20_000)};\nfor (const r of rows) f(r);\n` });
  for (const { path, text } of inputs) {
    const sf = parseSource(path, text);
    assert.equal(wrongParents(sf), 0, `${path}: nodes without their parent`);
    nodes += sf.end;
  }
  assert.ok(nodes > 100_000, `only ${nodes} characters of trees checked`);
});
