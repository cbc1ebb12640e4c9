// The shape of a rule module, after ESLint's: `meta` (description, messages by id, docs url) and `check`.
import type { EvolveConfig } from './config';
import type { RunnerTransaction } from './semantics/transactions';
import type { ts } from './ts';
import type { CodeFix, RuleId, Severity } from './types';

export const DOCS_BASE = 'https://github.com/evolve-migrations/evolve/blob/main/docs/rules/';

export interface RuleMeta {
  id: RuleId;
  description: string;
  docsUrl: string;
  defaultSeverity: Exclude<Severity, 'off'>;
  /** Message templates by id; `{name}` placeholders are filled from the report's data. */
  messages: Record<string, string>;
  hasSuggestions: boolean;
}

export interface RuleReport {
  node: ts.Node;
  /** Where the squiggle ends (default: the end of the node's first line). */
  end?: number;
  messageId: string;
  data?: Record<string, string | number>;
  fixes?: CodeFix[];
  suggestions?: CodeFix[];
  related?: { node: ts.Node; message: string }[];
  /** Facts for code actions (kept in the diagnostic's data). */
  facts?: Record<string, unknown>;
  /**
   * The code this finding is about (default: `node` and the related nodes): the loop, the read, the call. Findings of several
   * rules that share a subject are folded into the most specific one (core/precedence.ts).
   */
  subjects?: ts.Node[];
}

export interface RuleContext {
  sf: ts.SourceFile;
  config: EvolveConfig;
  runner: RunnerTransaction;
  report(r: RuleReport): void;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

export function docsUrl(id: RuleId): string {
  return `${DOCS_BASE}${id}.md`;
}
