// The batching rewrite on the repository's own bad examples (examples/<library>/*.bad.*): every
// rewrite offered parses, leaves no unbatched loop behind and type-checks with the examples' own
// tsconfig (real library typings), and the ones expected to be rewritten are.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
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
  const outputs = new Map<string, string>();
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
      outputs.set(file, output);
    }
  }
  assert.deepEqual(rewritten.sort(), [
    'knex/backfill-display-names.bad.js',
    'kysely/convert-order-totals.bad.ts',
    'mongodb/migrations/20240815-split-product-price.bad.ts',
    'sequelize/mark-overdue-invoices.bad.ts',
  ]);

  // The examples' program with the rewritten texts in place of the originals.
  const configPath = join(examples, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  assert.ok(config);
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => outputs.get(f) ?? readFile(f);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError) => (outputs.has(f) ? ts.createSourceFile(f, outputs.get(f)!, lang) : getSourceFile(f, lang, onError));
  const program = ts.createProgram({ rootNames: [...outputs.keys()].filter((f) => f.endsWith('.ts')), options: config.options, host });
  const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n') + (d.file ? ` (${relative(examples, d.file.fileName)})` : ''));
  assert.deepEqual(errors, [], 'the rewritten examples type-check');
});
