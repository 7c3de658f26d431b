// How collections add their nodes into one shared graph when `compute` materializes several at
// once, or a delayed function reads one (shared ancestors are walked once): a layered collection
// is optimized and lowered (kit-optimize.ts), one with `[daskGraphInto]` adds itself, any other
// adds its whole `[daskGraph]()`. Also two internal marks: collections whose contribution needs no
// culling (`delayed` adds exactly the ancestors of its key, and records in `seen` every foreign
// collection it merges), and collections that hand over their own prepared graph.
import {
  daskGraph,
  daskGraphInto,
  type Collection,
  type Graph,
  type GraphNode,
} from '@dask-ts/protocol';
import { lowerLayers } from './kit-layer-graph.js';
import { isLayered, optimizeCollections } from './kit-optimize.js';

/**
 * Adds a collection's nodes into `into` (optimized alone when it is layered), skipping what
 * `seen` records. @internal
 */
export function addCollectionInto(
  c: Collection,
  into: Map<string, GraphNode>,
  seen: Set<unknown>,
): void {
  if (isLayered(c)) {
    lowerLayers(optimizeCollections([c], true).get(c) ?? [], into, seen);
    return;
  }
  const adder = c[daskGraphInto];
  if (typeof adder === 'function') {
    adder.call(c, into, seen);
    return;
  }
  if (seen.has(c)) return;
  seen.add(c);
  for (const [k, v] of c[daskGraph]()) into.set(k, v);
}

/**
 * Internal mark (true) of collections whose `daskGraphInto` adds only ancestors of their own keys
 * and adds to `seen` whatever foreign collection it merges. @internal
 */
export const addsAncestorsOnly: unique symbol = Symbol('dask-ts.adds-ancestors-only') as never;

/**
 * Internal method of collections computed on their own: `c[ownGraph](optimize)` is the graph to
 * hand to the scheduler for `c`'s keys (culled, fused when `optimize`), never mutated afterwards,
 * so the collection may keep it for its next compute. @internal
 */
export const ownGraph: unique symbol = Symbol('dask-ts.own-graph') as never;

/**
 * Internal getter of collections that stand behind a proxy (Delayed): `c[ownSelf]` is the object
 * that implements `c`'s collection methods, reached without the proxy's traps (a compute of one
 * small Delayed reads four of them). @internal
 */
export const ownSelf: unique symbol = Symbol('dask-ts.own-self') as never;

/** A collection that hands over its own prepared graph. @internal */
export interface OwnGraph {
  [ownGraph](optimize: boolean): Graph;
  readonly [ownSelf]?: OwnGraph & Collection;
}
