// missing-commit: an explicit transaction that a normal path leaves open, a commit with no rollback on
// the error path, and illusory batches: batch or page loops whose batches all run in one transaction.
import { lineOf } from '../semantics/ast';
import { analysePaths, commitsAnywhere, findExplicitTransactions, rollsBackOnError } from '../semantics/explicit-transactions';
import { firstWrite } from '../semantics/functions';
import { loopAt, loopsIn, pageReadIn, type Loop } from '../semantics/loops';
import { isUnbounded } from '../semantics/origins';
import { enclosingCallbackTransaction } from '../semantics/transactions';
import { flushWrite, perItemWrite } from '../semantics/writes';
import { ts } from '../ts';
import { callbackTransactionSuggestion } from '../fixes/missing-commit-callback';
import { knexOptOutFix, addRollbackSuggestion, addCommitSuggestion } from '../fixes/missing-commit-fixes';
import { docsUrl, type Rule } from '../rule';

/** A loop that processes a batch or page per iteration: chunks, pages read with LIMIT/take, or flushes. */
export function batchLoopKind(loop: Loop): 'chunk' | 'page' | 'flush' | undefined {
  if (loop.iterated?.kind === 'chunks') return firstWrite(loop.body) ? 'chunk' : undefined;
  if (!loop.iterated) return pageReadIn(loop.body) && firstWrite(loop.body) ? 'page' : undefined;
  if (isUnbounded(loop.iterated) && !perItemWrite(loop) && flushWrite(loop)) return 'flush';
  return undefined;
}

function mentions(node: ts.Node, names: string[]): boolean {
  if (names.length === 0) return true;
  const text = node.getText();
  return names.some((n) => new RegExp(`\\b${n.replace(/\$/g, '\\$')}\\b`).test(text));
}

const WHY = 'Locks are held and the live site waits or fails for the whole run, and a failure rolls back every batch.';

export const missingCommit: Rule = {
  meta: {
    id: 'missing-commit',
    description: 'A transaction is left open on a normal path, has no rollback on error, or makes batches illusory.',
    docsUrl: docsUrl('missing-commit'),
    defaultSeverity: 'warning',
    hasSuggestions: true,
    messages: {
      noCommit:
        'Missing commit: the transaction `{handle}` opened here can reach {exit} without a commit or rollback. ' +
        'An open transaction keeps its locks until the connection closes, blocking the live site, and its writes are lost.',
      noRollback:
        'Missing rollback: `{handle}` is committed, but no catch or finally rolls it back when a write fails. ' +
        'The failed transaction stays open with its locks held until the connection is dropped.',
      illusoryExplicit:
        'Illusory batches: every batch of this loop runs inside the one transaction `{handle}` opened at line {openLine} and committed after the loop. ' + WHY,
      illusoryCallback: 'Illusory batches: every batch of this loop runs inside {tx}. ' + WHY,
      illusoryRunner: "Illusory batches: every batch of this loop runs inside the migration runner's transaction ({reason}). " + WHY,
    },
  },
  check(context) {
    const reported = new Set<ts.Node>();
    const isBatchLoop = (s: ts.Statement) => {
      const loop = loopAt(s);
      return !!loop && !!batchLoopKind(loop);
    };
    for (const tx of findExplicitTransactions(context.sf)) {
      const paths = analysePaths(tx, isBatchLoop);
      if (paths.openExits.length > 0) {
        const exit = paths.openExits[0];
        const exitText = ts.isReturnStatement(exit)
          ? `the return at line ${lineOf(exit)}`
          : ts.isContinueStatement(exit) || ts.isBreakStatement(exit)
            ? `the \`${exit.getText().replace(/;$/, '')}\` at line ${lineOf(exit)}`
            : 'the end of the function';
        context.report({
          node: tx.statement,
          messageId: 'noCommit',
          data: { handle: tx.handle, exit: exitText },
          related: paths.openExits.map((e) => ({ node: e, message: 'Reached with the transaction still open.' })),
          suggestions: [...addCommitSuggestion(tx, paths.openExits), ...callbackTransactionSuggestion(tx)],
          facts: { case: 'noCommit', handle: tx.handle },
        });
      } else if (commitsAnywhere(tx) && !rollsBackOnError(tx)) {
        context.report({
          node: tx.statement,
          messageId: 'noRollback',
          data: { handle: tx.handle },
          suggestions: [...addRollbackSuggestion(tx), ...callbackTransactionSuggestion(tx)],
          facts: { case: 'noRollback', handle: tx.handle },
        });
      }
      for (const loopNode of paths.loopsInside) {
        reported.add(loopNode);
        context.report({
          node: loopNode,
          messageId: 'illusoryExplicit',
          data: { handle: tx.handle, openLine: lineOf(tx.open) },
          related: [{ node: tx.open, message: 'The one transaction every batch runs in.' }],
          facts: { case: 'illusoryExplicit', handle: tx.handle },
        });
      }
    }
    for (const loop of loopsIn(context.sf)) {
      if (reported.has(loop.node) || !batchLoopKind(loop)) continue;
      const tx = enclosingCallbackTransaction(loop.node);
      if (tx && mentions(loop.body, tx.handles)) {
        context.report({
          node: loop.node,
          messageId: 'illusoryCallback',
          data: { tx: tx.description },
          related: [{ node: tx.node, message: 'The one transaction every batch runs in.' }],
          facts: { case: 'illusoryCallback' },
        });
      } else if (context.runner.wraps) {
        context.report({
          node: loop.node,
          messageId: 'illusoryRunner',
          data: { reason: context.runner.reason },
          suggestions: knexOptOutFix(context),
          facts: { case: 'illusoryRunner', runner: context.runner.runner },
        });
      }
    }
  },
};
