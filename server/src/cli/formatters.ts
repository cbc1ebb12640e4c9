// Output formats of `evolve lint`: ESLint's stylish and JSON shapes, and SARIF 2.1.0 for code scanning.
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES } from '../core/rules';
import type { FatalProblem, FileResult, Finding, RuleId } from '../core/types';

export interface EslintMessage {
  ruleId: string | null;
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  messageId?: string;
  fatal?: boolean;
  hint?: boolean;
}

export interface EslintResult {
  filePath: string;
  messages: EslintMessage[];
  errorCount: number;
  warningCount: number;
  fatalErrorCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
}

export interface FormatOptions {
  includeHints: boolean;
}

/** What the formatters read of a finding: the fixes, suggestions and facts are the editor's. */
export type LintFinding = Pick<Finding, 'ruleId' | 'messageId' | 'message' | 'severity' | 'range'>;

/** What the formatters read of a file's analysis; all a lint worker thread sends back. */
export interface LintFileResult {
  file: string;
  findings: LintFinding[];
  fatal?: FatalProblem;
}

export function lintResultOf(r: FileResult): LintFileResult {
  const findings = r.findings.map(({ ruleId, messageId, message, severity, range }) => ({ ruleId, messageId, message, severity, range }));
  return r.fatal ? { file: r.file, findings, fatal: r.fatal } : { file: r.file, findings };
}

function toMessage(f: LintFinding): EslintMessage {
  return {
    ruleId: f.ruleId,
    severity: f.severity === 'error' ? 2 : 1,
    message: f.message,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    messageId: f.messageId,
    ...(f.severity === 'hint' ? { hint: true } : {}),
  };
}

export function toEslintResults(results: LintFileResult[], options: FormatOptions): EslintResult[] {
  return results.map((r) => {
    const messages: EslintMessage[] = [];
    if (r.fatal) {
      messages.push({ ruleId: null, severity: 2, fatal: true, message: r.fatal.message, line: r.fatal.range.start.line + 1, column: r.fatal.range.start.character + 1 });
    }
    for (const f of r.findings) if (f.severity !== 'hint' || options.includeHints) messages.push(toMessage(f));
    return {
      filePath: r.file,
      messages,
      errorCount: messages.filter((m) => m.severity === 2).length,
      // Hints (only present with --include-hints) are not warnings: they never count toward --max-warnings.
      warningCount: messages.filter((m) => m.severity === 1 && !m.hint).length,
      fatalErrorCount: messages.filter((m) => m.fatal).length,
      fixableErrorCount: 0,
      fixableWarningCount: 0,
    };
  });
}

export function formatJson(results: EslintResult[]): string {
  return JSON.stringify(results);
}

export function formatStylish(results: EslintResult[], cwd: string, color: boolean): string {
  const c = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const r of results) {
    if (r.messages.length === 0) continue;
    lines.push('', c('4', relative(cwd, r.filePath) || r.filePath));
    for (const m of r.messages) {
      const sev = m.severity === 2 ? c('31', 'error') : m.hint ? c('2', 'hint   ') : c('33', 'warning');
      lines.push(`  ${c('2', `${m.line}:${m.column}`.padEnd(7))} ${sev}  ${m.message}  ${c('2', m.ruleId ?? '')}`);
    }
    errors += r.errorCount;
    warnings += r.warningCount;
  }
  const total = errors + warnings;
  if (total > 0) {
    lines.push('', c(errors ? '31;1' : '33;1', `✖ ${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`), '');
  }
  return lines.join('\n');
}

export function formatSarif(results: EslintResult[], cwd: string): string {
  const ruleIds = Object.keys(RULES) as RuleId[];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'evolve',
            informationUri: 'https://github.com/evolve-migrations/evolve',
            rules: ruleIds.map((id) => ({
              id,
              shortDescription: { text: RULES[id].meta.description },
              helpUri: RULES[id].meta.docsUrl,
              defaultConfiguration: { level: RULES[id].meta.defaultSeverity === 'error' ? 'error' : 'warning' },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(cwd + '/').href } },
        results: results.flatMap((r) =>
          r.messages.map((m) => ({
            ruleId: m.ruleId ?? 'fatal',
            ...(m.ruleId ? { ruleIndex: ruleIds.indexOf(m.ruleId as RuleId) } : {}),
            level: m.severity === 2 ? 'error' : m.hint ? 'note' : 'warning',
            message: { text: m.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: relative(cwd, r.filePath).split('\\').join('/'), uriBaseId: 'SRCROOT' },
                  region: { startLine: m.line, startColumn: m.column, ...(m.endLine ? { endLine: m.endLine, endColumn: m.endColumn } : {}) },
                },
              },
            ],
          })),
        ),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
