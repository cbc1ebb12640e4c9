// unbounded-read's rewrite: a cursor read into an array only to be looped over
// (`const docs = await coll.find(q).toArray(); for (const d of docs) ...`) becomes a loop over the
// cursor itself (`for await (const d of coll.find(q))`), which holds one batch in memory at a time.
// A suggestion: the cursor stays open while the loop runs, and sees documents changed meanwhile.
import { calleeName, forEachDescendant, unwrap } from '../semantics/ast';
import { ts } from '../ts';
import type { CodeFix } from '../types';

const TITLE = 'Iterate the cursor instead of loading every document (for await...of)';

function forAwaitHeader(loop: ts.ForOfStatement, cursorText: string): ts.TextRange & { text: string } | undefined {
  const sf = loop.getSourceFile();
  const close = sf.text.indexOf(')', loop.expression.getEnd());
  if (close < 0 || loop.awaitModifier) return undefined;
  return { pos: loop.getStart(sf), end: close + 1, text: `for await (${loop.initializer.getText(sf)} of ${cursorText})` };
}

/** The single later use of a variable in its block, if it is the list a for...of loops over. */
function onlyUseIsLoop(decl: ts.VariableDeclaration, statement: ts.VariableStatement): ts.ForOfStatement | undefined {
  const block = statement.parent;
  if (!ts.isBlock(block) && !ts.isSourceFile(block) || !ts.isIdentifier(decl.name)) return undefined;
  const name = decl.name.text;
  const uses: ts.Identifier[] = [];
  for (const s of block.statements.slice(block.statements.indexOf(statement) + 1)) {
    forEachDescendant(s, (n) => {
      if (ts.isIdentifier(n) && n.text === name && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) uses.push(n);
    }, () => true);
  }
  const [use] = uses;
  return uses.length === 1 && ts.isForOfStatement(use.parent) && use.parent.expression === use && use.parent.parent === block ? use.parent : undefined;
}

/** For an awaited `cursor.toArray()`, the rewrite to `for await` when the array is only looped over once. */
export function iterateCursorFix(read: ts.Expression): CodeFix[] {
  const call = unwrap(read);
  if (!ts.isCallExpression(call) || calleeName(call) !== 'toArray' || call.arguments.length > 0) return [];
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return [];
  const sf = call.getSourceFile();
  const cursorText = callee.expression.getText(sf);
  const awaited = call.parent && ts.isParenthesizedExpression(call.parent) ? call.parent.parent : call.parent;
  if (!awaited || !ts.isAwaitExpression(awaited)) return [];
  if (ts.isForOfStatement(awaited.parent) && awaited.parent.expression === awaited) {
    const header = forAwaitHeader(awaited.parent, cursorText);
    return header ? [{ title: TITLE, edits: [{ start: header.pos, end: header.end, newText: header.text }], preservesBehaviour: false }] : [];
  }
  const decl = awaited.parent;
  if (!ts.isVariableDeclaration(decl) || decl.initializer !== awaited) return [];
  const statement = decl.parent.parent;
  if (!ts.isVariableStatement(statement) || statement.declarationList.declarations.length !== 1) return [];
  const loop = onlyUseIsLoop(decl, statement);
  const header = loop && forAwaitHeader(loop, cursorText);
  if (!header) return [];
  const lineStart = sf.text.lastIndexOf('\n', statement.getStart(sf) - 1) + 1;
  const lineEnd = sf.text.indexOf('\n', statement.getEnd());
  const removal = /^\s*$/.test(sf.text.slice(lineStart, statement.getStart(sf))) && lineEnd >= 0
    ? { start: lineStart, end: lineEnd + 1, newText: '' }
    : { start: statement.getStart(sf), end: statement.getEnd(), newText: '' };
  return [{ title: TITLE, edits: [removal, { start: header.pos, end: header.end, newText: header.text }], preservesBehaviour: false }];
}
