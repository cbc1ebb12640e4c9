// A RuleTester in ESLint's shape: `run(ruleId, { valid, invalid })`. Each invalid case asserts its
// findings' message ids and lines; each suggestion asserts its exact output, which must parse.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Analyzer } from '../../server/src/core/analyzer';
import { defaultConfig, type EvolveConfig } from '../../server/src/core/config';
import { firstSyntaxError, parseSource } from '../../server/src/core/parse';
import type { CodeFix, Finding, RuleId } from '../../server/src/core/types';

export interface ValidCase {
  code: string;
  /** Path relative to the virtual project root (default `migrations/script.ts`). */
  filename?: string;
  /** Other files of the project, for helpers imported from them. */
  files?: Record<string, string>;
  config?: (c: EvolveConfig) => void;
  name?: string;
}

export interface InvalidCase extends ValidCase {
  errors: { messageId: string; line: number; suggestions?: { output: string }[] }[];
}

const ROOT = '/virtual-project';

export function applyFix(text: string, fix: CodeFix): string {
  const edits = [...fix.edits].sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

function analyse(c: ValidCase, ruleId: RuleId): Finding[] {
  const config = defaultConfig(ROOT);
  c.config?.(config);
  const files = new Map(Object.entries(c.files ?? {}).map(([k, v]) => [`${ROOT}/${k}`, v]));
  const analyzer = new Analyzer(config, { readFile: (p) => files.get(p) });
  const result = analyzer.analyzeFile(`${ROOT}/${c.filename ?? 'migrations/script.ts'}`, c.code);
  assert.equal(result.fatal, undefined, `the case must parse: ${result.fatal?.message}`);
  return result.findings.filter((f) => f.ruleId === ruleId);
}

export function run(ruleId: RuleId, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  const seen = new Set<string>();
  const unique = (c: ValidCase) => {
    const key = `${c.filename ?? ''}\n${c.code}`;
    assert.ok(!seen.has(key), `duplicate test case:\n${c.code}`);
    seen.add(key);
  };
  describe(ruleId, () => {
    describe('valid', () => {
      for (const c of cases.valid) {
        it(c.name ?? c.code.trim().split('\n').slice(0, 2).join(' ').slice(0, 90), () => {
          unique(c);
          const findings = analyse(c, ruleId);
          assert.deepEqual(findings.map((f) => `${f.range.start.line + 1}: ${f.messageId}`), [], 'expected no findings');
        });
      }
    });
    describe('invalid', () => {
      for (const c of cases.invalid) {
        it(c.name ?? c.code.trim().split('\n').slice(0, 2).join(' ').slice(0, 90), () => {
          unique(c);
          const findings = analyse(c, ruleId);
          assert.deepEqual(
            findings.map((f) => `${f.range.start.line + 1}: ${f.messageId}`),
            c.errors.map((e) => `${e.line}: ${e.messageId}`),
          );
          c.errors.forEach((e, i) => {
            if (!e.suggestions) return;
            const got = findings[i].suggestions;
            assert.equal(got.length, e.suggestions.length, 'number of suggestions');
            e.suggestions.forEach((s, j) => {
              assert.equal(got[j].preservesBehaviour, false, 'a behaviour-changing rewrite must be a suggestion');
              const output = applyFix(c.code, got[j]);
              assert.equal(output, s.output);
              const sf = parseSource(`${ROOT}/out.ts`, output);
              assert.equal(firstSyntaxError(sf), undefined, 'the suggestion output must parse');
            });
          });
        });
      }
    });
  });
}
