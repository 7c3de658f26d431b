// The array optimizer (the kit's `[daskOptimize]`), two passes over the layers of every array
// computed together. Blockwise fusion: an elementwise layer read by one layer only (and not
// itself requested) is folded into the elementwise layer that reads it, so a chain of elementwise
// operations is one task per block; inputs read twice with the same alignment are read once.
// Block culling: walking down from the requested keys, each array layer keeps only the blocks
// that something requested reads (slice pushdown: a slice of a huge array makes tasks for the
// blocks it touches only; Dask's HighLevelGraph culling). Layers that are not array layers are
// left whole. Between the two, reduction fusion (fuse-reduce.ts) folds an elementwise layer or a
// random array into the reduction step that alone reads it.
import { parseKey, type GraphLayer, type LayerOptimizer } from '@dask-ts/protocol';
import { layerDependents, layersInOrder, rewriteLayers } from '@dask-ts/graph';
import type { Expr } from './kernels-elementwise.js';
import { fuseReductions } from './fuse-reduce.js';
import { ArrayLayer, BlockwiseLayer } from './layers.js';

/** Replaces every input `{ i }` of `e` by `sub(i)`. */
function substitute(e: Expr, sub: (i: number) => Expr): Expr {
  if ('i' in e) return sub(e.i);
  if ('c' in e) return e;
  return { op: e.op, a: e.a.map((x) => substitute(x, sub)), t: e.t };
}

/** Folds blockwise input `k` (itself blockwise) of `outer` into it. */
function inline(outer: BlockwiseLayer, deps: readonly GraphLayer[], k: number): BlockwiseLayer {
  const inner = deps[k] as BlockwiseLayer;
  const newDeps: GraphLayer[] = [];
  const newAxes: (readonly (number | null)[])[] = [];
  const slot = (layer: GraphLayer, axes: readonly (number | null)[]): number => {
    const found = newDeps.findIndex(
      (d, j) =>
        d.name === layer.name &&
        newAxes[j].length === axes.length &&
        newAxes[j].every((a, x) => a === axes[x]),
    );
    if (found >= 0) return found;
    newDeps.push(layer);
    newAxes.push(axes);
    return newDeps.length - 1;
  };
  const outerSlots = deps.map((d, j) => (j === k ? -1 : slot(d, outer.axes[j])));
  const innerSlots = inner.deps.map((d, j) =>
    slot(
      d,
      inner.axes[j].map((a) => (a === null ? null : outer.axes[k][a])),
    ),
  );
  const innerExpr = substitute(inner.expr, (i) => ({ i: innerSlots[i] }));
  const expr = substitute(outer.expr, (i) => (i === k ? innerExpr : { i: outerSlots[i] }));
  return new BlockwiseLayer(outer.name, newDeps, outer.numblocks, expr, newAxes);
}

function fuse(roots: readonly GraphLayer[]): GraphLayer[] {
  const { dependents } = layerDependents(roots);
  const requested = new Set(roots.map((r) => r.name));
  const alone = (l: GraphLayer): boolean => {
    const readers = dependents.get(l.name) ?? [];
    return (
      !requested.has(l.name) &&
      readers.length > 0 &&
      readers.every((r) => r.name === readers[0].name)
    );
  };
  return rewriteLayers(roots, (layer, { deps }) => {
    if (!(layer instanceof BlockwiseLayer)) return undefined;
    let out =
      deps === layer.deps
        ? layer
        : new BlockwiseLayer(layer.name, deps, layer.numblocks, layer.expr, layer.axes);
    for (;;) {
      const k = out.deps.findIndex((d) => d instanceof BlockwiseLayer && alone(d));
      if (k < 0) return out;
      out = inline(out, out.deps, k);
    }
  });
}

function cull(roots: readonly GraphLayer[], keys: readonly string[]): GraphLayer[] {
  const wanted = new Map<string, Map<string, readonly number[]>>();
  const whole = new Set<string>();
  const want = (name: string, idx: readonly number[]): void => {
    let m = wanted.get(name);
    if (m === undefined) wanted.set(name, (m = new Map()));
    m.set(idx.join(','), idx);
  };
  for (const k of keys) {
    const key = parseKey(k);
    if (typeof key !== 'string') want(key[0], key.slice(1) as number[]);
  }
  const order = layersInOrder(roots);
  for (let i = order.length - 1; i >= 0; i--) {
    const layer = order[i];
    const blocks = wanted.get(layer.name);
    if (!(layer instanceof ArrayLayer) || whole.has(layer.name) || blocks === undefined) {
      // Not culled: everything it reads is needed.
      for (const d of layer.deps) whole.add(d.name);
      continue;
    }
    for (const idx of blocks.values()) {
      for (const [d, j] of layer.inputs(idx)) want(layer.deps[d].name, j);
    }
  }
  return rewriteLayers(roots, (layer, { deps }) => {
    if (!(layer instanceof ArrayLayer) || whole.has(layer.name)) return undefined;
    // A layer none of whose blocks is read (a rechunk's unused split stage) makes no task.
    const blocks = wanted.get(layer.name) ?? new Map<string, readonly number[]>();
    if (blocks.size >= layer.nblocks) return undefined;
    return (deps === layer.deps ? layer : layer.withDeps(deps)).restrict([...blocks.values()]);
  });
}

/**
 * The array optimizer: blockwise fusion, reduction fusion (fuse-reduce.ts), then block culling.
 *
 * @example
 * class DaskArray { get [daskOptimize]() { return optimizeArrays; } }
 */
export const optimizeArrays: LayerOptimizer = (roots, keys) =>
  cull(fuseReductions(fuse(roots)), keys);
