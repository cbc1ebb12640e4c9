// The loop shapes the batching rewrite handles, reduced to one form: the statement to replace, the
// rows it iterates, the item binding and the per-item body, so the batch callback can be written as
// `for (<binding> of rows) <body>` whatever the original shape was.
import { unwrap } from '../../semantics/ast';
import type { Loop } from '../../semantics/loops';
import { referencesTo, resolveIdentifier, type Declaration } from '../../semantics/scope';
import { ts } from '../../ts';
import type { BodyEdit } from './derive';

export interface LoopShape {
  /** The statement the eachBatch call replaces. */
  statement: ts.Statement;
  /** What the loop iterates: `rows`, `result.rows`, `db.collection('x').find()`. */
  iterated: ts.Expression;
  /** `const u`: the per-item binding of the new for...of. */
  binding: string;
  /** The per-item code: its source range, and the text around it (braces for an arrow's expression body). */
  body: { node: ts.Node; start: number; end: number; prefix: string; suffix: string };
  /** Edits inside the body that the shape itself needs (the index loop's `const row = rows[i];` removed). */
  edits: BodyEdit[];
  /** References of the rows variable that the shape accounts for (`rows.length`, `rows[i]`). */
  ownReferences: ts.Node[];
  /** `for await`: the loop iterates a cursor, not an array. */
  cursor: boolean;
  /** The item's variable, when it is a plain name. */
  item?: ts.Identifier;
  /** The body was a callback's: its `return;`s are already `continue;` edits. */
  callback?: boolean;
}

/**
 * Why the body cannot run per batch as it ran per loop: a `return` (it would end one batch's
 * callback, not the function) or a `break` out of the loop (it would end one batch, not the run).
 */
export function escapeReason(body: ts.Node, callback: boolean): string | undefined {
  let reason: string | undefined;
  const visit = (n: ts.Node, inner: boolean): void => {
    if (reason || ts.isFunctionLike(n)) return;
    if (ts.isReturnStatement(n) && !callback) reason = 'the loop body returns from the function, which inside a batch would end only that batch';
    else if ((ts.isBreakStatement(n) || ts.isContinueStatement(n)) && n.label) reason = 'the loop body breaks or continues to a label outside it';
    else if (ts.isBreakStatement(n) && !inner) reason = 'the loop body breaks out of the loop, which inside a batch would end only that batch and go on with the next';
    else ts.forEachChild(n, (c) => visit(c, inner || ts.isIterationStatement(n, false) || ts.isSwitchStatement(n)));
  };
  visit(body, false);
  return reason;
}

const CALLBACK_SHAPES = new Set(['forEach', 'map']);

/**
 * What moving a callback's body into a loop needs: a bare `return;` becomes `continue;` (the next
 * item, as the callback's return did); a `return value`, a return inside an inner loop or switch, and
 * `this`/`arguments` keep the body from moving.
 */
function callbackBodyMove(cb: ts.ArrowFunction | ts.FunctionExpression): BodyEdit[] | { reason: string } {
  const edits: BodyEdit[] = [];
  let reason: string | undefined;
  const visit = (n: ts.Node, nested: boolean): void => {
    if (reason || (ts.isFunctionLike(n) && !ts.isArrowFunction(n))) return;
    if (ts.isArrowFunction(n)) return ts.forEachChild(n.body, (c) => visitThisOnly(c));
    if (ts.isReturnStatement(n)) {
      if (n.expression || nested) reason = 'the callback returns a value or returns from inside an inner loop or switch, which has no counterpart in the batch loop';
      else edits.push({ start: n.getStart(), end: n.getStart() + 'return'.length, text: 'continue' });
      return;
    }
    if (n.kind === ts.SyntaxKind.ThisKeyword || (ts.isIdentifier(n) && n.text === 'arguments')) {
      reason = 'the callback uses `this` or `arguments`, which mean something else in a loop';
      return;
    }
    const inner = nested || ts.isIterationStatement(n, false) || ts.isSwitchStatement(n);
    ts.forEachChild(n, (c) => visit(c, inner));
  };
  // Inside an inner arrow function, `return` is that function's own: only `this`/`arguments` matter.
  const visitThisOnly = (n: ts.Node): void => {
    if (reason || (ts.isFunctionLike(n) && !ts.isArrowFunction(n))) return;
    if (n.kind === ts.SyntaxKind.ThisKeyword || (ts.isIdentifier(n) && n.text === 'arguments')) reason = 'the callback uses `this` or `arguments`, which mean something else in a loop';
    else ts.forEachChild(n, visitThisOnly);
  };
  if (ts.isBlock(cb.body)) visit(cb.body, false);
  return reason ? { reason } : edits;
}

