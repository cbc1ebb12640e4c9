// One walk per tree. The rules and the semantic helpers ask a file the same few questions again and
// again: its calls, its loops, the writes under a loop body, the returns of a function. Walking the
// tree anew for each question cost more than answering them (profiled: the walks took half the
// analysis time of a file). So one walk lists the nodes of the kinds they ask about, in the order
// `walk` visits them (parents before children, siblings in source order), with the extent of each
// one's subtree in that list: a question about a subtree is a scan of a slice of the list.
import { ts } from '../ts';
import { checkBudget } from './budget';
import { onTreeReuse } from './node-facts';

const K = ts.SyntaxKind;

/** The kinds the index lists: what the rules and the semantics look for, and what bounds a search (functions). */
const INDEXED_KINDS = [
  K.CallExpression,
  K.TaggedTemplateExpression,
  K.AwaitExpression,
  K.ExpressionStatement,
  K.ReturnStatement,
  K.IfStatement,
  K.TryStatement,
  K.ForStatement,
  K.ForOfStatement,
  K.ForInStatement,
  K.WhileStatement,
  K.DoStatement,
  K.VariableDeclarationList,
  K.FunctionDeclaration,
  K.FunctionExpression,
  K.ArrowFunction,
  K.MethodDeclaration,
  K.Constructor,
  K.GetAccessor,
  K.SetAccessor,
];
const INDEXED = new Uint8Array(K.Count + 1);
for (const k of INDEXED_KINDS) INDEXED[k] = 1;

/** Whether the index lists nodes of this kind. */
export function isIndexedKind(kind: ts.SyntaxKind): boolean {
  return INDEXED[kind] === 1;
}

/** Whether `node` lies in `root`'s subtree (root excluded), from the parent pointers. */
function isWithin(node: ts.Node, root: ts.Node): boolean {
  // Ancestors start no later than their descendants: past `root.pos`, root is not among them.
  for (let p = node.parent; p && p.pos >= root.pos; p = p.parent) if (p === root) return true;
  return false;
}

// Scratch space of the walk that builds an index: building never re-enters itself.
const stack: ts.Node[] = [];
const depths: number[] = [];
const children: ts.Node[] = [];
let childCount = 0;
function collectChild(child: ts.Node): void {
  children[childCount++] = child;
}

export class TreeIndex {
  /** Nodes of the indexed kinds, in walk order. */
  readonly nodes: ts.Node[] = [];
  /** `ends[i]`: the position in `nodes` just past the last indexed node of `nodes[i]`'s subtree. */
  readonly ends: number[] = [];
  /** Every identifier of the tree, in walk order. */
  readonly identifiers: ts.Identifier[] = [];
  private byName: Map<string, ts.Identifier[]> | undefined;
  private scans = 0;
  private grouped = false;
  /** Whether `nodes` is in ascending `pos` (always, for trees the parser made), so a subtree's slice can be found by position. */
  private ordered = true;

  constructor(readonly sf: ts.SourceFile) {
    const { nodes, ends, identifiers } = this;
    // Indexed nodes whose subtree the walk is still in, with their depths.
    const open: number[] = [];
    const openDepths: number[] = [];
    let lastPos = -1;
    stack.length = 0;
    depths.length = 0;
    stack.push(sf);
    depths.push(0);
    try {
      while (stack.length > 0) {
        const n = stack.pop() as ts.Node;
        const depth = depths.pop() as number;
        checkBudget();
        // Every open node at this depth or deeper has no more descendants to come.
        while (open.length > 0 && openDepths[openDepths.length - 1] >= depth) {
          ends[open.pop() as number] = nodes.length;
          openDepths.pop();
        }
        const kind = n.kind;
        // Tokens, identifiers and literals have no children.
        if (kind < K.FirstNode) {
          if (kind === K.Identifier) identifiers.push(n as ts.Identifier);
          continue;
        }
        if (INDEXED[kind] === 1) {
          if (n.pos < lastPos) this.ordered = false;
          lastPos = n.pos;
          open.push(nodes.length);
          openDepths.push(depth);
          nodes.push(n);
          ends.push(0);
        }
        childCount = 0;
        ts.forEachChild(n, collectChild);
        for (let i = childCount - 1; i >= 0; i--) {
          const child = children[i];
          // parseSource's trees come without parent pointers: this walk sets them (see parse.ts).
          (child as { parent: ts.Node }).parent = n;
          stack.push(child);
          depths.push(depth + 1);
        }
      }
    } finally {
      stack.length = 0;
      depths.length = 0;
      children.length = 0;
    }
    while (open.length > 0) ends[open.pop() as number] = nodes.length;
  }

