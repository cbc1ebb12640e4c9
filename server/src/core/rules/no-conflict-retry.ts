// no-conflict-retry (hint): a transaction opened once per batch (inside a loop) with no retry around it.
// On a live site batches collide with the application: a deadlock or serialization failure in batch
// 812 of 2,000 ends the script halfway, although running that batch again would simply succeed.
import { VOCABULARY } from '../libraries';
import { calleeName, isFunctionLike, lineOf, unwrap } from '../semantics/ast';
import { classifyCall } from '../semantics/calls';
import { loopsIn } from '../semantics/loops';
import { indexOf } from '../semantics/tree-index';
import { ts } from '../ts';
import type { CodeFix } from '../types';
import { docsUrl, type Rule } from '../rule';

const RETRY_CALL = /retry|retries|backoff|withRetr/i;
const RETRY_HANDLING = /retry|retries|conflict|deadlock|serializ|40001|40P01|SQLITE_BUSY|P2034|TransientTransactionError|attempt/i;
/** The driver's own `withTransaction` already retries transient transaction errors. */
const SELF_RETRYING = new Set(['withTransaction']);
const EXPLICIT_OPENS = new Set(VOCABULARY.explicitTransactions.map((t) => t.open));

function hasFunctionArgument(call: ts.CallExpression): boolean {
  return call.arguments.some((a) => isFunctionLike(unwrap(a)));
}

/** The call that runs a whole transaction: `knex.transaction(cb)`, or `db.transaction().execute(cb)`. */
function transactionRun(call: ts.CallExpression): { call: ts.CallExpression; callback: boolean } | undefined {
  const name = calleeName(call) ?? '';
  if (SELF_RETRYING.has(name)) return undefined;
  if (VOCABULARY.transactionCallbacks.has(name) && hasFunctionArgument(call)) return { call, callback: true };
  if (name === 'execute' && hasFunctionArgument(call)) {
    const callee = unwrap(call.expression);
    const inner = ts.isPropertyAccessExpression(callee) ? unwrap(callee.expression) : undefined;
    if (inner && ts.isCallExpression(inner) && VOCABULARY.transactionCallbacks.has(calleeName(inner) ?? '')) return { call, callback: true };
  }
  if (EXPLICIT_OPENS.has(name) && call.arguments.length === 0 && !isExecuteReceiver(call)) return { call, callback: false };
  // `prisma.$transaction([op1, op2])`, `sequelize.transaction({ isolationLevel })`: one transaction, no callback to re-run.
  if (VOCABULARY.transactionCallbacks.has(name) && call.arguments.length > 0 && !hasFunctionArgument(call) && (ts.isArrayLiteralExpression(unwrap(call.arguments[0])) || ts.isIdentifier(unwrap(call.arguments[0])) || ts.isObjectLiteralExpression(unwrap(call.arguments[0])))) {
    return { call, callback: false };
  }
  if (classifyCall(call).kind === 'begin') return { call, callback: false };
  return undefined;
}

function isExecuteReceiver(call: ts.CallExpression): boolean {
  const p = call.parent;
  return ts.isPropertyAccessExpression(p) && p.expression === call && p.name.text === 'execute';
}

/** Whether something between the transaction and its function already retries it. */
function isRetried(node: ts.Node): boolean {
  for (let p: ts.Node | undefined = node.parent; p && !ts.isSourceFile(p); p = p.parent) {
    if (ts.isCallExpression(p) && RETRY_CALL.test(calleeName(p) ?? '')) return true;
    if (ts.isTryStatement(p) && p.catchClause && RETRY_HANDLING.test(p.catchClause.block.getText())) return true;
    if ((ts.isForStatement(p) || ts.isWhileStatement(p) || ts.isDoStatement(p)) && /attempt|retr|tries/i.test((ts.isForStatement(p) ? [p.initializer, p.condition] : [p.expression]).map((e) => e?.getText() ?? '').join(' '))) return true;
  }
  return false;
}

