// Recovery for code nested so deeply that TypeScript's recursive parser overflows the stack
// (a generated file, a minified bundle, garbage): the parts nested deeper than MAX_DEPTH brackets
// are blanked out (spaces, newlines kept, so offsets and lines stay right) and the rest is parsed,
// so the file's ordinary code is still analysed. If that is not enough (deep nesting without brackets,
// such as thousands of chained `else if`s), only the longest prefix of whole lines that parses is kept.
import { ts } from './ts';

/** Brackets deeper than this are blanked: far beyond hand-written code, far below what overflows. */
export const MAX_DEPTH = 200;

const OPENERS = new Set([ts.SyntaxKind.OpenBraceToken, ts.SyntaxKind.OpenParenToken, ts.SyntaxKind.OpenBracketToken, ts.SyntaxKind.TemplateHead]);
const CLOSERS = new Set([ts.SyntaxKind.CloseBraceToken, ts.SyntaxKind.CloseParenToken, ts.SyntaxKind.CloseBracketToken]);
/** Tokens after which a `/` divides; after anything else it starts a regular expression. */
const ENDS_EXPRESSION = new Set([
  ts.SyntaxKind.Identifier, ts.SyntaxKind.NumericLiteral, ts.SyntaxKind.BigIntLiteral, ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.CloseParenToken, ts.SyntaxKind.CloseBracketToken, ts.SyntaxKind.CloseBraceToken, ts.SyntaxKind.ThisKeyword,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral, ts.SyntaxKind.TemplateTail, ts.SyntaxKind.PlusPlusToken, ts.SyntaxKind.MinusMinusToken,
]);

/** Where the text was cut to make it parse: blanked spans, or everything from `prefixEnd` on. */
export interface NestingCut {
  blanked: { start: number; end: number }[];
  prefixEnd?: number;
}

/** Spans nested deeper than MAX_DEPTH brackets, found with the compiler's (iterative) scanner. */
export function deepSpans(text: string, languageVariant: ts.LanguageVariant): { start: number; end: number }[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, languageVariant, text);
  const stack: ts.SyntaxKind[] = [];
  const spans: { start: number; end: number }[] = [];
  let deepFrom = -1;
  let previous = ts.SyntaxKind.Unknown;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.CloseBraceToken && stack[stack.length - 1] === ts.SyntaxKind.TemplateHead) {
      kind = scanner.reScanTemplateToken(false);
      if (kind === ts.SyntaxKind.TemplateMiddle) continue;
    }
    if ((kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) && !ENDS_EXPRESSION.has(previous)) {
      kind = scanner.reScanSlashToken();
    }
    previous = kind;
    if (OPENERS.has(kind)) {
      stack.push(kind);
      if (stack.length === MAX_DEPTH + 1) deepFrom = scanner.getTokenEnd();
    } else if (CLOSERS.has(kind) || kind === ts.SyntaxKind.TemplateTail) {
      if (stack.length === MAX_DEPTH + 1 && deepFrom >= 0) {
        spans.push({ start: deepFrom, end: scanner.getTokenStart() });
        deepFrom = -1;
      }
      stack.pop();
    }
  }
  if (deepFrom >= 0) spans.push({ start: deepFrom, end: text.length });
  return spans;
}

/** The text with the spans replaced by spaces (line breaks kept). */
export function blank(text: string, spans: { start: number; end: number }[]): string {
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + text.slice(s.start, s.end).replace(/[^\r\n]/g, ' ');
    at = s.end;
  }
  return out + text.slice(at);
}

/**
 * The longest prefix of whole lines for which `parses` holds, by bisection (a handful of parses).
 * Returns the offset where the kept prefix ends.
 */
export function longestParsingPrefix(text: string, parses: (prefix: string) => boolean): number {
  const lineEnds: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineEnds.push(i + 1);
  let low = 0;
  let high = lineEnds.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (parses(text.slice(0, lineEnds[mid - 1]))) low = mid;
    else high = mid - 1;
  }
  return low === 0 ? 0 : lineEnds[low - 1];
}

/** Where the first cut begins: the squiggle goes there. */
export function cutStart(cut: NestingCut): number {
  return cut.blanked[0]?.start ?? cut.prefixEnd ?? 0;
}

/** What was cut, in lines, for the user: "lines 3-1,004 nested more than 200 deep were skipped". */
export function describeCut(cut: NestingCut, lineAt: (offset: number) => number): string {
  const parts: string[] = [];
  if (cut.blanked.length > 0) {
    const from = lineAt(cut.blanked[0].start) + 1;
    const to = lineAt(cut.blanked[cut.blanked.length - 1].end) + 1;
    parts.push(`${from === to ? `line ${from}` : `lines ${from}-${to}`}, nested more than ${MAX_DEPTH} brackets deep, ${cut.blanked.length === 1 ? 'was' : 'were'} skipped`);
  }
  if (cut.prefixEnd !== undefined) parts.push(`everything from line ${lineAt(cut.prefixEnd) + 1} on was skipped`);
  return parts.join('; ') || 'it could not be parsed';
}
