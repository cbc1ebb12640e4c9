// Keyset fetch for Kysely: `db.selectFrom(t)...execute()` gains `$if(after !== undefined, where key > after)`,
// `orderBy(key)` and `limit(size)`, and runs on the batch's transaction.
import { callChain, nameOfCallee, staticText, unwrap } from '../../semantics/ast';
import { ts } from '../../ts';
import type { Derivation } from './derive';

const UNSAFE = new Set(['limit', 'offset', 'orderBy', 'groupBy', 'having', 'distinct', 'distinctOn', 'innerJoin', 'leftJoin', 'rightJoin', 'fullJoin', 'crossJoin', 'innerJoinLateral', 'leftJoinLateral', 'union', 'unionAll', 'intersect', 'except', 'modifyEnd', 'top', 'fetch']);

/** Whether a select() argument names `id`: `'id'`, `'users.id'`, `['id', 'name']`. */
function selectsId(arg: ts.Expression): boolean {
  const a = unwrap(arg);
  if (ts.isArrayLiteralExpression(a)) return a.elements.some((e) => selectsId(e));
  const text = staticText(a);
  return text === 'id' || !!text?.endsWith('.id');
}

export function deriveKysely(read: ts.CallExpression): Derivation | undefined {
  const chain = callChain(read);
  if (chain.length < 2 || nameOfCallee(chain[0].expression) !== 'selectFrom' || nameOfCallee(read.expression) !== 'execute') return undefined;
  const from = unwrap(chain[0].expression);
  if (!ts.isPropertyAccessExpression(from) || !ts.isIdentifier(from.expression)) return { reason: 'selectFrom() is not called on a plain Kysely handle' };
  const handle = from.expression;
  const names = chain.slice(1, -1).map((c) => nameOfCallee(c.expression) ?? '');
  const unsafe = names.find((n) => UNSAFE.has(n));
  if (unsafe) return { reason: `the query uses \`${unsafe}()\`, so its rows cannot be re-read in key order safely` };
  if (chain.slice(1, -1).some((c) => !ts.isPropertyAccessExpression(unwrap(c.expression)))) return { reason: 'the query chain computes a method name' };
  const selects = chain.filter((c) => nameOfCallee(c.expression) === 'select');
  const all = names.includes('selectAll');
  if (!all && !selects.some((c) => c.arguments.some(selectsId))) return { reason: 'the query does not select `id`, which the batches are ordered by' };
  const sf = read.getSourceFile();
  const executeCallee = unwrap(read.expression) as ts.PropertyAccessExpression;
  // From `selectFrom(...)` up to the `.execute` the fetch re-adds after the keyset parts.
  const query = sf.text.slice(from.name.getStart(sf), executeCallee.expression.getEnd());
  const isTs = /\.(m|c)?tsx?$/.test(sf.fileName);
  return {
    adapter: 'kyselyAdapter',
    handle,
    key: 'id',
    fetch: (tx, k) =>
      `${isTs ? `(after: any, size: number, ${tx})` : `(after, size, ${tx})`} =>\n  ${tx}.${query}\n    .$if(after !== undefined, (query) => query.where(${k}, '>', after))\n    .orderBy(${k})\n    .limit(size)\n    .execute()`,
  };
}
