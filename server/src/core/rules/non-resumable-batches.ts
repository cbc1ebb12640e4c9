// non-resumable-batches (hint): a batch loop that records no checkpoint and whose read does not leave out
// rows already done. When it stops halfway (a deploy, a crash, a timeout), a rerun starts from the first
// row again: hours of work repeated, and writes that are not idempotent (inserts, increments) applied twice.
import { forEachDescendant, lineOf, nameOfCallee, staticText, unwrap } from '../semantics/ast';
import { firstWrite, resolveCallee } from '../semantics/functions';
import { loopsIn, pageReadIn, type Loop } from '../semantics/loops';
import { stringValue } from '../semantics/origins';
import { flushWrite } from '../semantics/writes';
import { ts } from '../ts';
import { batchLoopKind } from './missing-commit';
import { docsUrl, type Rule } from '../rule';

/** Names and text that show a script keeps or takes a resume point. */
const CHECKPOINT = /checkpoint|resum|last_?(processed|migrated|done|synced|completed)|progress_?(table|store|key)|start_?(after|from|id)|process\.(argv|env)/i;
const DELETES = /^(delete|deleteMany|deleteOne|del|destroy|remove|bulkDelete|deleteFrom|truncate)$/;
/** Keys of a write's arguments that select rows rather than set values. */
const SELECTOR_KEYS = new Set(['where', 'filter', 'id', '_id', 'ids', 'in', '$in']);

/** The columns a write sets: keys of its object arguments (under $set, data, ...) and `SET col =` in SQL. */
function writtenColumns(write: ts.Node): { columns: Set<string>; deletes: boolean } {
  const columns = new Set<string>();
  let deletes = false;
  const collect = (n: ts.Node): void => {
    if (ts.isObjectLiteralExpression(n)) {
      for (const p of n.properties) {
        const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
        if (name && SELECTOR_KEYS.has(name)) continue;
        if (name && !name.startsWith('$') && name !== 'data' && name !== 'update') columns.add(name);
        if (ts.isPropertyAssignment(p)) collect(p.initializer);
      }
      return;
    }
    if (ts.isCallExpression(n) && DELETES.test(nameOfCallee(n.expression) ?? '')) deletes = true;
    const sql = ts.isExpression(n) ? (ts.isStringLiteralLike(n) || ts.isTemplateExpression(n) || ts.isTaggedTemplateExpression(n) ? staticText(n) : ts.isIdentifier(n) ? stringValue(n) : undefined) : undefined;
    if (sql) {
      if (/^\s*delete\b/i.test(sql)) deletes = true;
      for (const m of sql.matchAll(/\bset\s+([\s\S]*?)(\bwhere\b|$)/gi)) for (const c of m[1].matchAll(/["`]?(\w+)["`]?\s*=/g)) columns.add(c[1]);
    }
    ts.forEachChild(n, collect);
  };
  collect(write);
  return { columns, deletes };
}

/** The read that chooses the loop's rows: the page read, or the read whose rows or chunks it iterates. */
function batchRead(loop: Loop): ts.Node | undefined {
  const it = loop.iterated;
  if (!it) return pageReadIn(loop.body);
  if (it.kind === 'chunks' && (it.of.kind === 'rows' || it.of.kind === 'cursor')) return it.of.source;
  if (it.kind === 'rows' || it.kind === 'cursor') return it.source;
  return undefined;
}

/**
 * Whether the read leaves out rows the loop has done: it filters on a column the loop writes, or the loop
 * deletes them. `writes` is the write itself, or the whole body when the read is outside it (the body
 * builds the operations a flush then writes: `ops.push({ updateOne: { update: { $set: ... } } })`).
 */
function skipsDoneRows(read: ts.Node, writes: ts.Node): boolean {
  const { columns, deletes } = writtenColumns(writes);
  if (deletes) return true;
  // A page read through a helper (`await nextPage(after)`) filters in the helper's body.
  const helper = ts.isCallExpression(read) ? resolveCallee(read) : undefined;
  const text = read.getText() + (helper ? '\n' + helper.getText() : '');
  return [...columns].some((c) => new RegExp(`\\b${c.replace(/\$/g, '\\$')}\\b`).test(text));
}

function mentionsCheckpoint(loop: Loop): boolean {
  let fn: ts.Node = loop.node;
  while (fn.parent && !ts.isSourceFile(fn.parent)) fn = fn.parent;
  let found = false;
  forEachDescendant(fn, (n) => {
    if (found) return 'skip';
    if ((ts.isIdentifier(n) || ts.isStringLiteralLike(n) || ts.isPropertyAccessExpression(n)) && CHECKPOINT.test(n.getText())) found = true;
  }, () => true);
  return found;
}

export const nonResumableBatches: Rule = {
  meta: {
    id: 'non-resumable-batches',
    description: 'A batch loop with neither a checkpoint nor a filter that leaves out rows already done, so a rerun starts over.',
    docsUrl: docsUrl('non-resumable-batches'),
    defaultSeverity: 'hint',
    hasSuggestions: false,
    messages: {
      noResume:
        'These batches cannot resume: the loop keeps no checkpoint, and its read (line {readLine}) does not leave out rows it already wrote. ' +
        'If the script stops halfway, a rerun starts from the first row again, repeating the work and applying writes that are not idempotent twice. ' +
        "Use eachBatch's checkpoint (evolve-runtime), or filter the read on a column the batch sets (WHERE migrated_at IS NULL).",
    },
  },
  check(context) {
    for (const loop of loopsIn(context.sf)) {
      if (!batchLoopKind(loop)) continue;
      const read = batchRead(loop);
      const write = loop.iterated && !pageReadIn(loop.body) && loop.iterated.kind !== 'chunks' ? flushWrite(loop) : firstWrite(loop.body);
      if (!read || !write || skipsDoneRows(unwrap(read as ts.Expression), loop.iterated ? loop.body : write) || mentionsCheckpoint(loop)) continue;
      context.report({
        node: loop.node,
        messageId: 'noResume',
        data: { readLine: lineOf(read) },
        related: [
          { node: read, message: 'The read that selects every row again on a rerun.' },
          { node: write, message: 'The batch write.' },
        ],
        subjects: [loop.node],
        facts: { kind: batchLoopKind(loop) },
      });
    }
  },
};
