// Culling: keep only the nodes the requested keys need. The graph is interned to integers once
// (graph-index.ts), the walk from the requested keys marks a byte per node, and the result is
// built in the original insertion order. Dependencies missing from the graph are skipped here and
// reported by `validateGraph` (or by the scheduler).
import type { Graph, GraphNode } from '@dask-ts/protocol';
import { indexGraph, indicesOf, reach, type GraphIndex } from './graph-index.js';

/**
 * A new graph with only the nodes that `keys` (transitively) depend on, in the original order.
 *
 * @example
 * cull(new Map<string, GraphNode>([['a', data(1)], ['b', data(2)], ['c', task(inc, [ref('a')])]]), ['c']); // keys a, c
 */
export function cull(graph: Graph, keys: Iterable<string>): Map<string, GraphNode> {
  const g = indexGraph(graph);
  const { mask } = reach(g, indicesOf(g, keys));
  return maskedGraph(g, mask);
}

/** The nodes of `g` whose mask byte is set, as a new graph in index order. @internal */
export function maskedGraph(g: GraphIndex, mask: Uint8Array | undefined): Map<string, GraphNode> {
  const { keys, nodes } = g;
  const out = new Map<string, GraphNode>();
  for (let i = 0; i < keys.length; i++)
    if (mask === undefined || mask[i] === 1) out.set(keys[i], nodes[i]);
  return out;
}
