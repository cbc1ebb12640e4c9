// Explicit transaction handles (`const trx = await knex.transaction()`, `queryRunner.startTransaction()`,
// `client.query('BEGIN')`) and the paths through their function: which normal exits leave the
// transaction open, whether an error path rolls back, and which batch loops run inside it.
import { VOCABULARY } from '../libraries';
import { ts } from '../ts';
import { chainRoot, enclosingFunction, forEachDescendant, isFunctionLike, nameOfCallee, unwrap, walk } from './ast';
import { classifyCall, classifyTaggedTemplate } from './calls';
import { indexOf, treeIndex } from './tree-index';

export interface ExplicitTransaction {
  /** The call that opens the transaction. */
  open: ts.Node;
  /** The statement containing the opening. */
  statement: ts.Statement;
  /** The name writes and commits go through (`trx`, `queryRunner`, `client`). */
  handle: string;
  style: 'handle' | 'receiver' | 'sql';
  fn: ts.FunctionLikeDeclaration | ts.SourceFile;
}

const COMMIT_NAMES = new Set(VOCABULARY.explicitTransactions.flatMap((s) => s.commit));
const ROLLBACK_NAMES = new Set(VOCABULARY.explicitTransactions.flatMap((s) => s.rollback));
const BEGIN_TEXT = /\b(begin|start\s+transaction)\b/i;
const OPEN_NAMES = new Set(VOCABULARY.explicitTransactions.map((s) => s.open));

function hasFunctionArg(call: ts.CallExpression): boolean {
  return call.arguments.some((a) => ts.isArrowFunction(unwrap(a)) || ts.isFunctionExpression(unwrap(a)) || ts.isIdentifier(unwrap(a)));
}

function statementOf(node: ts.Node): ts.Statement | undefined {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (ts.isStatement(n) && !ts.isBlock(n)) return n;
  return undefined;
}

