// The properties every fuzz input must keep, checked in-process through the real Analyzer:
// no exception escapes, every result has the fatal-or-findings shape, no internal crash is reported
// (a rule that threw), and a valid script inside the input keeps its findings.
import { Analyzer, type AnalyzerOptions } from '../../server/src/core/analyzer';
import { defaultConfig } from '../../server/src/core/config';
import type { FileResult, Range } from '../../server/src/core/types';
import type { FuzzInput } from './generate';
import type { Template } from './templates';

export const ROOT = '/virtual-project';

/** The other project files of the input being checked (helpers it imports). */
const projectFiles = new Map<string, string>();

export function fuzzAnalyzer(options: AnalyzerOptions = {}): Analyzer {
  return new Analyzer(defaultConfig(ROOT), { readFile: (p) => projectFiles.get(p) }, options);
}

function rangeProblem(range: Range | undefined, lines: number): string | undefined {
  if (!range) return 'no range';
  const { start, end } = range;
  const ok = [start.line, start.character, end.line, end.character].every((n) => Number.isInteger(n) && n >= 0);
  if (!ok || start.line > end.line || end.line >= lines) return `range ${JSON.stringify(range)} outside the file's ${lines} lines`;
  return undefined;
}

/** Problems with the result's shape; an empty list when it is well formed. */
export function shapeProblems(result: FileResult, path: string, text: string): string[] {
  const problems: string[] = [];
  const lines = text.split(/\r\n|\r|\n|\u2028|\u2029/).length;
  if (result.file !== path) problems.push(`result.file is ${result.file}, not ${path}`);
  if (!Array.isArray(result.findings)) return [...problems, 'findings is not an array'];
  if (result.fatal) {
    if (typeof result.fatal.message !== 'string' || result.fatal.message.length === 0) problems.push('fatal without a message');
    const r = rangeProblem(result.fatal.range, lines);
    if (r) problems.push(`fatal: ${r}`);
    if (/could not (finish analysing|analyse) this file/.test(result.fatal.message)) problems.push(`internal error: ${result.fatal.message}`);
  }
  for (const f of result.findings) {
    if (!f.ruleId || !f.messageId || !f.message) problems.push(`finding without rule, message id or message: ${JSON.stringify(f).slice(0, 200)}`);
    const r = rangeProblem(f.range, lines);
    if (r) problems.push(`${f.ruleId}: ${r}`);
    if (!(f.start >= 0 && f.start <= f.end && f.end <= text.length)) problems.push(`${f.ruleId}: offsets ${f.start}-${f.end} outside the text (${text.length})`);
  }
  return problems;
}

const lineKeys = (r: FileResult) => r.findings.map((f) => `${f.ruleId}:${f.messageId} at line ${f.range.start.line + 1}`);

const expected = new WeakMap<Template, string[]>();

/** Findings of the valid script alone, keyed by rule, message id and line (analysed once per template). */
export function expectedFindings(analyzer: Analyzer, template: Template): string[] {
  let keys = expected.get(template);
  if (!keys) {
    keys = lineKeys(analyzer.analyzeFile(`${ROOT}/${template.file}`, template.text));
    expected.set(template, keys);
  }
  return keys;
}

/** Every property of one input; the problems found (empty when it passes). */
export function checkInput(analyzer: Analyzer, input: FuzzInput): string[] {
  const path = `${ROOT}/${input.file}`;
  let result: FileResult;
  projectFiles.clear();
  for (const [file, text] of Object.entries(input.files ?? {})) projectFiles.set(`${ROOT}/${file}`, text);
  try {
    result = analyzer.analyzeFile(path, input.text);
  } catch (error) {
    return [`analyzeFile threw: ${(error as Error)?.stack ?? String(error)}`];
  }
  const problems = shapeProblems(result, path, input.text);
  if (input.keeps) {
    projectFiles.clear();
    const got = new Set(lineKeys(result));
    const missing = expectedFindings(analyzer, input.keeps).filter((k) => !got.has(k));
    if (missing.length > 0) problems.push(`lost the valid part's findings: ${missing.join('; ')}${result.fatal ? ` (fatal: ${result.fatal.message})` : ''}`);
  }
  return problems;
}
