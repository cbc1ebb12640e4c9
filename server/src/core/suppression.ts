// Suppression comments: `// evolve-disable-next-line <rule>[, <rule>] -- reason`,
// `// evolve-disable-line <rule>` and a file-level `/* evolve-disable <rule> */`.
// Without rule ids, a comment suppresses every rule.

export interface Suppressions {
  /** Rules disabled for the whole file ('*' for all). */
  file: Set<string>;
  /** 0-based line -> rules disabled on it. */
  lines: Map<number, Set<string>>;
}

const DIRECTIVE = /(?:\/\/|\/\*)\s*evolve-disable(-next-line|-line)?\b([^\n*]*?)(?:\*\/|$)/gm;

function parseRules(spec: string): Set<string> {
  const ids = spec.split('--')[0].split(/[\s,]+/).filter(Boolean);
  return new Set(ids.length ? ids : ['*']);
}

export function parseSuppressions(text: string): Suppressions {
  const result: Suppressions = { file: new Set(), lines: new Map() };
  if (!text.includes('evolve-disable')) return result;
  let line = 0;
  let lastIndex = 0;
  for (const m of text.matchAll(DIRECTIVE)) {
    for (let i = lastIndex; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
    lastIndex = m.index;
    const rules = parseRules(m[2] ?? '');
    if (!m[1]) {
      for (const r of rules) result.file.add(r);
      continue;
    }
    const target = m[1] === '-next-line' ? line + 1 : line;
    const set = result.lines.get(target) ?? new Set<string>();
    for (const r of rules) set.add(r);
    result.lines.set(target, set);
  }
  return result;
}

export function isSuppressed(s: Suppressions, ruleId: string, line: number): boolean {
  if (s.file.has('*') || s.file.has(ruleId)) return true;
  const set = s.lines.get(line);
  return !!set && (set.has('*') || set.has(ruleId));
}