function rootName(e: ts.Expression): string | undefined {
  const r = chainRoot(e);
  if (ts.isIdentifier(r)) return r.text;
  if (ts.isPropertyAccessExpression(unwrap(e)) && (unwrap(e) as ts.PropertyAccessExpression).expression.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  return undefined;
}

/** Every explicit transaction opened in a file. */
export function findExplicitTransactions(sf: ts.SourceFile): ExplicitTransaction[] {
  const out: ExplicitTransaction[] = [];
  // The file's calls and tagged templates, from its tree index.
  for (const n of treeIndex(sf).nodes) {
    if (ts.isCallExpression(n)) {
      const found = asOpening(n);
      if (found) out.push(found);
    } else if (ts.isTaggedTemplateExpression(n) && classifyTaggedTemplate(n).kind === 'begin') {
      const stmt = statementOf(n);
      const name = rootName(n.tag);
      if (stmt && name) out.push({ open: n, statement: stmt, handle: name, style: 'sql', fn: enclosingFunction(n) ?? sf });
    }
  }
  return out;
}

function asOpening(call: ts.CallExpression): ExplicitTransaction | undefined {
  const name = nameOfCallee(call.expression) ?? '';
  const callee = unwrap(call.expression);
  const byName = OPEN_NAMES.has(name) && ts.isPropertyAccessExpression(callee) && !hasFunctionArg(call);
  // Every call of the file comes here: only a transaction-opening name, or a first argument whose
  // source mentions BEGIN (its text with leading trivia: never less than getText's), goes further.
  if (!byName && !(call.arguments.length > 0 && BEGIN_TEXT.test(call.getSourceFile().text.slice(call.arguments[0].pos, call.arguments[0].end)))) return undefined;
  const stmt = statementOf(call);
  if (!stmt) return undefined;
  const fn = enclosingFunction(call) ?? call.getSourceFile();
  if (byName) {
    // Kysely `db.transaction().execute(cb)` is callback-managed.
    const outer = call.parent && ts.isPropertyAccessExpression(call.parent) ? call.parent.parent : undefined;
    if (outer && ts.isCallExpression(outer) && hasFunctionArg(outer)) return undefined;
    // `const trx = await knex.transaction()`: the handle is the result.
    let up: ts.Node = call;
    while (up.parent && (ts.isAwaitExpression(up.parent) || ts.isParenthesizedExpression(up.parent) || (ts.isPropertyAccessExpression(up.parent) && up.parent.name.text === 'execute') || (ts.isCallExpression(up.parent) && up.parent.expression === up))) up = up.parent;
    if (up.parent && ts.isVariableDeclaration(up.parent) && ts.isIdentifier(up.parent.name)) {
      return { open: call, statement: stmt, handle: up.parent.name.text, style: 'handle', fn };
    }
    if (name === 'startTransaction') {
      const recv = rootName(callee.expression);
      if (recv) return { open: call, statement: stmt, handle: recv, style: 'receiver', fn };
    }
    return undefined;
  }
  // Only a call whose arguments mention BEGIN can open a transaction with SQL: skip classifying the rest.
  if (BEGIN_TEXT.test(call.arguments[0].getText()) && classifyCall(call).kind === 'begin') {
    const recv = ts.isPropertyAccessExpression(callee) ? rootName(callee.expression) : undefined;
    if (recv) return { open: call, statement: stmt, handle: recv, style: 'sql', fn };
  }
  return undefined;
}

/** Does `node` commit (or roll back) the transaction? */
export function closes(node: ts.Node, tx: ExplicitTransaction, which: 'commit' | 'rollback' | 'either'): boolean {
  if (closesHere(node, tx, which)) return true;
  if (ts.isFunctionDeclaration(node)) return false;
  // Its calls and tagged templates, from the tree index; declared functions run when called.
  const index = indexOf(node);
  const { nodes, ends } = index;
  for (let i = index.start(node), end = index.end(node, i); i < end; i++) {
    const n = nodes[i];
    if (closesHere(n, tx, which)) return true;
    if (n.kind === ts.SyntaxKind.FunctionDeclaration) i = ends[i] - 1;
  }
  return false;
}

function closesHere(n: ts.Node, tx: ExplicitTransaction, which: 'commit' | 'rollback' | 'either'): boolean {
  if (ts.isCallExpression(n)) {
    const name = nameOfCallee(n.expression) ?? '';
    const callee = unwrap(n.expression);
    const recv = ts.isPropertyAccessExpression(callee) ? rootName(callee.expression) : undefined;
    const kind = classifyCall(n).kind;
    const isCommit = (COMMIT_NAMES.has(name) && recv === tx.handle) || (kind === 'commit' && (recv === tx.handle || tx.style === 'sql'));
    const isRollback = (ROLLBACK_NAMES.has(name) && recv === tx.handle) || (kind === 'rollback' && (recv === tx.handle || tx.style === 'sql'));
    return (which !== 'rollback' && isCommit) || (which !== 'commit' && isRollback);
  }
  if (ts.isTaggedTemplateExpression(n)) {
    const kind = classifyTaggedTemplate(n).kind;
    return (which !== 'rollback' && kind === 'commit') || (which !== 'commit' && kind === 'rollback');
  }
  return false;
}

export type TxState = 'none' | 'open' | 'closed';
export interface PathProblems {
  /** Normal exits (returns, or the function's end) reachable with the transaction open. */
  openExits: ts.Node[];
  /** Loops entered with the transaction open that do not commit inside. */
  loopsInside: ts.Node[];
}

/** Walks the statements of the opening's function, tracking whether the transaction is open. */
export function analysePaths(tx: ExplicitTransaction, isLoop: (s: ts.Statement) => boolean): PathProblems {
  const problems: PathProblems = { openExits: [], loopsInside: [] };
  const body = ts.isSourceFile(tx.fn) ? tx.fn : tx.fn.body;
  if (!body) return problems;
  const start = new Set<TxState>(['none']);
  const walkList = (stmts: readonly ts.Statement[], states: Set<TxState>): Set<TxState> => {
    let cur = states;
    for (const s of stmts) {
      if (cur.size === 0) break;
      cur = walk(s, cur);
    }
    return cur;
  };
  const effects = (node: ts.Node, states: Set<TxState>): Set<TxState> => {
    let cur = states;
    if (node.pos <= tx.open.pos && tx.open.end <= node.end) cur = new Set(['open']);
    if (closes(node, tx, 'either')) {
      // A statement that opens and then commits (rare) or one that commits: the transaction ends here.
      const openedHere = node.pos <= tx.open.pos && tx.open.end <= node.end;
      if (!openedHere || closesAfter(node, tx)) cur = new Set(['closed']);
    }
    return cur;
  };
  const walk = (s: ts.Statement, states: Set<TxState>): Set<TxState> => {
    if (ts.isBlock(s)) return walkList(s.statements, states);
    if (ts.isIfStatement(s)) {
      const afterCond = effects(s.expression, states);
      const t = walk(s.thenStatement, afterCond);
      const e = s.elseStatement ? walk(s.elseStatement, afterCond) : afterCond;
      return union(t, e);
    }
    if (ts.isReturnStatement(s)) {
      const after = s.expression ? effects(s.expression, states) : states;
      const returnsHandle = s.expression && new RegExp(`\\b${tx.handle}\\b`).test(s.expression.getText());
      if (after.has('open') && !returnsHandle) problems.openExits.push(s);
      return new Set();
    }
    if (ts.isThrowStatement(s)) return new Set();
    if (ts.isTryStatement(s)) {
      const before = problems.openExits.length;
      const tryOut = walk(s.tryBlock, states);
      const openedInTry = s.tryBlock.pos <= tx.open.pos && tx.open.end <= s.tryBlock.end;
      let out = tryOut;
      if (s.catchClause) {
        const catchIn = union(union(states, tryOut), openedInTry || states.has('open') ? new Set<TxState>(['open']) : new Set<TxState>());
        out = union(tryOut, walk(s.catchClause.block, catchIn));
      }
      if (s.finallyBlock) {
        if (closes(s.finallyBlock, tx, 'either')) problems.openExits.splice(before);
        out = walk(s.finallyBlock, out);
      }
      return out;
    }
    if (ts.isForStatement(s) || ts.isForOfStatement(s) || ts.isForInStatement(s) || ts.isWhileStatement(s) || ts.isDoStatement(s)) {
      if (states.has('open') && isLoop(s) && !closes(s.statement, tx, 'commit')) problems.loopsInside.push(s);
      const head = ts.isForStatement(s) ? s.initializer : ts.isForOfStatement(s) || ts.isForInStatement(s) ? s.expression : s.expression;
      const inStates = head ? effects(head, states) : states;
      const bodyOut = walk(s.statement, inStates);
      return union(inStates, bodyOut);
    }
    if (ts.isSwitchStatement(s)) {
      let out = new Set<TxState>();
      let hasDefault = false;
      for (const clause of s.caseBlock.clauses) {
        if (ts.isDefaultClause(clause)) hasDefault = true;
        out = union(out, walkList(clause.statements, states));
      }
      return hasDefault ? out : union(out, states);
    }
    if (ts.isLabeledStatement(s)) return walk(s.statement, states);
    if (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) return states;
    if (ts.isBreakStatement(s) || ts.isContinueStatement(s)) {
      // Leaving an iteration that opened the transaction, before it commits: the next iteration
      // opens another one and this one stays open.
      const loop = enclosingLoop(s);
      if (states.has('open') && loop && loop.pos <= tx.open.pos && tx.open.end <= loop.end) problems.openExits.push(s);
      return ts.isBreakStatement(s) && !(loop && loop.pos <= tx.open.pos && tx.open.end <= loop.end) ? states : new Set();
    }
    return effects(s, states);
  };
  const end = ts.isSourceFile(body) ? walkList(body.statements, start) : ts.isBlock(body) ? walkList(body.statements, start) : effects(body, start);
  if (end.has('open')) problems.openExits.push(ts.isSourceFile(body) ? body.endOfFileToken : body.getLastToken() ?? body);
  return problems;
}

function enclosingLoop(node: ts.Node): ts.IterationStatement | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (isFunctionLike(n)) return undefined;
    if (ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n) || ts.isWhileStatement(n) || ts.isDoStatement(n)) return n;
  }
  return undefined;
}

