import { blank, deepSpans, longestParsingPrefix, type NestingCut } from './deep-nesting';
import { checkBudget, isStackOverflow } from './semantics/budget';
import { treeIndex } from './semantics/tree-index';
import { ts } from './ts';

export function scriptKindFor(path: string): ts.ScriptKind {
  const lower = path.toLowerCase();
  if (lower.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (lower.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.(c|m)?js$/.test(lower)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

const cuts = new WeakMap<ts.SourceFile, NestingCut>();

/**
 * Parses a file with parent pointers (the analysis walks upwards a lot). TypeScript would set them
 * with a walk of its own over the new tree (a sixth of the parse); the tree index's walk, which every
 * analysed tree gets anyway, sets them instead, so the index is built here, before anything can ask
 * a node for its parent. Only the nodes `ts.forEachChild` reaches get one (JSDoc is not parsed at all).
 */
export function parseSource(path: string, text: string): ts.SourceFile {
  const sf = parseWithoutParents(path, text);
  treeIndex(sf);
  return sf;
}

function parseWithoutParents(path: string, text: string): ts.SourceFile {
  const kind = scriptKindFor(path);
  // No JSDoc: the analysis reads none, and a JS migration's `@param {import('knex').Knex}` comments
  // were parsed into type nodes for nothing.
  const options = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };
  const parse = (t: string) => ts.createSourceFile(path, t, options, false, kind);
  try {
    return parse(text);
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
  }
  // Nested too deeply for the recursive parser: blank the deepest parts, then keep what parses.
  const variant = kind === ts.ScriptKind.TS ? ts.LanguageVariant.Standard : ts.LanguageVariant.JSX;
  const cut: NestingCut = { blanked: deepSpans(text, variant) };
  const flattened = blank(text, cut.blanked);
  const attempt = (t: string): ts.SourceFile | undefined => {
    checkBudget();
    try {
      return parse(t);
    } catch (error) {
      if (!isStackOverflow(error)) throw error;
      return undefined;
    }
  };
  let sf = attempt(flattened);
  if (!sf) {
    cut.prefixEnd = longestParsingPrefix(flattened, (prefix) => !!attempt(blankFrom(flattened, prefix.length)));
    sf = attempt(blankFrom(flattened, cut.prefixEnd)) ?? parse(blankFrom(text, 0));
  }
  cuts.set(sf, cut);
  return sf;
}

/**
 * Re-parses `previous` (a tree parseSource made whole, without a nesting cut) for its edited text
 * `text`, reusing the nodes the edit did not touch, as TypeScript's own language service does after
 * a keystroke: much cheaper than a fresh parse. `previous` is consumed (its reused nodes move to the
 * new tree), and every node-keyed fact must be forgotten before analysing the result
 * (semantics/node-facts.ts). Undefined when it cannot: the caller parses afresh.
 */
export function reparseSource(previous: ts.SourceFile, text: string): ts.SourceFile | undefined {
  if (cuts.has(previous)) return undefined;
  const old = previous.text;
  const shorter = Math.min(old.length, text.length);
  let prefix = 0;
  while (prefix < shorter && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
  const change = ts.createTextChangeRange(ts.createTextSpan(prefix, old.length - prefix - suffix), text.length - prefix - suffix);
  try {
    return ts.updateSourceFile(previous, text, change);
  } catch {
    // Too deeply nested for the recursive parser (parseSource knows how to cut it), or one of the
    // incremental parser's own assertions (the fuzz seeds meet one): a fresh parse answers both.
    return undefined;
  }
}

/** The text with everything from `offset` on blanked (same length and lines). */
function blankFrom(text: string, offset: number): string {
  return blank(text, [{ start: offset, end: text.length }]);
}

/** How the file's text was cut to parse it, when it was nested too deeply to parse whole. */
export function nestingCutOf(sf: ts.SourceFile): NestingCut | undefined {
  return cuts.get(sf);
}

function syntaxErrors(sf: ts.SourceFile): ts.DiagnosticWithLocation[] {
  return (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
}

/** The first syntax error TypeScript recovered from, if any. */
export function firstSyntaxError(sf: ts.SourceFile): ts.DiagnosticWithLocation | undefined {
  return syntaxErrors(sf)[0];
}

/**
 * Whether `offset` lies in a top-level statement the cut went through: what was skipped there (a commit,
 * a LIMIT) could make a finding wrong, so such findings are dropped rather than shown.
 */
export function inCutStatement(sf: ts.SourceFile, cut: NestingCut, offset: number): boolean {
  const statement = sf.statements.find((s) => s.pos <= offset && offset < s.end);
  if (!statement) return false;
  if (cut.blanked.some((b) => b.start < statement.end && b.end > statement.pos)) return true;
  // The kept prefix ends inside its last statement when that statement ends in a syntax error.
  const last = sf.statements[sf.statements.length - 1];
  return cut.prefixEnd !== undefined && statement === last && syntaxErrors(sf).some((d) => d.start >= last.pos);
}
