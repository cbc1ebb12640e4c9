// Finds loops of every shape scripts use and what each one iterates.
import { ts } from '../ts';
import { onTreeReuse } from './node-facts';
import { nameOfCallee, unwrap } from './ast';
import { classifyCall } from './calls';
import { UNKNOWN, type Origin } from './context';
import { resolveCallee, summaryOf } from './functions';
import { originOf } from './origins';
import { resolveIdentifier } from './scope';
import { indexOf } from './tree-index';

export interface Loop {
  /** The loop statement, or the call for callback loops (`rows.forEach(...)`). */
  node: ts.Node;
  kind: 'for-of' | 'for-in' | 'for' | 'while' | 'do' | 'callback' | 'cursor-while';
  /** The code that runs once per iteration. */
  body: ts.Node;
  /** What is iterated, for loops over a collection or cursor; undefined for while/page loops. */
  iterated: Origin | undefined;
}

const CALLBACK_LOOPS = new Set(['forEach', 'map', 'flatMap', 'eachAsync', 'each', 'eachSeries', 'mapSeries', 'reduce', 'filter', 'some', 'every', 'forEachSeries', 'eachLimit', 'mapLimit']);
const FUNCTION_LOOPS = /^(pMap|pMapSeries|mapSeries|eachSeries|mapLimit|eachLimit|each|map|forEach|pEachSeries)$/;
const CURSOR_STEPS = new Set(['hasNext', 'next', 'tryNext', 'read']);

function callbackOf(call: ts.CallExpression): ts.FunctionLikeDeclaration | undefined {
  for (const a of call.arguments) {
    const arg = unwrap(a);
    if (ts.isArrowFunction(arg) || ts.isFunctionExpression(arg)) return arg;
  }
  // `rows.forEach(migrateRow)`: a named helper declared in the project.
  const first = call.arguments[0];
  if (first && ts.isIdentifier(first)) {
    const decl = resolveIdentifier(first);
    if (decl && ts.isFunctionDeclaration(decl)) return decl;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer) {
      const init = unwrap(decl.initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
    }
  }
  return undefined;
}

/** The cursor `call` steps (`cursor.next()`), if it is such a step. */
function cursorStep(call: ts.CallExpression): ts.Expression | undefined {
  if (!CURSOR_STEPS.has(nameOfCallee(call.expression) ?? '')) return undefined;
  const callee = unwrap(call.expression);
  return ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
}

/** The cursor a while loop steps through: `while (await cursor.hasNext())`, `while ((doc = await cursor.next()))`. */
function steppedCursor(cond: ts.Node): ts.Expression | undefined {
  if (ts.isCallExpression(cond)) {
    const cursor = cursorStep(cond);
    if (cursor) return cursor;
  }
  const index = indexOf(cond);
  const nodes = index.nodes;
  for (let i = index.start(cond), end = index.end(cond, i); i < end; i++) {
    const n = nodes[i];
    if (n.kind !== ts.SyntaxKind.CallExpression) continue;
    const cursor = cursorStep(n as ts.CallExpression);
    if (cursor) return cursor;
  }
  return undefined;
}

/** `for (let i = 0; i < rows.length; i += STEP)`: the array and whether it steps by more than one. */
function indexLoopArray(stmt: ts.ForStatement): { array: ts.Expression; chunked: boolean } | undefined {
  const cond = stmt.condition;
  if (!cond || !ts.isBinaryExpression(cond)) return undefined;
  const right = unwrap(cond.right);
  if (!ts.isPropertyAccessExpression(right) || right.name.text !== 'length') return undefined;
  const inc = stmt.incrementor;
  let chunked = false;
  if (inc && ts.isBinaryExpression(inc) && inc.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken) {
    chunked = unwrap(inc.right).getText() !== '1';
  }
  return { array: right.expression, chunked };
}

let loopAtCache = new WeakMap<ts.Node, Loop | null>();
onTreeReuse(() => {
  loopAtCache = new WeakMap();
});

/** Whether `node` can be a loop: a loop statement, or a call by a callback loop's name (most calls are not). */
function mayBeLoop(node: ts.Node): boolean {
  switch (node.kind) {
    case ts.SyntaxKind.ForOfStatement:
    case ts.SyntaxKind.ForInStatement:
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.WhileStatement:
    case ts.SyntaxKind.DoStatement:
      return true;
    case ts.SyntaxKind.CallExpression: {
      const name = nameOfCallee((node as ts.CallExpression).expression) ?? '';
      return CALLBACK_LOOPS.has(name) || FUNCTION_LOOPS.test(name);
    }
    default:
      return false;
  }
}

