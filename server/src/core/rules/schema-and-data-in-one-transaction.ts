// schema-and-data-in-one-transaction: a migration that changes a table's schema and backfills data in the
// same transaction (the runner's per-file transaction, or one callback transaction). The DDL's lock
// (ACCESS EXCLUSIVE on PostgreSQL) is held until the backfill commits, so the live site waits on the
// table for the whole backfill. Creating a new table is left out: nobody else uses it yet.
import { isFunctionLike, lineOf, nameOfCallee } from '../semantics/ast';
import { classifyCall, classifyTaggedTemplate } from '../semantics/calls';
import { schemaChangeOf } from '../semantics/ddl';
import { resolveCallee, summaryOf } from '../semantics/functions';
import { treeIndex } from '../semantics/tree-index';
import { enclosingCallbackTransaction } from '../semantics/transactions';
import { ts } from '../ts';
import { docsUrl, type Rule } from '../rule';

/** Whether a call or template changes an existing table's schema (`CREATE INDEX CONCURRENTLY` cannot run in a transaction). */
function changesSchema(n: ts.CallExpression | ts.TaggedTemplateExpression): boolean {
  const change = schemaChangeOf(n);
  return change?.change === 'alter' && !/\bconcurrently\b/i.test(change.sql ?? '');
}

function writesData(n: ts.CallExpression | ts.TaggedTemplateExpression): boolean {
  if (ts.isTaggedTemplateExpression(n)) return classifyTaggedTemplate(n).kind === 'write';
  if (classifyCall(n).kind === 'write') return !/^truncate$/i.test(nameOfCallee(n.expression) ?? '');
  const fn = resolveCallee(n);
  return !!fn && !!summaryOf(fn).write;
}

/**
 * The transaction a statement runs in: the migration function the runner wraps (a callback transaction
 * inside it is only a savepoint of the runner's), else a callback transaction.
 */
function transactionScope(n: ts.Node, runnerWraps: boolean): ts.Node | undefined {
  if (runnerWraps) {
    let outermost: ts.Node | undefined;
    for (let p: ts.Node | undefined = n.parent; p; p = p.parent) if (isFunctionLike(p)) outermost = p;
    return outermost;
  }
  return enclosingCallbackTransaction(n)?.node;
}

export const schemaAndDataInOneTransaction: Rule = {
  meta: {
    id: 'schema-and-data-in-one-transaction',
    description: 'A migration changes the schema and backfills data in one transaction, holding the DDL lock through the backfill.',
    docsUrl: docsUrl('schema-and-data-in-one-transaction'),
    defaultSeverity: 'warning',
    hasSuggestions: false,
    messages: {
      schemaAndData:
        'Schema and data in one transaction: this schema change and the backfill at line {writeLine} run inside {tx}. ' +
        'The schema change locks the table (ACCESS EXCLUSIVE on PostgreSQL) until the whole backfill commits, so every query of the live site on that table waits for the backfill. ' +
        'Split it into two migrations: the schema change first, then the backfill in batches outside that transaction.',
    },
  },
  check(context) {
    const { nodes, ends } = treeIndex(context.sf);
    // Only a file that changes a schema somewhere can have a finding: the writes (every call
    // classified, helpers summarised) are looked for only then.
    if (!nodes.some((n) => (ts.isCallExpression(n) || ts.isTaggedTemplateExpression(n)) && changesSchema(n))) return;
    const byScope = new Map<ts.Node, { ddl?: ts.Node; write?: ts.Node }>();
    // Every call and tagged template of the file, in nested functions too, but not inside one already counted.
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      if (!ts.isCallExpression(n) && !ts.isTaggedTemplateExpression(n)) continue;
      const ddl = changesSchema(n);
      const write = !ddl && writesData(n);
      if (!ddl && !write) continue;
      const scope = transactionScope(n, context.runner.wraps);
      if (!scope) continue;
      const entry = byScope.get(scope) ?? {};
      if (ddl) entry.ddl ??= n;
      else entry.write ??= n;
      byScope.set(scope, entry);
      i = ends[i] - 1;
    }
    for (const [scope, { ddl, write }] of byScope) {
      if (!ddl || !write) continue;
      const callback = ts.isCallExpression(scope) ? scope : undefined;
      const tx = callback
        ? `the transaction opened by \`${nameOfCallee(callback.expression)}(...)\` at line ${lineOf(callback)}`
        : `the migration runner's transaction (${context.runner.reason})`;
      context.report({
        node: ddl,
        messageId: 'schemaAndData',
        data: { writeLine: lineOf(write), tx },
        related: [{ node: write, message: 'The backfill that runs while the schema change holds its lock.' }],
        subjects: [ddl],
        facts: { writeLine: lineOf(write), runner: !callback },
      });
    }
  },
};
