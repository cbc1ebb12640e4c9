// floating-write: a write whose promise nobody awaits (`rows.forEach(async ...)`, a missing `await`,
// a `map(async ...)` whose promises are dropped). The script can finish, or its transaction commit,
// before the write happens; its error is never caught; a lazy query builder never runs at all.
import { VOCABULARY } from '../libraries';
import { calleeName, chainRoot, enclosingFunction, lineOf, unwrap } from '../semantics/ast';
import { classifyCall, classifyTaggedTemplate } from '../semantics/calls';
import { schemaChangeOf } from '../semantics/ddl';
import { firstWrite, resolveCallee, summaryOf } from '../semantics/functions';
import { originOf } from '../semantics/origins';
import { treeIndex } from '../semantics/tree-index';
import { ts } from '../ts';
import type { CodeFix } from '../types';
import { inlineCallback, isAsyncFunction, sequentialLoopFix } from '../fixes/loop-fixes';
import { docsUrl, type Rule } from '../rule';

const PROMISE_CHAIN = new Set(['then', 'catch', 'finally']);
const HANDLE_NAMES = /^(knex|db|database|pool|client|conn|connection|sequelize|dataSource|mongoose|sql)$/i;

/** `db.exec(sql)`, `stmt.run()`: the names synchronous drivers use; unless the handle is known to be asynchronous, nothing is said. */
const SYNC_PRONE = new Set(['exec', 'run']);

/** Writes through a synchronous driver return their result: nothing floats. */
function isSynchronous(call: ts.CallExpression | ts.TaggedTemplateExpression): boolean {
  const root = chainRoot(ts.isCallExpression(call) ? call.expression : call.tag);
  const o = originOf(root);
  if (o.kind === 'statement' || (o.kind === 'db' && !!o.library && VOCABULARY.synchronousLibraries.has(o.library))) return true;
  return ts.isCallExpression(call) && SYNC_PRONE.has(calleeName(call) ?? '') && !(o.kind === 'db' && o.library);
}

/** `knex.destroy()` closes the connection pool: no arguments, called on the handle itself, not on a row or model. */
function isTeardown(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  return (
    call.arguments.length === 0 &&
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    /^(destroy|end|close)$/.test(callee.name.text) &&
    (originOf(callee.expression).kind === 'db' || HANDLE_NAMES.test(callee.expression.text))
  );
}

/** The write a statement starts and drops: `knex('t').update(x);`, `save(row).catch(log);`, `helper(row);`. */
function droppedWrite(expr: ts.Expression): ts.CallExpression | ts.TaggedTemplateExpression | undefined {
  let e: ts.Expression = expr;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  while (ts.isCallExpression(e) && PROMISE_CHAIN.has(calleeName(e) ?? '') && ts.isPropertyAccessExpression(e.expression)) e = e.expression.expression;
  if (ts.isTaggedTemplateExpression(e)) return classifyTaggedTemplate(e).kind === 'write' && !isSynchronous(e) ? e : undefined;
  if (!ts.isCallExpression(e)) return undefined;
  if (classifyCall(e).kind === 'write') return isSynchronous(e) || isTeardown(e) ? undefined : e;
  const fn = resolveCallee(e);
  return fn && isAsyncFunction(fn) && summaryOf(fn).write ? e : undefined;
}

/**
 * A schema change nobody waits for: in any function, since a migration function that neither awaits nor
 * returns `knex.schema.alterTable(...)` ends before it runs (a lazy schema builder never runs at all).
 */
function droppedSchemaChange(expr: ts.CallExpression | ts.TaggedTemplateExpression, inAsyncFunction: boolean): ts.Node | undefined {
  const change = schemaChangeOf(expr);
  if (!change || isSynchronous(expr)) return undefined;
  // DDL text outside async code is most likely a synchronous driver's (`db.exec('ALTER TABLE ...')`).
  return change.sql === undefined || inAsyncFunction ? expr : undefined;
}

function addAwait(statement: ts.ExpressionStatement): CodeFix[] {
  const start = statement.expression.getStart();
  return [{ title: 'Await the write (the script then waits for it and sees its errors)', edits: [{ start, end: start, newText: 'await ' }], preservesBehaviour: false }];
}

export const floatingWrite: Rule = {
  meta: {
    id: 'floating-write',
    description: 'A write whose promise is never awaited (forEach(async ...), a missing await), so it can run after the script ends and its errors vanish.',
    docsUrl: docsUrl('floating-write'),
    defaultSeverity: 'warning',
    hasSuggestions: true,
    messages: {
      forEachAsync:
        '`forEach` does not wait for its async callback, so the write at line {writeLine} floats: the loop, the script or its transaction can finish before the write happens, and its errors are never caught. ' +
        'Use `for...of` with `await` (or batches awaited one after another).',
      droppedMap:
        'The promises this `{method}` returns are dropped, so the write at line {writeLine} floats: the script or its transaction can finish before it happens, and its errors are never caught. ' +
        'Await the writes: `for...of` with `await`, or `await` them in batches.',
      schemaNotAwaited:
        'This schema change is never awaited or returned: the migration can finish, and the next one start, before it runs; its errors are never caught; and a lazy schema builder never runs at all. ' +
        'Add `await` (or return it).',
      notAwaited:
        "This write's promise is never awaited: the script or its transaction can finish before it happens, its errors are never caught, and a lazy query builder never runs at all. " +
        'Add `await`.',
    },
  },
  check(context) {
    // Every expression statement of the file, in nested functions too.
    for (const node of treeIndex(context.sf).nodes) {
      if (node.kind !== ts.SyntaxKind.ExpressionStatement) continue;
      const n = node as ts.ExpressionStatement;
      const awaited = ts.isAwaitExpression(n.expression) || ts.isVoidExpression(n.expression);
      const expr = unwrap(n.expression);
      const cb = ts.isCallExpression(expr) && /^(forEach|map|flatMap)$/.test(calleeName(expr) ?? '') ? inlineCallback(expr) : undefined;
      if (cb && ts.isCallExpression(expr)) {
        // Awaiting the array `map` returns does not await the promises in it.
        const write = firstWrite(cb.body);
        const floats = isAsyncFunction(cb) || (!ts.isBlock(cb.body) && write === cb.body && !!droppedWrite(cb.body));
        if (!write || !floats) continue;
        const method = calleeName(expr)!;
        context.report({
          node: expr,
          messageId: method === 'forEach' ? 'forEachAsync' : 'droppedMap',
          data: { writeLine: lineOf(write), method },
          related: [{ node: write, message: 'The write nobody waits for.' }],
          subjects: [expr],
          suggestions: sequentialLoopFix(n, expr, 'Write one item at a time with `for...of` and `await` (the loop then waits for each write)'),
          facts: { case: method === 'forEach' ? 'forEachAsync' : 'droppedMap' },
        });
        continue;
      }
      if (awaited) continue;
      const async = isAsyncFunction(enclosingFunction(n));
      const schema = ts.isCallExpression(expr) || ts.isTaggedTemplateExpression(expr) ? droppedSchemaChange(expr, async) : undefined;
      if (schema) {
        context.report({ node: n.expression, messageId: 'schemaNotAwaited', suggestions: async ? addAwait(n) : [], facts: { case: 'schemaNotAwaited' } });
        continue;
      }
      if (!async) continue;
      const write = droppedWrite(n.expression);
      if (!write) continue;
      context.report({ node: n.expression, messageId: 'notAwaited', suggestions: addAwait(n), facts: { case: 'notAwaited' } });
    }
  },
};