function enclosingStatement(node: ts.Node): ts.Node {
  let n = node;
  while (n.parent && !ts.isExpressionStatement(n) && !ts.isVariableStatement(n) && !ts.isBlock(n.parent) && !ts.isSourceFile(n.parent)) n = n.parent;
  return n;
}

function importLine(sf: ts.SourceFile): { at: number; text: string } | undefined {
  if (/\bretryOnConflict\b/.test(sf.text)) return undefined;
  const imports = sf.statements.filter(ts.isImportDeclaration);
  if (imports.length > 0 || sf.statements.some((s) => ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))) {
    const last = imports[imports.length - 1];
    return last ? { at: last.getEnd(), text: "\nimport { retryOnConflict } from 'evolve-runtime';" } : { at: 0, text: "import { retryOnConflict } from 'evolve-runtime';\n" };
  }
  const first = sf.statements[0];
  const directive = first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression) ? first : undefined;
  return directive
    ? { at: directive.getEnd(), text: "\nconst { retryOnConflict } = require('evolve-runtime');" }
    : { at: 0, text: "const { retryOnConflict } = require('evolve-runtime');\n" };
}

function wrapInRetry(call: ts.CallExpression): CodeFix[] {
  const sf = call.getSourceFile();
  const start = call.getStart(sf);
  const edits: CodeFix['edits'] = [
    { start, end: start, newText: 'retryOnConflict(() => ' },
    { start: call.getEnd(), end: call.getEnd(), newText: ')' },
  ];
  const imp = importLine(sf);
  if (imp) edits.push({ start: imp.at, end: imp.at, newText: imp.text });
  return [{ title: 'Retry this transaction when it conflicts (evolve-runtime retryOnConflict)', edits, preservesBehaviour: false }];
}

export const noConflictRetry: Rule = {
  meta: {
    id: 'no-conflict-retry',
    description: 'A transaction per batch with no retry when it conflicts with the live site (deadlock, serialization failure).',
    docsUrl: docsUrl('no-conflict-retry'),
    defaultSeverity: 'hint',
    hasSuggestions: true,
    messages: {
      noRetry:
        'This loop opens a transaction per batch (line {loopLine}) with no retry on conflict. On a live site a deadlock or serialization failure in any batch ends the script halfway, ' +
        'although running that batch again would succeed. Wrap the transaction in retryOnConflict (evolve-runtime), or use eachBatch, which retries conflicts.',
    },
  },
  check(context) {
    const seen = new Set<ts.Node>();
    // Innermost loops first, so a transaction is tied to the loop that runs it once per iteration.
    const loops = loopsIn(context.sf);
    for (let l = loops.length - 1; l >= 0; l--) {
      const loop = loops[l];
      /** Reports `n` if it runs a transaction; true when it does (its subtree is then left alone). */
      const check = (n: ts.Node): boolean => {
        if (!ts.isCallExpression(n) || seen.has(n)) return false;
        const run = transactionRun(n);
        if (!run) return false;
        seen.add(n);
        if (!isRetried(n)) {
          context.report({
            node: n,
            messageId: 'noRetry',
            data: { loopLine: lineOf(loop.node) },
            related: [{ node: loop.node, message: 'The loop that opens one transaction per batch.' }],
            // The statement too: missing-commit reports an explicit transaction on its statement.
            subjects: [n, enclosingStatement(n)],
            suggestions: run.callback ? wrapInRetry(n) : [],
            facts: { explicit: !run.callback },
          });
        }
        return true;
      };
      // The loop body and what it runs, declared functions and methods aside (they run when called).
      const body = loop.body;
      if (check(body) || ts.isFunctionDeclaration(body) || ts.isMethodDeclaration(body)) continue;
      const index = indexOf(body);
      const { nodes, ends } = index;
      for (let i = index.start(body), end = index.end(body, i); i < end; i++) {
        const n = nodes[i];
        if (check(n) || ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) i = ends[i] - 1;
      }
    }
  },
};