/** The loop `node` is, if it is one. */
export function loopAt(node: ts.Node): Loop | undefined {
  // Asked of every call and loop of a file, and of every node under a loop body: the rest are
  // answered without a cache entry (a WeakMap entry per node cost more than the answer).
  if (!mayBeLoop(node)) return undefined;
  let loop = loopAtCache.get(node);
  if (loop === undefined) {
    loop = computeLoopAt(node) ?? null;
    loopAtCache.set(node, loop);
  }
  return loop ?? undefined;
}

function computeLoopAt(node: ts.Node): Loop | undefined {
  if (ts.isForOfStatement(node)) return { node, kind: 'for-of', body: node.statement, iterated: originOf(node.expression) };
  if (ts.isForInStatement(node)) return { node, kind: 'for-in', body: node.statement, iterated: originOf(node.expression) };
  if (ts.isForStatement(node)) {
    const idx = indexLoopArray(node);
    if (idx) {
      const arr = originOf(idx.array);
      const iterated: Origin = idx.chunked && (arr.kind === 'rows' || arr.kind === 'cursor') ? { kind: 'chunks', of: arr, source: node } : arr;
      return { node, kind: 'for', body: node.statement, iterated };
    }
    return { node, kind: 'for', body: node.statement, iterated: undefined };
  }
  if (ts.isWhileStatement(node) || ts.isDoStatement(node)) {
    let cursor = steppedCursor(node.expression);
    if (!cursor && ts.isBlock(node.statement)) {
      // `while (true) { const doc = await cursor.next(); if (!doc) break; ... }`
      const statements = node.statement.statements;
      let first: ts.Expression | undefined;
      for (let i = 0; i < 3 && i < statements.length && !first; i++) first = steppedCursor(statements[i]);
      if (first && originOf(first).kind === 'cursor') cursor = first;
    }
    if (cursor) return { node, kind: 'cursor-while', body: node.statement, iterated: originOf(cursor) };
    return { node, kind: ts.isWhileStatement(node) ? 'while' : 'do', body: node.statement, iterated: undefined };
  }
  if (ts.isCallExpression(node)) {
    const name = nameOfCallee(node.expression) ?? '';
    const callee = unwrap(node.expression);
    const cb = callbackOf(node);
    if (!cb || !cb.body) return undefined;
    if (CALLBACK_LOOPS.has(name) && ts.isPropertyAccessExpression(callee)) {
      if (classifyCall(node).kind === 'read' && name !== 'forEach' && name !== 'eachAsync' && name !== 'each' && name !== 'map') return undefined;
      return { node, kind: 'callback', body: cb.body, iterated: originOf(callee.expression) };
    }
    if (FUNCTION_LOOPS.test(name) && node.arguments.length >= 2 && node.arguments[0] !== cb) {
      return { node, kind: 'callback', body: cb.body, iterated: originOf(node.arguments[0]) };
    }
  }
  return undefined;
}

function isPageRead(call: ts.CallExpression): boolean {
  const info = classifyCall(call);
  const fn = info.kind === 'none' ? resolveCallee(call) : undefined;
  const ret = fn ? summaryOf(fn).returns : UNKNOWN;
  return (
    (info.kind === 'read' && !info.single && (info.bounded || info.page)) ||
    // A write that takes one page itself: DELETE ... WHERE id IN (SELECT ... LIMIT $1), updateMany({ take }).
    (info.kind === 'write' && /\blimit\b|\btake\s*:/i.test(call.getText())) ||
    ((ret.kind === 'rows' || ret.kind === 'cursor') && (ret.bounded || ret.page))
  );
}

/** A read inside a loop body that fetches a page (LIMIT/take with paging), directly or through a helper. */
export function pageReadIn(body: ts.Node): ts.Node | undefined {
  if (ts.isCallExpression(body) && isPageRead(body)) return body;
  if (ts.isFunctionDeclaration(body)) return undefined;
  const index = indexOf(body);
  const { nodes, ends } = index;
  for (let i = index.start(body), end = index.end(body, i); i < end; i++) {
    const n = nodes[i];
    if (n.kind === ts.SyntaxKind.CallExpression && isPageRead(n as ts.CallExpression)) return n;
    // Declared functions run when called, not here.
    if (n.kind === ts.SyntaxKind.FunctionDeclaration) i = ends[i] - 1;
  }
  return undefined;
}

/** All loops in a subtree, outermost first. */
let loopsCache = new WeakMap<ts.Node, Loop[]>();
onTreeReuse(() => {
  loopsCache = new WeakMap();
});

export function loopsIn(root: ts.Node): Loop[] {
  const cached = loopsCache.get(root);
  if (cached) return cached;
  const out: Loop[] = [];
  loopsCache.set(root, out);
  const own = loopAt(root);
  if (own) out.push(own);
  // Every kind a loop can be is indexed: no walk of the tree.
  const index = indexOf(root);
  const nodes = index.nodes;
  for (let i = index.start(root), end = index.end(root, i); i < end; i++) {
    const loop = loopAt(nodes[i]);
    if (loop) out.push(loop);
  }
  return out;
}
