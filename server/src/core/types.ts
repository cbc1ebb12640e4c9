// The analysis core's public types. Nothing here knows about editors or LSP:
// server/src/lsp converts these to LSP, server/src/cli formats them for terminals.

export type RuleId =
  | 'unbatched-loop'
  | 'missing-commit'
  | 'unbounded-read'
  | 'unbounded-concurrency'
  | 'floating-write'
  | 'offset-pagination'
  | 'no-conflict-retry'
  | 'non-resumable-batches'
  | 'schema-and-data-in-one-transaction';

/** `off` disables a rule; `hint` shows in the editor only (left out of JSON/SARIF unless asked). */
export type Severity = 'error' | 'warning' | 'info' | 'hint' | 'off';

/** 0-based line and UTF-16 character, as in LSP. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A replacement of the text between two offsets of a file (UTF-16 offsets into the text analysed). */
export interface TextEdit {
  /** Absolute path of the file to edit; the finding's own file when absent. */
  file?: string;
  start: number;
  end: number;
  newText: string;
}

export interface CodeFix {
  /** What the user reads in the quick-fix menu. */
  title: string;
  edits: TextEdit[];
  /** True when applying it keeps behaviour (safe for "fix all"); false for suggestions. */
  preservesBehaviour: boolean;
}

export interface RelatedInfo {
  file: string;
  range: Range;
  message: string;
}

export interface Finding {
  ruleId: RuleId;
  /** Which case of the rule fired (a key of the rule's `meta.messages`). */
  messageId: string;
  message: string;
  severity: Exclude<Severity, 'off'>;
  file: string;
  range: Range;
  /** Offsets of `range` in the file's text. */
  start: number;
  end: number;
  /** Behaviour-preserving fixes. */
  fixes: CodeFix[];
  /** Behaviour-changing rewrites: offered, never applied automatically. */
  suggestions: CodeFix[];
  related: RelatedInfo[];
  /** What code actions need to act on this finding without re-analysing. */
  data?: Record<string, unknown>;
}

/** A file the analyser could not parse or gave up on: one message, as ESLint's `fatal`. */
export interface FatalProblem {
  message: string;
  range: Range;
}

export interface FileResult {
  file: string;
  findings: Finding[];
  fatal?: FatalProblem;
}

export interface SourceText {
  /** Absolute path. */
  path: string;
  text: string;
}
