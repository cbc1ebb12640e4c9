// Core findings -> LSP diagnostics. Each diagnostic carries in `data` everything its code actions
// need (the finding's offsets, fixes and suggestions) plus the document version it was computed
// for, so a code action request never re-analyses and never applies offsets to a newer text.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { ConfigProblem } from '../core/config';
import { RULES } from '../core/rules';
import type { CodeFix, FileResult, Finding, RuleId, Severity } from '../core/types';
import { DIAGNOSTIC_SOURCE } from './protocol';

export interface EvolveDiagnosticData {
  /** Version of the document analysed; null when the text came from disk (workspace scan). */
  version: number | null;
  ruleId: RuleId;
  messageId: string;
  start: number;
  end: number;
  fixes: CodeFix[];
  suggestions: CodeFix[];
}

const SEVERITIES: Record<Exclude<Severity, 'off'>, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The rule's documentation page (codeDescription.href): RULES[id].meta.docsUrl. */
function docsUrl(ruleId: RuleId): string {
  return RULES[ruleId].meta.docsUrl;
}

export function findingToDiagnostic(finding: Finding, version: number | null): Diagnostic {
  const data: EvolveDiagnosticData = {
    version,
    ruleId: finding.ruleId,
    messageId: finding.messageId,
    start: finding.start,
    end: finding.end,
    fixes: finding.fixes,
    suggestions: finding.suggestions,
  };
  return {
    range: finding.range,
    severity: SEVERITIES[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.ruleId,
    codeDescription: { href: docsUrl(finding.ruleId) },
    message: finding.message,
    relatedInformation: finding.related.map((r) => ({
      location: { uri: r.file, range: r.range },
      message: r.message,
    })),
    data,
  };
}

/** All diagnostics of one analysed file; `toUri` maps the core's absolute paths in related information. */
export function fileResultToDiagnostics(
  result: FileResult,
  version: number | null,
  toUri: (path: string) => string,
): Diagnostic[] {
  const diagnostics = result.findings.map((f) => {
    const d = findingToDiagnostic(f, version);
    for (const info of d.relatedInformation ?? []) info.location.uri = toUri(info.location.uri);
    return d;
  });
  if (result.fatal) {
    diagnostics.push({
      range: result.fatal.range,
      severity: DiagnosticSeverity.Error,
      source: DIAGNOSTIC_SOURCE,
      // "analysis gave up ..." already says what happened; other fatals (parse errors) need the lead-in.
      message: result.fatal.message.startsWith('analysis gave up') ? result.fatal.message : `Evolve could not analyse this file: ${result.fatal.message}`,
    });
  }
  return diagnostics;
}

/** An invalid evolve.config.json: one error per problem, at its place in the file. */
export function configProblemsToDiagnostics(problems: ConfigProblem[], positionAt: (offset: number) => { line: number; character: number }): Diagnostic[] {
  return problems.map((p) => ({
    range: { start: positionAt(p.offset), end: positionAt(p.offset + Math.max(p.length, 1)) },
    severity: DiagnosticSeverity.Error,
    source: DIAGNOSTIC_SOURCE,
    code: 'config',
    message: p.message,
  }));
}

/** Type guard for data coming back from the client, which may be anything. */
export function isEvolveDiagnosticData(value: unknown): value is EvolveDiagnosticData {
  const v = value as EvolveDiagnosticData | undefined;
  return (
    !!v &&
    typeof v === 'object' &&
    typeof v.ruleId === 'string' &&
    typeof v.start === 'number' &&
    typeof v.end === 'number' &&
    (v.version === null || typeof v.version === 'number') &&
    Array.isArray(v.fixes) &&
    Array.isArray(v.suggestions)
  );
}