function closesAfter(node: ts.Node, tx: ExplicitTransaction): boolean {
  let after = false;
  forEachDescendant(node, (n) => {
    if (n.pos >= tx.open.end && ts.isCallExpression(n) && closes(n, tx, 'either')) after = true;
  });
  return after;
}

function union<T>(a: Set<T>, b: Set<T>): Set<T> {
  return new Set([...a, ...b]);
}

/** Whether a rollback of the transaction runs on an error path (catch, finally or `.catch(...)`). */
export function rollsBackOnError(tx: ExplicitTransaction): boolean {
  const body = ts.isSourceFile(tx.fn) ? tx.fn : tx.fn.body;
  if (!body) return true;
  let found = false;
  walk(body, (n) => {
    if (ts.isTryStatement(n)) {
      if ((n.catchClause && closes(n.catchClause.block, tx, 'rollback')) || (n.finallyBlock && closes(n.finallyBlock, tx, 'rollback'))) found = true;
    }
    if (ts.isCallExpression(n) && nameOfCallee(n.expression) === 'catch' && n.arguments[0] && closes(n.arguments[0], tx, 'rollback')) found = true;
    return found ? 'stop' : undefined;
  });
  return found;
}

/** Whether the function commits the transaction anywhere. */
export function commitsAnywhere(tx: ExplicitTransaction): boolean {
  const body = ts.isSourceFile(tx.fn) ? tx.fn : tx.fn.body;
  return !!body && closes(body, tx, 'commit');
}
