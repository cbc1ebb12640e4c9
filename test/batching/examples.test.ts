// The batching rewrite on the repository's own bad examples (examples/<library>/*.bad.*): every
// rewrite offered parses and leaves no unbatched loop behind, and the ones expected to be rewritten are.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/core/analyzer';
import { defaultConfig } from '../../server/src/core/config';
import { REWRITE_TITLE } from '../../server/src/core/fixes/batching/rewrite';
import { firstSyntaxError, parseSource } from '../../server/src/core/parse';
import { applyFix } from '../rules/rule-tester';

const examples = join(__dirname, '../../examples');
const analyzer = new Analyzer(defaultConfig(examples));

function badExamples(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : badExamples(path);
    return /\.bad\.[cm]?[jt]s$/.test(name) ? [path] : [];
  });
}

test('every rewrite offered on examples/ parses and leaves no unbatched loop', () => {
  const rewritten: string[] = [];
  for (const file of badExamples(examples)) {
    const text = readFileSync(file, 'utf8');
    const loops = analyzer.analyzeFile(file, text).findings.filter((f) => f.ruleId === 'unbatched-loop');
    for (const finding of loops) {
      const fix = finding.suggestions.find((s) => s.title.startsWith(REWRITE_TITLE));
      if (!fix) continue;
      const output = applyFix(text, fix);
      const name = relative(examples, file);
      assert.equal(firstSyntaxError(parseSource(file, output)), undefined, `${name}: the rewrite parses`);
      const left = analyzer.analyzeFile(file, output).findings.filter((f) => f.ruleId === 'unbatched-loop');
      assert.equal(left.length, loops.length - 1, `${name}: the rewritten loop is no longer reported`);
      rewritten.push(name);
    }
  }
  assert.deepEqual(rewritten.sort(), [
    'knex/backfill-display-names.bad.js',
    'kysely/convert-order-totals.bad.ts',
    'mongodb/migrations/20240815-split-product-price.bad.ts',
    'sequelize/mark-overdue-invoices.bad.ts',
  ]);
});
