// unbounded-read: a whole table or collection, or a filter with no limit, loaded into memory at once
// (`await knex('t')`, `findMany()` without `take`, `find().toArray()`, a SELECT without LIMIT).
// On a real table it takes memory and time in proportion to the table, and the script dies with it.
import { calleeName, chainNames, forEachDescendant, lineOf, staticText, unwrap } from '../semantics/ast';
import { classifyCall } from '../semantics/calls';
import { originOf } from '../semantics/origins';
import { treeIndex } from '../semantics/tree-index';
import { ts } from '../ts';
import { iterateCursorFix } from '../fixes/read-fixes';
import { docsUrl, type Rule } from '../rule';

/** Calls that hand back the whole result without an `await` (synchronous drivers, `.then` callbacks). */
const MATERIALIZING = new Set(['all', 'toArray', 'fetchAll']);

/** What an `await` (or a synchronous `all()`, or a `.then` callback) receives, when it is all rows of an unbounded read. */
function unboundedRows(node: ts.Expression): { source: ts.Node } | undefined {
  const o = originOf(node);
  if (o.kind !== 'rows' || o.bounded || o.page || isSingleAggregate(o.source) || filtersByKnownKeys(o.source) || selectsByKey(o.source)) return undefined;
  return { source: o.source };
}

const KEY_LIST_CALLS = /^(whereIn|whereInIds|orWhereIn|In|inArray|findByIds)$/;

/**
 * Whether the read is limited to a list of keys the script already holds (`id: { in: ids }`,
 * `whereIn('id', ids)`, `_id: { $in: batch.map(...) }`): it returns at most one row per key. A literal
 * list (`status: { in: ['a', 'b'] }`) names values, not rows, and bounds nothing.
 */
function filtersByKnownKeys(read: ts.Node): boolean {
  let found = false;
  const computed = (e: ts.Expression | undefined) => !!e && !ts.isArrayLiteralExpression(unwrap(e));
  forEachDescendant(read, (n) => {
    if (found || isShapeOption(n)) return 'skip';
    if (ts.isPropertyAssignment(n) && (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name)) && /^\$?in$/.test(n.name.text) && computed(n.initializer)) found = true;
    else if (ts.isCallExpression(n) && KEY_LIST_CALLS.test(calleeName(n) ?? '') && computed(n.arguments[n.arguments.length - 1])) found = true;
    else if ((ts.isStringLiteralLike(n) || ts.isTemplateExpression(n)) && /=\s*any\s*\(\s*(\$\d+|\?)|\bin\s*\(\s*(\$\d+|\?)\s*\)/i.test(staticText(n) ?? '')) found = true;
  });
  return found;
}

const KEY_NAME = /^(_?id|uuid|pk)$/i;
/** Options that shape the result rather than choose rows: `select: { id: true }` selects no row by id. */
const NOT_A_FILTER = /^(select|include|projection|orderBy|sort|fields|attributes|data|omit|distinct)$/;

function isShapeOption(n: ts.Node): boolean {
  return ts.isPropertyAssignment(n) && (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name)) && NOT_A_FILTER.test(n.name.text);
}

/** Whether the read selects one row by its key: `where({ id })`, `.where('id', x)`, `{ _id: doc._id }`, `WHERE id = $1`. */
function selectsByKey(read: ts.Node): boolean {
  let found = false;
  forEachDescendant(read, (n) => {
    if (found || isShapeOption(n)) return 'skip';
    if ((ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) && (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name)) && KEY_NAME.test(n.name.text)) {
      const v = ts.isPropertyAssignment(n) ? unwrap(n.initializer) : undefined;
      if (!v || !(ts.isObjectLiteralExpression(v) || ts.isArrayLiteralExpression(v))) found = true;
    } else if (ts.isCallExpression(n) && calleeName(n) === 'where' && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0])) {
      const column = n.arguments[0].text.replace(/^.*\./, '');
      if (KEY_NAME.test(column) && (n.arguments.length === 2 || (n.arguments.length === 3 && ts.isStringLiteralLike(n.arguments[1]) && n.arguments[1].text === '='))) found = true;
    } else if (ts.isStringLiteralLike(n) && /\bwhere\s+(\w+\.)?"?(_?id|uuid)"?\s*=\s*(\$\d+|\?|:\w+)/i.test(n.text)) found = true;
  });
  return found;
}

const AGGREGATES = new Set(['min', 'max', 'sum', 'avg', 'countDistinct', 'sumDistinct', 'avgDistinct']);

/** `knex('orders').max('id')`: one row, unless grouped. */
function isSingleAggregate(read: ts.Node): boolean {
  if (!ts.isCallExpression(read)) return false;
  const names = chainNames(read);
  return names.some((n) => AGGREGATES.has(n)) && !names.some((n) => /^groupBy/.test(n));
}

function isPartOfLargerChain(call: ts.Node): boolean {
  const p = call.parent;
  return (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) && p.expression === call;
}

export const unboundedRead: Rule = {
  meta: {
    id: 'unbounded-read',
    description: 'A whole table or collection (a read with no limit) is loaded into memory at once.',
    docsUrl: docsUrl('unbounded-read'),
    defaultSeverity: 'warning',
    hasSuggestions: true,
    messages: {
      unbounded:
        'Unbounded read: this loads every row the query matches into memory at once (the read at line {readLine} has no limit). ' +
        'On a real table it takes memory and time in proportion to the table, and the script fails or stalls the site as the table grows. ' +
        'Iterate a cursor, or read keyset pages (WHERE id > last ORDER BY id LIMIT n; evolve-runtime eachBatch).',
    },
  },
  check(context) {
    const reported = new Set<ts.Node>();
    const report = (node: ts.Expression, source: ts.Node) => {
      if (reported.has(node)) return;
      reported.add(node);
      context.report({
        node,
        messageId: 'unbounded',
        data: { readLine: lineOf(source) },
        related: source === node || source.getSourceFile() !== context.sf ? [] : [{ node: source, message: 'The read with no limit.' }],
        subjects: [node, source],
        suggestions: iterateCursorFix(node),
        facts: { readLine: lineOf(source) },
      });
    };
    // Every await and call of the file, in nested functions too.
    for (const n of treeIndex(context.sf).nodes) {
      if (ts.isAwaitExpression(n)) {
        const rows = unboundedRows(n.expression);
        if (rows) report(unwrap(n.expression), rows.source);
        continue;
      }
      if (!ts.isCallExpression(n) || isPartOfLargerChain(n)) continue;
      const name = calleeName(n) ?? '';
      // Synchronous drivers (`stmt.all()`) and `.then((rows) => ...)` get the rows without an await.
      if (MATERIALIZING.has(name) && !ts.isAwaitExpression(n.parent)) {
        const info = classifyCall(n);
        const rows = info.kind === 'read' && !info.cursor ? unboundedRows(n) : undefined;
        if (rows) report(n, rows.source);
      } else if (name === 'then' && ts.isPropertyAccessExpression(unwrap(n.expression))) {
        const receiver = (unwrap(n.expression) as ts.PropertyAccessExpression).expression;
        const rows = unboundedRows(receiver);
        if (rows) report(unwrap(receiver), rows.source);
      }
    }
  },
};
