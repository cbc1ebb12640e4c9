// One place, one finding: when several rules report the same code (an unbatched
// `Promise.all(rows.map(async ...))` is also an unbounded read and unbounded concurrency), only the most
// specific one is shown; the others are named in its message and kept as related information.
// The order is documented in docs/rules/README.md ("Precedence").
import type { Finding, RuleId, Severity } from './types';

/** Most specific first. A finding is folded into any finding of a rule earlier in this list that shares a subject. */
export const RULE_PRECEDENCE: readonly RuleId[] = [
  'missing-commit',
  'schema-and-data-in-one-transaction',
  'unbatched-loop',
  'floating-write',
  'offset-pagination',
  'unbounded-concurrency',
  'unbounded-read',
  'no-conflict-retry',
  'non-resumable-batches',
];

const SEVERITY_RANK: Record<Exclude<Severity, 'off'>, number> = { error: 3, warning: 2, info: 1, hint: 0 };

function rank(id: RuleId): number {
  const i = RULE_PRECEDENCE.indexOf(id);
  return i < 0 ? RULE_PRECEDENCE.length : i;
}

/**
 * Folds findings that share a subject (a loop, a read, a call: keys the analyzer derived from the nodes
 * each report is about) into the finding of the most specific rule. The kept finding takes the most
 * severe of the folded severities, so a rule a project raised to `error` still fails CI.
 */
export function applyPrecedence(findings: Finding[], subjectsOf: (f: Finding) => readonly string[]): Finding[] {
  const ordered = [...findings].sort((a, b) => rank(a.ruleId) - rank(b.ruleId) || a.start - b.start);
  const owner = new Map<string, Finding>();
  const folded = new Map<Finding, Finding[]>();
  for (const f of ordered) {
    const keys = subjectsOf(f);
    const into = keys.map((k) => owner.get(k)).find((o) => o !== undefined && o.ruleId !== f.ruleId);
    if (into) {
      folded.get(into)?.push(f);
      for (const k of keys) if (!owner.has(k)) owner.set(k, into);
      continue;
    }
    folded.set(f, []);
    for (const k of keys) if (!owner.has(k)) owner.set(k, f);
  }
  const kept = findings.filter((f) => folded.has(f));
  return kept.map((f) => {
    const others = folded.get(f) ?? [];
    if (others.length === 0) return f;
    const ids = [...new Set(others.map((o) => o.ruleId))];
    const severity = [f, ...others].reduce((s, o) => (SEVERITY_RANK[o.severity] > SEVERITY_RANK[s] ? o.severity : s), f.severity);
    return {
      ...f,
      severity,
      message: `${f.message} (Also ${ids.join(', ')} here: see the related information.)`,
      related: [...f.related, ...others.map((o) => ({ file: o.file, range: o.range, message: `Also ${o.ruleId}: ${o.message}` }))],
      data: { ...f.data, alsoReported: ids },
    };
  });
}
