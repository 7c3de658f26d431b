// toDelayed: one Delayed per block of an array, in C order of the block indices (Dask's
// `to_delayed`, flattened). Policy: each is a small collection whose graph is the array's
// (optimized and culled when computed) and whose one key is the block's, so blocks can feed
// delayed functions (or another collection's `fromDelayed`) and be computed one by one.
import {
  daskFinalize,
  daskFinalizeRef,
  daskGraph,
  daskKeys,
  daskLayers,
  daskOptimize,
  type Collection,
  type GraphLayer,
  type GraphNode,
  type LayerOptimizer,
  type PortableFunctionRef,
} from '@dask-ts/protocol';
import { delayed, layeredGraph, sourceRef, type Delayed } from '@dask-ts/graph';
import type { ArrayLayer } from './layers.js';
import { blockKey } from './layers.js';
import type { NdArray } from './array.js';
import { optimizeArrays } from './optimize.js';

/** One block of an array as a collection (what `toDelayed` wraps). */
class Block implements Collection<NdArray> {
  constructor(
    private readonly layer: ArrayLayer,
    private readonly idx: readonly number[],
  ) {}
  [daskGraph](): Map<string, GraphNode> {
    return layeredGraph(this);
  }
  [daskLayers](): readonly GraphLayer[] {
    return [this.layer];
  }
  get [daskOptimize](): LayerOptimizer {
    return optimizeArrays;
  }
  [daskKeys](): string[] {
    return [blockKey(this.layer.name, this.idx)];
  }
  [daskFinalize](values: readonly unknown[]): NdArray {
    return values[0] as NdArray;
  }
  [daskFinalizeRef](): PortableFunctionRef {
    return sourceRef('(values) => values[0]', { name: 'firstBlock' });
  }
}

/**
 * The blocks of an array (its `layer`, block indices `indices`) as Delayed values.
 *
 * @internal used by `DaskArray.toDelayed`.
 */
export function blocksToDelayed(
  layer: ArrayLayer,
  indices: Iterable<readonly number[]>,
): Delayed<NdArray>[] {
  return [...indices].map(
    (idx) => delayed(new Block(layer, [...idx])) as unknown as Delayed<NdArray>,
  );
}
