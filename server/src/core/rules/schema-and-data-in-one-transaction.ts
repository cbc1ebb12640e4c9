// schema-and-data-in-one-transaction: a migration that changes a table's schema and backfills data in the
// same transaction (the runner's per-file transaction, or one callback transaction). The DDL's lock
// (ACCESS EXCLUSIVE on PostgreSQL) is held until the backfill commits, so the live site waits on the
// table for the whole backfill. Creating a new table is left out: nobody else uses it yet.
import { VOCABULARY } from '../libraries';
import { chainNames, forEachDescendant, isFunctionLike, lineOf, nameOfCallee, staticText } from '../semantics/ast';
import { classifyCall, classifyTaggedTemplate } from '../semantics/calls';
import { resolveCallee, summaryOf } from '../semantics/functions';
import { stringValue } from '../semantics/origins';
import { classifySql } from '../semantics/sql';
import { enclosingCallbackTransaction } from '../semantics/transactions';
import { ts } from '../ts';
import { docsUrl, type Rule } from './rule';

const NEW_OBJECT = /^(createTable|createTableIfNotExists|createView|createType|createSchema)$/;
/** Builder methods that only make sense on a schema builder (`knex.schema.table`, `db.schema.alterTable`). */
const SCHEMA_ONLY = new Set(['table', 'createIndex', 'dropIndex']);

/** Whether a call or template changes an existing table's schema. */
function changesSchema(n: ts.CallExpression | ts.TaggedTemplateExpression): boolean {
  if (ts.isTaggedTemplateExpression(n)) return isAlteringSql(staticText(n.template));
  const name = nameOfCallee(n.expression) ?? '';
  if (VOCABULARY.ddlMethods.has(name) && !NEW_OBJECT.test(name)) {
    const names = chainNames(n.expression);
    if (!SCHEMA_ONLY.has(name) || names.includes('schema')) return names.length > 1;
  }
  const arg = n.arguments[0];
  if (!arg || !(VOCABULARY.sqlMethods.has(name) || /query|exec|raw|sql/i.test(name))) return false;
  return isAlteringSql(stringValue(arg) ?? staticText(arg));
}

function isAlteringSql(sql: string | undefined): boolean {
  if (!sql || classifySql(sql)?.kind !== 'ddl') return false;
  return !/^\s*create\s+(table|view|type|schema|(or\s+replace\s+)?function|sequence|extension)\b/i.test(sql) && !/\bconcurrently\b/i.test(sql);
}

function writesData(n: ts.CallExpression | ts.TaggedTemplateExpression): boolean {
  if (ts.isTaggedTemplateExpression(n)) return classifyTaggedTemplate(n).kind === 'write';
  if (classifyCall(n).kind === 'write') return !/^truncate$/i.test(nameOfCallee(n.expression) ?? '');
  const fn = resolveCallee(n);
  return !!fn && !!summaryOf(fn).write;
}

/** The transaction a statement runs in: a callback transaction, or the migration function the runner wraps. */
function transactionScope(n: ts.Node, runnerWraps: boolean): ts.Node | undefined {
  const tx = enclosingCallbackTransaction(n);
  if (tx) return tx.node;
  if (!runnerWraps) return undefined;
  let outermost: ts.Node | undefined;
  for (let p: ts.Node | undefined = n.parent; p; p = p.parent) if (isFunctionLike(p)) outermost = p;
  return outermost;
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
    const byScope = new Map<ts.Node, { ddl?: ts.Node; write?: ts.Node }>();
    forEachDescendant(
      context.sf,
      (n) => {
        if (!ts.isCallExpression(n) && !ts.isTaggedTemplateExpression(n)) return;
        const ddl = changesSchema(n);
        const write = !ddl && writesData(n);
        if (!ddl && !write) return;
        const scope = transactionScope(n, context.runner.wraps);
        if (!scope) return;
        const entry = byScope.get(scope) ?? {};
        if (ddl) entry.ddl ??= n;
        else entry.write ??= n;
        byScope.set(scope, entry);
        return 'skip';
      },
      () => true,
    );
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
