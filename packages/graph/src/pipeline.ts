// compute's graph pipeline between materialization and the scheduler: cull to the wanted keys,
// then (optionally) fuse linear chains, interning the keys to integers at most once for both.
// Each step is skipped when it provably does nothing: a graph made only by `delayed` holds exactly
// the ancestors of the wanted keys (nothing to cull), and a graph without a single-dependency task
// has no chain (nothing to fuse), so a delayed tree reduction reaches the scheduler untouched,
// without one key hashed here. Validation is the scheduler's: every scheduler refuses missing keys
// and cycles with a GraphError, so it is not done twice.
import type { Graph } from '@dask-ts/protocol';
import { maskedGraph } from './cull.js';
import { DEFAULT_MAX_CHAIN, fuseIndexed, mayFuse } from './fuse.js';
import { indexGraph, indicesOf, reach } from './graph-index.js';

/**
 * The graph to hand to the scheduler: `graph` culled to `wanted` (unless `closed`: it holds only
 * their ancestors already) and fused when `optimize`. Returns `graph` itself when neither step
 * changes anything. @internal
 */
export function prepareGraph(
  graph: Graph,
  wanted: readonly string[],
  closed: boolean,
  optimize: boolean,
): Graph {
  const fusable = optimize && mayFuse(graph);
  if (closed && !fusable) return graph;
  const g = indexGraph(graph);
  const roots = indicesOf(g, wanted);
  let mask: Uint8Array | undefined;
  if (!closed) {
    const r = reach(g, roots);
    if (r.count < g.keys.length) mask = r.mask;
  }
  if (fusable) {
    const fused = fuseIndexed(g, mask, roots, DEFAULT_MAX_CHAIN);
    if (fused !== undefined) return fused.graph;
  }
  return mask === undefined ? graph : maskedGraph(g, mask);
}
