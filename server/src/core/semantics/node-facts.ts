// The semantics modules cache what they work out about a syntax node (its scope, call, origin, loop,
// function summary) in module-level WeakMaps keyed by the node. That is only right while a node's
// tree never changes. The analyser re-parses an edited file incrementally (ts.updateSourceFile),
// which hands unchanged nodes of the old tree to the new one, shifted in place: a fact cached for
// such a node may name nodes that are gone or describe a neighbourhood that changed. So every cache
// registers a reset here, and the analyser forgets them all whenever it re-parses a tree that way
// (the same text keeps its tree and its facts).
const resets: (() => void)[] = [];

/** Registers how to drop one module's node-keyed cache. */
export function onTreeReuse(reset: () => void): void {
  resets.push(reset);
}

/** Drops every node-keyed fact: called before analysing a tree that reuses nodes of an earlier one. */
export function forgetNodeFacts(): void {
  for (const reset of resets) reset();
}
