// The optimizer hook (Dask's `__dask_optimize__`): a collection that describes itself as layers
// (`[daskLayers]`) may name its type's optimizer (`[daskOptimize]`). When collections are computed
// together, those sharing an optimizer are optimized together, once, over all their output layers
// and keys (so a layer read by two of them is seen to have two consumers), and the result is lowered
// to tasks; collections without an optimizer are lowered as they are. `optimize: false` skips the
// optimizers, as Dask's `optimize_graph=False` does. The generic task-level passes (cull, linear
// fusion: pipeline.ts) run after this, on the lowered graph.
import {
  daskKeys,
  daskLayers,
  daskOptimize,
  flattenKeys,
  type Collection,
  type GraphLayer,
  type GraphNode,
  type LayerOptimizer,
} from '@dask-ts/protocol';
import { lowerLayers } from './kit-layer-graph.js';

/**
 * A collection that describes itself as layers.
 *
 * @example
 * if (isLayered(c)) lowerLayers(c[daskLayers](), graph, new Set());
 */
export type LayeredCollection = Collection & { [daskLayers](): readonly GraphLayer[] };

/**
 * Whether a collection describes itself as layers (`[daskLayers]`).
 *
 * @example
 * isLayered(vector); // true
 */
export function isLayered(c: Collection): c is LayeredCollection {
  return typeof (c as Partial<LayeredCollection>)[daskLayers] === 'function';
}

/**
 * The layers to lower for each layered collection among `collections`: the first collection of
 * each optimizer's group gets the group's optimized layers, the others nothing more (their layers
 * are lowered with the first's). Collections that are not layered are absent from the result.
 *
 * @example
 * for (const [c, roots] of optimizeCollections([a, b], true)) lowerLayers(roots, graph, seen);
 */
export function optimizeCollections(
  collections: readonly Collection[],
  optimize: boolean,
): Map<Collection, readonly GraphLayer[]> {
  const out = new Map<Collection, readonly GraphLayer[]>();
  const groups = new Map<
    LayerOptimizer | undefined,
    { first: Collection; roots: GraphLayer[]; keys: string[] }
  >();
  for (const c of collections) {
    if (!isLayered(c) || out.has(c)) continue;
    const fn = optimize ? c[daskOptimize] : undefined;
    const opt = typeof fn === 'function' ? fn : undefined;
    let g = groups.get(opt);
    if (g === undefined) groups.set(opt, (g = { first: c, roots: [], keys: [] }));
    out.set(c, []);
    g.roots.push(...c[daskLayers]());
    if (opt !== undefined) flattenKeys(c[daskKeys](), g.keys);
  }
  for (const [opt, g] of groups) {
    out.set(g.first, opt === undefined ? g.roots : checked(opt(g.roots, g.keys), g.first));
  }
  return out;
}

function checked(roots: unknown, c: Collection): readonly GraphLayer[] {
  if (!Array.isArray(roots)) {
    throw new TypeError(
      `The [daskOptimize] of ${String(c)} returned ${roots === null ? 'null' : typeof roots}, expected an array of layers`,
    );
  }
  return roots as readonly GraphLayer[];
}

/**
 * A layered collection's task graph, optimized by its own optimizer unless `optimize` is false:
 * what its `[daskGraph]()` returns.
 *
 * @example
 * class Vector { [daskGraph]() { return layeredGraph(this); } }
 */
export function layeredGraph(c: LayeredCollection, optimize = true): Map<string, GraphNode> {
  const graph = new Map<string, GraphNode>();
  lowerLayers(optimizeCollections([c], optimize).get(c) ?? [], graph, new Set());
  return graph;
}