  /** The position in `nodes` of the first indexed node in `root`'s subtree (root excluded). */
  start(root: ts.Node): number {
    if (root === this.sf) return 0;
    const nodes = this.nodes;
    if (!this.ordered) {
      let i = 0;
      while (i < nodes.length && nodes[i] !== root && !isWithin(nodes[i], root)) i++;
      return i < nodes.length && nodes[i] === root ? i + 1 : i;
    }
    const pos = root.pos;
    let lo = 0;
    let hi = nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (nodes[mid].pos < pos) lo = mid + 1;
      else hi = mid;
    }
    // At root's own position come its indexed ancestors, root itself, then its descendants.
    for (; lo < nodes.length && nodes[lo].pos === pos; lo++) {
      const n = nodes[lo];
      if (n === root) return lo + 1;
      if (isWithin(n, root)) return lo;
    }
    return lo;
  }

  /** The position in `nodes` just past the indexed nodes of `root`'s subtree, given `start(root)`. */
  end(root: ts.Node, start: number): number {
    const nodes = this.nodes;
    if (root === this.sf) return nodes.length;
    if (start > 0 && nodes[start - 1] === root) return this.ends[start - 1];
    let i = start;
    if (!this.ordered) {
      while (i < nodes.length && isWithin(nodes[i], root)) i++;
      return i;
    }
    // Nodes that start inside root lie in its subtree; of those that start at its end, only empty ones can.
    const endPos = root.end;
    let hi = nodes.length;
    while (i < hi) {
      const mid = (i + hi) >>> 1;
      if (nodes[mid].pos < endPos) i = mid + 1;
      else hi = mid;
    }
    while (i < nodes.length && nodes[i].pos === endPos && nodes[i].end === endPos && isWithin(nodes[i], root)) i++;
    return i;
  }

  /**
   * Every identifier of the tree with this text, in walk order. A small file is asked about a few
   * names (references of a helper, assignments of a variable): each is found by one scan and kept,
   * cheaper than grouping every identifier of the file by name. A long file is asked about hundreds,
   * and a scan each made that quadratic (a third of a keystroke's analysis in a 3,000-line file):
   * past GROUP_AFTER_SCANS names, one pass groups them all.
   */
  identifiersNamed(text: string): ts.Identifier[] {
    let byName = this.byName;
    if (!byName) byName = this.byName = new Map();
    let list = byName.get(text);
    if (list) return list;
    if (this.grouped) {
      list = [];
    } else if (++this.scans > GROUP_AFTER_SCANS) {
      byName = this.byName = new Map();
      for (const id of this.identifiers) {
        const named = byName.get(id.text);
        if (named) named.push(id);
        else byName.set(id.text, [id]);
      }
      this.grouped = true;
      list = byName.get(text) ?? [];
    } else {
      list = [];
      for (const id of this.identifiers) if (id.text === text) list.push(id);
    }
    byName.set(text, list);
    return list;
  }
}

/** Names looked up one scan at a time before the index groups all identifiers by name. */
const GROUP_AFTER_SCANS = 16;

let indexes = new WeakMap<ts.SourceFile, TreeIndex>();
// The last index asked for: nearly every question is about the file being analysed.
let lastTree: ts.SourceFile | undefined;
let lastIndex: TreeIndex | undefined;
onTreeReuse(() => {
  indexes = new WeakMap();
  lastTree = lastIndex = undefined;
});

/** The index of a tree, built on first use. */
export function treeIndex(sf: ts.SourceFile): TreeIndex {
  if (sf === lastTree) return lastIndex!;
  let index = indexes.get(sf);
  if (!index) {
    index = new TreeIndex(sf);
    indexes.set(sf, index);
  }
  lastTree = sf;
  lastIndex = index;
  return index;
}

/** The index of the tree a node belongs to. */
export function indexOf(node: ts.Node): TreeIndex {
  return treeIndex(node.getSourceFile());
}
