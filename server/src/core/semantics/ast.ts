// Small helpers over compiler nodes shared by the semantic layer and the rules.
import { ts } from '../ts';
import { checkBudget } from './budget';

/** Strips parentheses, `await`, type assertions and non-null assertions. */
export function unwrap(node: ts.Expression): ts.Expression {
  let n: ts.Expression = node;
  for (;;) {
    if (ts.isParenthesizedExpression(n) || ts.isAwaitExpression(n) || ts.isNonNullExpression(n)) n = n.expression;
    else if (ts.isAsExpression(n) || ts.isTypeAssertionExpression(n) || ts.isSatisfiesExpression(n)) n = n.expression;
    else return n;
  }
}

/** The method or function name a call invokes: `a.b.c()` -> `c`, `f()` -> `f`, `a['x']()` -> `x`. */
export function calleeName(call: ts.CallExpression | ts.NewExpression | ts.TaggedTemplateExpression): string | undefined {
  const callee = ts.isTaggedTemplateExpression(call) ? call.tag : call.expression;
  return nameOfCallee(callee);
}

export function nameOfCallee(callee: ts.Expression): string | undefined {
  const c = unwrap(callee);
  if (ts.isIdentifier(c)) return c.text;
  if (ts.isPropertyAccessExpression(c)) return c.name.text;
  if (ts.isElementAccessExpression(c) && ts.isStringLiteralLike(c.argumentExpression)) return c.argumentExpression.text;
  if (ts.isCallExpression(c)) return nameOfCallee(c.expression); // sql.typeAlias('x')`...`
  return undefined;
}

/** The object a method is called on: `a.b.c()` -> `a.b`; undefined for plain function calls. */
export function receiverOf(call: ts.CallExpression): ts.Expression | undefined {
  const c = unwrap(call.expression);
  if (ts.isPropertyAccessExpression(c) || ts.isElementAccessExpression(c)) return c.expression;
  return undefined;
}

/**
 * The calls and property accesses of a chain, innermost first:
 * `knex('t').where(x).update(y)` -> [knex('t'), .where(x), .update(y)].
 */
export function callChain(call: ts.Expression): ts.CallExpression[] {
  const chain: ts.CallExpression[] = [];
  let n: ts.Expression = unwrap(call);
  for (;;) {
    if (ts.isCallExpression(n)) {
      chain.push(n);
      n = unwrap(n.expression);
    } else if (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) {
      n = unwrap(n.expression);
    } else break;
  }
  return chain.reverse();
}

/** The identifier (or `this`) at the root of a property/call chain: `a.b().c` -> `a`. */
export function chainRoot(expr: ts.Expression): ts.Expression {
  let n: ts.Expression = unwrap(expr);
  for (;;) {
    if (ts.isCallExpression(n)) n = unwrap(n.expression);
    else if (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) n = unwrap(n.expression);
    else if (ts.isTaggedTemplateExpression(n)) n = unwrap(n.tag);
    else return n;
  }
}

/** Names along a chain's property accesses and calls: `db.collection('x').find()` -> ['db','collection','find']. */
export function chainNames(expr: ts.Expression): string[] {
  const names: string[] = [];
  let n: ts.Expression = unwrap(expr);
  for (;;) {
    if (ts.isCallExpression(n)) n = unwrap(n.expression);
    else if (ts.isPropertyAccessExpression(n)) {
      names.push(n.name.text);
      n = unwrap(n.expression);
    } else if (ts.isElementAccessExpression(n)) {
      if (ts.isStringLiteralLike(n.argumentExpression)) names.push(n.argumentExpression.text);
      n = unwrap(n.expression);
    } else {
      if (ts.isIdentifier(n)) names.push(n.text);
      else if (n.kind === ts.SyntaxKind.ThisKeyword) names.push('this');
      break;
    }
  }
  return names.reverse();
}

export function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
  // One switch instead of seven type guards: walks ask this of every node they visit.
  switch (node.kind) {
    case ts.SyntaxKind.FunctionDeclaration:
    case ts.SyntaxKind.FunctionExpression:
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.MethodDeclaration:
    case ts.SyntaxKind.Constructor:
    case ts.SyntaxKind.GetAccessor:
    case ts.SyntaxKind.SetAccessor:
      return true;
    default:
      return false;
  }
}

/** The nearest enclosing function of a node (or undefined at top level). */
export function enclosingFunction(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  for (let p = node.parent; p; p = p.parent) if (isFunctionLike(p)) return p;
  return undefined;
}

/** Static text of a string literal, a template without substitutions, or a template's head and spans' literal parts. */
export function staticText(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined;
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => ' ? ' + s.literal.text).join('');
  if (ts.isTaggedTemplateExpression(node)) return staticText(node.template);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = staticText(node.left);
    const r = staticText(node.right);
    if (l !== undefined || r !== undefined) return (l ?? ' ? ') + (r ?? ' ? ');
  }
  if (ts.isParenthesizedExpression(node)) return staticText(node.expression);
  return undefined;
}

export function isNumericLiteralLike(node: ts.Expression | undefined): boolean {
  if (!node) return false;
  const n = unwrap(node);
  return ts.isNumericLiteral(n) || (ts.isPrefixUnaryExpression(n) && ts.isNumericLiteral(n.operand));
}

/**
 * Visits `root` and its descendants depth-first in source order, without recursion: code nested
 * thousands deep must not overflow the stack. `'skip'` leaves out a node's children, `'stop'` ends the walk.
 */
export function walk(root: ts.Node, visit: (n: ts.Node) => void | 'skip' | 'stop'): void {
  const stack: ts.Node[] = [root];
  // Reused for every node; `count` marks its live part (truncating the array each time was costly).
  const children: ts.Node[] = [];
  let count = 0;
  const collect = (child: ts.Node): void => {
    children[count++] = child;
  };
  while (stack.length > 0) {
    const n = stack.pop() as ts.Node;
    checkBudget();
    const next = visit(n);
    if (next === 'stop') return;
    if (next === 'skip') continue;
    count = 0;
    ts.forEachChild(n, collect);
    for (let i = count - 1; i >= 0; i--) stack.push(children[i]);
  }
}

const NEVER = (): boolean => false;

/**
 * Visits every descendant, not entering nested function bodies unless `enterFunctions` says so. For
 * the kinds the tree index lists (calls, loops, statements, functions), scan its slice instead
 * (semantics/tree-index.ts): no walk.
 */
export function forEachDescendant(
  node: ts.Node,
  visit: (n: ts.Node) => void | 'skip',
  enterFunctions: (fn: ts.FunctionLikeDeclaration) => boolean = NEVER,
): void {
  walk(node, (n) => {
    if (n === node) return undefined;
    if (isFunctionLike(n) && !enterFunctions(n)) return 'skip';
    return visit(n);
  });
}

export function lineOf(node: ts.Node): number {
  const sf = node.getSourceFile();
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}
