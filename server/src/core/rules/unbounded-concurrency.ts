// unbounded-concurrency: `Promise.all` over writes for every item of an unbounded list (rows of a read
// with no limit, or every chunk of one), which starts them all at once: the pool's queue grows with the
// table, the database takes every lock together, and one failure leaves the others running.
import { chainNames, isFunctionLike, lineOf, nameOfCallee, unwrap } from '../semantics/ast';
import type { Origin } from '../semantics/context';
import { firstWrite } from '../semantics/functions';
import { loopAt, type Loop } from '../semantics/loops';
import { isUnbounded } from '../semantics/origins';
import { resolveIdentifier } from '../semantics/scope';
import { indexOf, treeIndex } from '../semantics/tree-index';
import { ts } from '../ts';
import { discardingStatement, sequentialLoopFix } from '../fixes/loop-fixes';
import { docsUrl, type Rule } from '../rule';

const ALL_AT_ONCE = new Set(['all', 'allSettled']);

/** Items of an unbounded read: its rows, or every chunk of them. */
function unboundedItems(o: Origin | undefined): { source: ts.Node; chunks: boolean } | undefined {
  if (!o) return undefined;
  if (isUnbounded(o) && (o.kind === 'rows' || o.kind === 'cursor')) return { source: o.source, chunks: false };
  if (o.kind === 'chunks' && isUnbounded(o.of) && (o.of.kind === 'rows' || o.of.kind === 'cursor')) return { source: o.of.source, chunks: true };
  return undefined;
}

/** The `list.map(...)` a `Promise.all` argument is, directly or through `const promises = list.map(...)`. */
function mappedList(arg: ts.Expression): ts.CallExpression | undefined {
  let e = unwrap(arg);
  if (ts.isIdentifier(e)) {
    const decl = resolveIdentifier(e);
    if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return undefined;
    e = unwrap(decl.initializer);
  }
  return ts.isCallExpression(e) && /^(map|flatMap)$/.test(nameOfCallee(e.expression) ?? '') ? e : undefined;
}

/** A loop that pushes a write's promise into `promises` for every item: `for (const r of rows) promises.push(save(r))`. */
function pushingLoop(arg: ts.Expression): { loop: Loop; write: ts.Node } | undefined {
  const id = unwrap(arg);
  if (!ts.isIdentifier(id)) return undefined;
  const decl = resolveIdentifier(id);
  if (!decl || !ts.isVariableDeclaration(decl)) return undefined;
  const scope = decl.parent.parent.parent;
  // The calls in the variable's scope, nested functions aside.
  const index = indexOf(scope);
  const { nodes, ends } = index;
  for (let i = index.start(scope), end = index.end(scope, i); i < end; i++) {
    const n = nodes[i];
    if (isFunctionLike(n)) {
      i = ends[i] - 1;
      continue;
    }
    if (!ts.isCallExpression(n) || nameOfCallee(n.expression) !== 'push') continue;
    const recv = unwrap(n.expression);
    if (!ts.isPropertyAccessExpression(recv) || !ts.isIdentifier(recv.expression) || resolveIdentifier(recv.expression) !== decl) continue;
    const write = n.arguments[0] && firstWrite(n.arguments[0]);
    if (!write) continue;
    for (let p: ts.Node | undefined = n.parent; p && p !== scope; p = p.parent) {
      const loop = loopAt(p);
      if (loop && unboundedItems(loop.iterated)) return { loop, write };
    }
  }
  return undefined;
}

export const unboundedConcurrency: Rule = {
  meta: {
    id: 'unbounded-concurrency',
    description: '`Promise.all` starts a write for every item of an unbounded list at once.',
    docsUrl: docsUrl('unbounded-concurrency'),
    defaultSeverity: 'warning',
    hasSuggestions: true,
    messages: {
      allAtOnce:
        'Unbounded concurrency: `Promise.{method}` starts a write (line {writeLine}) for every {what} of an unbounded read (line {readLine}) at once. ' +
        "It floods the connection pool and the database: the pool's queue grows with the table, every lock is taken together, and one failure leaves the rest running. " +
        'Write in sequential batches, or with a concurrency limit (p-limit, evolve-runtime eachBatch).',
    },
  },
  check(context) {
    // Every call of the file, in nested functions too.
    for (const n of treeIndex(context.sf).nodes) {
      if (!ts.isCallExpression(n) || !n.arguments[0]) continue;
      const names = chainNames(n.expression);
      if (names.length !== 2 || names[0] !== 'Promise' || !ALL_AT_ONCE.has(names[1])) continue;
      const map = mappedList(n.arguments[0]);
      const mapLoop = map && loopAt(map);
      const items = unboundedItems(mapLoop?.iterated);
      const mapWrite = mapLoop && items ? firstWrite(mapLoop.body) : undefined;
      const pushed = mapWrite ? undefined : pushingLoop(n.arguments[0]);
      const loop = mapWrite ? mapLoop! : pushed?.loop;
      const write = mapWrite ?? pushed?.write;
      const what = unboundedItems(loop?.iterated);
      if (!loop || !write || !what) continue;
      const statement = discardingStatement(n);
      const suggestions =
        statement && map && unwrap(n.arguments[0]) === map && nameOfCallee(map.expression) === 'map'
          ? sequentialLoopFix(statement, map, 'Write one item at a time (for...of with await): slower, but the pool and the database are not flooded')
          : [];
      context.report({
        node: n,
        messageId: 'allAtOnce',
        data: { method: names[1], writeLine: lineOf(write), readLine: lineOf(what.source), what: what.chunks ? 'chunk' : 'row' },
        related: [
          { node: what.source, message: 'The unbounded read whose items are all written at once.' },
          { node: write, message: 'The write started for every item.' },
        ],
        subjects: [n, loop.node, what.source],
        suggestions,
        facts: { method: names[1], chunks: what.chunks },
      });
    }
  },
};
