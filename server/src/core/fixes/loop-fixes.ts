// Rewrites shared by rules about callback loops: `rows.forEach(async (r) => ...)` and
// `await Promise.all(rows.map(async (r) => ...))` become a `for...of` that awaits each item in turn.
// They change what runs when (one at a time, stopping at the first failure), so they are suggestions.
import { enclosingFunction, forEachDescendant, isFunctionLike, unwrap } from '../semantics/ast';
import { ts } from '../ts';
import type { CodeFix } from '../types';

function indentOf(sf: ts.SourceFile, pos: number): string {
  const lineStart = sf.text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(sf.text.slice(lineStart))?.[0] ?? '';
}

export function isAsyncFunction(fn: ts.Node | undefined): boolean {
  return !!fn && isFunctionLike(fn) && !!ts.getModifiers(fn)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}

/** The inline callback of a callback loop: `rows.forEach(async (r) => ...)`. */
export function inlineCallback(call: ts.CallExpression): ts.ArrowFunction | ts.FunctionExpression | undefined {
  const arg = call.arguments[0] && unwrap(call.arguments[0]);
  return arg && (ts.isArrowFunction(arg) || ts.isFunctionExpression(arg)) ? arg : undefined;
}

/** Whether moving the callback's body into a loop keeps its meaning: no `return`, `this` or `arguments`. */
function bodyMovable(cb: ts.ArrowFunction | ts.FunctionExpression): boolean {
  let movable = true;
  forEachDescendant(cb.body, (n) => {
    if (ts.isReturnStatement(n) || n.kind === ts.SyntaxKind.ThisKeyword || (ts.isIdentifier(n) && n.text === 'arguments')) movable = false;
    return movable ? undefined : 'skip';
  });
  return movable;
}

/** The callback's body as the statements of a loop, re-indented under `indent`. */
function loopBody(cb: ts.ArrowFunction | ts.FunctionExpression, indent: string): string {
  const sf = cb.getSourceFile();
  if (!ts.isBlock(cb.body)) {
    let expr: ts.Expression = cb.body;
    while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
    const text = expr.getText(sf);
    return `${indent}${ts.isAwaitExpression(expr) ? text : `await ${text}`};`;
  }
  const inner = sf.text.slice(cb.body.getStart(sf) + 1, cb.body.getEnd() - 1);
  const lines = inner.split('\n');
  if (lines.length === 1) return `${indent}${inner.trim()}`;
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  const common = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length));
  return lines.map((l) => (l.trim() ? indent + l.slice(common) : '')).join('\n');
}

/**
 * Replaces `statement` (whose work is the callback loop `loopCall`) with a `for...of` over the same
 * list. Offered only where the result is valid: an async function, a one-parameter callback whose body
 * can move into a loop.
 */
export function sequentialLoopFix(statement: ts.Statement, loopCall: ts.CallExpression, title: string): CodeFix[] {
  const cb = inlineCallback(loopCall);
  const callee = unwrap(loopCall.expression);
  if (!cb || !ts.isPropertyAccessExpression(callee) || cb.parameters.length !== 1 || !bodyMovable(cb)) return [];
  if (!isAsyncFunction(enclosingFunction(statement))) return [];
  if (ts.isBlock(cb.body) && !isAsyncFunction(cb)) return [];
  const sf = statement.getSourceFile();
  const start = statement.getStart(sf);
  const indent = indentOf(sf, start);
  const param = cb.parameters[0].name.getText(sf);
  const newText = `for (const ${param} of ${callee.expression.getText(sf)}) {\n${loopBody(cb, indent + '  ')}\n${indent}}`;
  return [{ title, edits: [{ start, end: statement.getEnd(), newText }], preservesBehaviour: false }];
}

/** The statement a call's value is thrown away in: `call;` or `await call;`. */
export function discardingStatement(call: ts.Node): ts.ExpressionStatement | undefined {
  let n: ts.Node = call;
  while (ts.isParenthesizedExpression(n.parent) || ts.isAwaitExpression(n.parent)) n = n.parent;
  return ts.isExpressionStatement(n.parent) ? n.parent : undefined;
}
