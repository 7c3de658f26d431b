// The protocol through which collections add their nodes into one shared graph when `compute`
// materializes several at once (shared ancestors are walked once), and an internal mark for
// collections whose contribution needs no culling: `delayed` adds exactly the ancestors of its
// key, and records in `seen` every foreign collection it merges (whose graph may hold more).
import type { Graph, GraphNode } from '@dask-ts/protocol';

/**
 * The optional method through which a collection adds its nodes into a shared graph, skipping
 * what is already there (`seen` holds foreign collections already merged).
 *
 * @example
 * if (typeof c[daskGraphInto] === 'function') c[daskGraphInto](graph, new Set());
 */
export const daskGraphInto: unique symbol = Symbol.for('dask-ts.graph-into') as never;

/** A collection that can add its nodes into a shared graph. @internal */
export interface GraphInto {
  [daskGraphInto](into: Map<string, GraphNode>, seen: Set<unknown>): void;
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

/** A collection that hands over its own prepared graph. @internal */
export interface OwnGraph {
  [ownGraph](optimize: boolean): Graph;
}
