// Every rule has a test table and a documentation page, and its docs url points at that page.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RULES } from '../../server/src/core/rules';

const root = join(__dirname, '..', '..');

test('every rule has a file, a test table and a docs page', () => {
  // rules/ holds rules only (fix builders live in core/fixes/): every file but index.ts is one rule.
  const files = readdirSync(join(root, 'server/src/core/rules')).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
  assert.deepEqual(files.map((f) => f.replace(/\.ts$/, '')).sort(), Object.keys(RULES).sort());
  for (const id of Object.keys(RULES) as (keyof typeof RULES)[]) {
    assert.equal(RULES[id].meta.id, id);
    assert.ok(existsSync(join(root, 'test/rules', `${id}.test.ts`)), `test/rules/${id}.test.ts`);
    assert.ok(existsSync(join(root, 'docs/rules', `${id}.md`)), `docs/rules/${id}.md`);
    assert.ok(RULES[id].meta.docsUrl.endsWith(`/docs/rules/${id}.md`));
  }
});
