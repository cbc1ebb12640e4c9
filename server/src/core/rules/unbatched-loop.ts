// unbatched-loop: a loop that writes once per row over rows from an unbounded read, with no commit
// per batch. On a live site it holds locks for the whole run, collides with the application, and
// cannot resume after a crash.
import { lineOf } from '../semantics/ast';
import { loopsIn } from '../semantics/loops';
import { isUnbounded } from '../semantics/origins';
import { enclosingCallbackTransaction } from '../semantics/transactions';
import { perItemWrite } from '../semantics/writes';
import { batchingRewrite } from '../fixes/batching/rewrite';
import { docsUrl, type Rule } from '../rule';

export const unbatchedLoop: Rule = {
  meta: {
    id: 'unbatched-loop',
    description: 'A loop writes once per row over an unbounded read, with no commit per batch.',
    docsUrl: docsUrl('unbatched-loop'),
    defaultSeverity: 'warning',
    hasSuggestions: true,
    messages: {
      unbatched:
        'Unbatched loop: writes once per row (line {writeLine}) over {what} from an unbounded read (line {readLine}), with no commit per batch{inTransaction}. ' +
        'On a live site it holds locks and collides with the application for the whole run, and a crash loses or repeats work. ' +
        'Process the rows in keyset batches with a commit per batch (evolve-runtime eachBatch).{noRewrite}',
    },
  },
  check(context) {
    for (const loop of loopsIn(context.sf)) {
      if (!loop.iterated || !isUnbounded(loop.iterated)) continue;
      const write = perItemWrite(loop);
      if (!write) continue;
      const source = loop.iterated.kind === 'rows' || loop.iterated.kind === 'cursor' ? loop.iterated.source : loop.node;
      const tx = enclosingCallbackTransaction(loop.node);
      const rewrite = batchingRewrite(loop, context.runner);
      const inTransaction = tx
        ? `, and all of it runs inside ${tx.description}`
        : context.runner.wraps
          ? `, and all of it runs inside the migration runner's transaction (${context.runner.reason})`
          : '';
      context.report({
        node: loop.node,
        messageId: 'unbatched',
        data: {
          writeLine: lineOf(write),
          readLine: lineOf(source),
          what: loop.iterated.kind === 'cursor' ? 'a cursor' : 'rows',
          inTransaction,
          noRewrite: 'reason' in rewrite ? ` Evolve offers no automatic rewrite here: ${rewrite.reason}.` : '',
        },
        suggestions: 'fix' in rewrite ? [rewrite.fix] : [],
        related: [
          { node: source, message: 'The unbounded read the loop iterates.' },
          { node: write, message: 'The write that runs once per row.' },
        ],
        facts: { loopKind: loop.kind, readLine: lineOf(source), writeLine: lineOf(write), ...('reason' in rewrite ? { noRewrite: rewrite.reason } : { rewrite: true }) },
      });
    }
  },
};
