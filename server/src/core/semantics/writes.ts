// What a loop writes per iteration: writes in its body (through helpers too), leaving out writes that
// belong to a nested loop over rows (reported on their own) and flushes of an accumulated batch.
import { ts } from '../ts';
import { onTreeReuse } from './node-facts';
import { firstWrite } from './functions';
import { loopAt } from './loops';
import { isUnbounded } from './origins';
import { indexOf } from './tree-index';
import type { Loop } from './loops';

/**
 * `if (ops.length >= 1000) { await bulkWrite(ops) }` where the loop pushes to `ops`, or `if (i % 500 === 0)`:
 * a flush of an accumulated batch, not a write per row.
 */
export function isFlushGuard(node: ts.Node, loopBody: ts.Node): boolean {
  if (!ts.isIfStatement(node)) return false;
  const cond = node.expression.getText();
  if (/%/.test(cond) && /[=<>]/.test(cond)) return true;
  const body = loopBody.getText();
  for (const m of cond.matchAll(/([\w$.]+)\.(length|size)\b/g)) {
    const name = m[1].replace(/^this\./, '');
    const escaped = name.replace(/[.$]/g, (c) => '\\' + c);
    if (new RegExp(`\\b${escaped}\\.(push|add|set)\\(|\\b${escaped}\\s*=\\s*\\[\\s*\\.\\.\\.`).test(body)) return true;
  }
  return false;
}

function isInnerRowLoop(n: ts.Node): boolean {
  const inner = loopAt(n);
  return !!inner && !!inner.iterated && isUnbounded(inner.iterated);
}

/** The first write that happens once per item of `loop`, if any. */
let perItemCache = new WeakMap<Loop, ts.Node | null>();
onTreeReuse(() => {
  perItemCache = new WeakMap();
});

export function perItemWrite(loop: Loop): ts.Node | undefined {
  let write = perItemCache.get(loop);
  if (write === undefined) {
    write = firstWrite(loop.body, (n) => n !== loop.node && (isFlushGuard(n, loop.body) || isInnerRowLoop(n))) ?? null;
    perItemCache.set(loop, write);
  }
  return write ?? undefined;
}

/** The first write under a flush guard in the loop body: the loop batches by accumulating. */
export function flushWrite(loop: Loop): ts.Node | undefined {
  const body = loop.body;
  if (isFlushGuard(body, body)) return firstWrite(body);
  // The ifs of the body, from the tree index: no walk of it per loop.
  const index = indexOf(body);
  const { nodes, ends } = index;
  for (let i = index.start(body), end = index.end(body, i); i < end; i++) {
    const n = nodes[i];
    if (n.kind !== ts.SyntaxKind.IfStatement || !isFlushGuard(n, body)) continue;
    const found = firstWrite(n);
    if (found) return found;
    i = ends[i] - 1;
  }
  return undefined;
}