/** The statement a call stands as: `call;`, `await call;`, `await Promise.all(call);`. */
function statementOf(call: ts.Node): ts.Statement | undefined {
  let n: ts.Node = call;
  for (;;) {
    const p = n.parent;
    if (ts.isParenthesizedExpression(p) || ts.isAwaitExpression(p)) n = p;
    else if (ts.isCallExpression(p) && p.arguments.length === 1 && /^Promise\.all(Settled)?$/.test(p.expression.getText())) n = p;
    else break;
  }
  return ts.isExpressionStatement(n.parent) ? n.parent : undefined;
}

/** The rewrite's view of `loop`, or why its shape cannot be rewritten. */
export function loopShape(loop: Loop): LoopShape | { reason: string } {
  const node = loop.node;
  const sf = node.getSourceFile();
  if (ts.isForOfStatement(node)) {
    const s = node.statement;
    const declared = ts.isVariableDeclarationList(node.initializer) ? node.initializer.declarations[0]?.name : undefined;
    return { item: declared && ts.isIdentifier(declared) ? declared : undefined, statement: node, iterated: node.expression, binding: node.initializer.getText(sf), body: { node: s, start: s.getStart(sf), end: s.getEnd(), prefix: '', suffix: '' }, edits: [], ownReferences: [], cursor: !!node.awaitModifier };
  }
  if (ts.isForStatement(node)) return indexLoopShape(node);
  if (loop.kind === 'callback' && ts.isCallExpression(node)) {
    const callee = unwrap(node.expression);
    const cb = node.arguments[0] && unwrap(node.arguments[0]);
    if (!ts.isPropertyAccessExpression(callee) || !CALLBACK_SHAPES.has(callee.name.text)) return { reason: 'the automatic rewrite handles for...of, index loops over `rows.length`, and `rows.forEach`/`rows.map` callbacks; rewrite this loop with eachBatch by hand' };
    if (!cb || (!ts.isArrowFunction(cb) && !ts.isFunctionExpression(cb))) return { reason: 'the loop calls a named function rather than an inline callback, so there is no body to move into the batch' };
    if (cb.parameters.length !== 1 || !ts.isIdentifier(cb.parameters[0].name)) return { reason: 'the callback takes more than the item (an index or the array), which the batch loop does not provide' };
    const moved = callbackBodyMove(cb);
    if ('reason' in moved) return moved;
    const statement = statementOf(node);
    if (!statement) return { reason: "the callback loop's result is used, so the loop is not a statement Evolve can replace" };
    const b = cb.body;
    const expressionBody = !ts.isBlock(b);
    const body = expressionBody
      ? { node: b, start: b.getStart(sf), end: b.getEnd(), prefix: `{\n  ${ts.isAwaitExpression(unwrapParens(b as ts.Expression)) ? '' : 'await '}`, suffix: ';\n}' }
      : { node: b, start: b.getStart(sf), end: b.getEnd(), prefix: '', suffix: '' };
    return { item: cb.parameters[0].name, statement, iterated: callee.expression, binding: `const ${cb.parameters[0].name.text}`, body, edits: moved, ownReferences: [], cursor: false, callback: true };
  }
  if (loop.kind === 'cursor-while' && ts.isWhileStatement(node)) return cursorWhileShape(node);
  if (loop.kind === 'while' || loop.kind === 'do') return { reason: 'the loop pages by itself (a while loop); Evolve cannot tell its page query apart from its writes, so rewrite it with eachBatch by hand' };
  return { reason: 'the automatic rewrite handles for...of, index loops over `rows.length`, and `rows.forEach`/`rows.map` callbacks; rewrite this loop with eachBatch by hand' };
}

function unwrapParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** `for (let i = 0; i < rows.length; i++) { const row = rows[i]; ... }` as `for (const row of rows) { ... }`. */
function indexLoopShape(node: ts.ForStatement): LoopShape | { reason: string } {
  const sf = node.getSourceFile();
  const init = node.initializer;
  const decl = init && ts.isVariableDeclarationList(init) && init.declarations.length === 1 ? init.declarations[0] : undefined;
  const cond = node.condition && unwrap(node.condition);
  const inc = node.incrementor;
  const index = decl && ts.isIdentifier(decl.name) && decl.initializer?.getText(sf) === '0' ? decl.name : undefined;
  const length = cond && ts.isBinaryExpression(cond) && cond.operatorToken.kind === ts.SyntaxKind.LessThanToken && cond.left.getText(sf) === index?.text ? unwrap(cond.right) : undefined;
  const steps = inc && index && new RegExp(`^(${index.text}\\+\\+|\\+\\+${index.text}|${index.text}\\s*\\+=\\s*1)$`).test(inc.getText(sf));
  if (!index || !length || !ts.isPropertyAccessExpression(length) || length.name.text !== 'length' || !steps) {
    return { reason: 'the index loop does not go one by one from 0 to `rows.length`' };
  }
  const rows = length.expression;
  const block = node.statement;
  const head = ts.isBlock(block) ? block.statements[0] : undefined;
  const first = head && ts.isVariableStatement(head) ? head : undefined;
  const item = first && first.declarationList.declarations.length === 1 ? first.declarationList.declarations[0] : undefined;
  const element = item?.initializer && unwrap(item.initializer);
  if (!ts.isBlock(block) || !first || !item || !element || !ts.isElementAccessExpression(element) || element.expression.getText(sf) !== rows.getText(sf) || element.argumentExpression.getText(sf) !== index.text) {
    return { reason: 'the index loop does not start with `const row = rows[i];`, so there is no item to batch' };
  }
  const indexUses = referencesTo(resolveIdentifier(index) as Declaration).filter((r) => r !== index && r.getStart() >= block.getStart() && r !== element.argumentExpression);
  if (indexUses.length > 0) return { reason: `the loop body uses the index \`${index.text}\` beyond \`${rows.getText(sf)}[${index.text}]\`, which has no meaning in a batch` };
  const keyword = first.declarationList.flags & ts.NodeFlags.Const ? 'const' : 'let';
  const lineStart = sf.text.lastIndexOf('\n', first.getStart(sf) - 1);
  return {
    item: ts.isIdentifier(item.name) ? item.name : undefined,
    statement: node,
    iterated: rows,
    binding: `${keyword} ${item.name.getText(sf)}`,
    body: { node: block, start: block.getStart(sf), end: block.getEnd(), prefix: '', suffix: '' },
    edits: [{ start: Math.max(lineStart, first.getFullStart()), end: first.getEnd(), text: '' }],
    ownReferences: [length.expression, element.expression],
    cursor: false,
  };
}

/** `while (await cursor.hasNext()) { const doc = await cursor.next(); ... }` as `for await (const doc of cursor) { ... }`. */
function cursorWhileShape(node: ts.Statement & { expression: ts.Expression; statement: ts.Statement }): LoopShape | { reason: string } {
  const sf = node.getSourceFile();
  const reason = 'the loop steps a cursor in a form other than `while (await cursor.hasNext()) { const doc = await cursor.next(); ... }`; rewrite it with eachBatch by hand';
  const cond = unwrap(node.expression);
  const hasNext = ts.isCallExpression(cond) ? unwrap(cond.expression) : undefined;
  if (!hasNext || !ts.isPropertyAccessExpression(hasNext) || hasNext.name.text !== 'hasNext' || !ts.isIdentifier(hasNext.expression)) return { reason };
  const cursor = hasNext.expression;
  const block = node.statement;
  const head = ts.isBlock(block) ? block.statements[0] : undefined;
  const first = head && ts.isVariableStatement(head) && head.declarationList.declarations.length === 1 ? head : undefined;
  const item = first?.declarationList.declarations[0];
  const next = item?.initializer && unwrap(item.initializer);
  const nextCallee = next && ts.isCallExpression(next) ? unwrap(next.expression) : undefined;
  if (!ts.isBlock(block) || !first || !item || !nextCallee || !ts.isPropertyAccessExpression(nextCallee) || nextCallee.name.text !== 'next' || nextCallee.expression.getText(sf) !== cursor.text) {
    return { reason };
  }
  const decl = resolveIdentifier(cursor);
  const uses = decl ? referencesTo(decl).filter((r) => r.getStart() > first.getEnd() && r.getEnd() <= block.getEnd()) : [];
  if (uses.length > 0) return { reason: `the loop body uses the cursor \`${cursor.text}\` beyond next(), which has no meaning in a batch` };
  const keyword = first.declarationList.flags & ts.NodeFlags.Const ? 'const' : 'let';
  const lineStart = sf.text.lastIndexOf('\n', first.getStart(sf) - 1);
  return {
    item: ts.isIdentifier(item.name) ? item.name : undefined,
    statement: node,
    iterated: cursor,
    binding: `${keyword} ${item.name.getText(sf)}`,
    body: { node: block, start: block.getStart(sf), end: block.getEnd(), prefix: '', suffix: '' },
    edits: [{ start: Math.max(lineStart, first.getFullStart()), end: first.getEnd(), text: '' }],
    ownReferences: [hasNext.expression, nextCallee.expression],
    cursor: true,
  };
}
