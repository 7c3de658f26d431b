// One partition of a bag as a collection, so that `Bag.toDelayed` can wrap each partition in a
// Delayed: its graph is the whole bag's (culled when computed), its one key the partition's, and
// it finalizes with the portable `first` kernel (or `firstOfFirst`, for one-element partitions), so it can be passed to delayed functions.
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
  type NestedKeys,
  type PortableFunctionRef,
} from '@dask-ts/protocol';
import { delayed, layeredGraph, type Delayed } from '@dask-ts/graph';
import { fuseStages } from './fusion.js';
import { kernel } from './kernels.js';
import type { Bag } from './bag.js';

/**
 * The partitions of `b` as `Delayed` values, see `Bag.toDelayed`.
 *
 * @example
 * const parts = partitionsToDelayed(b);
 */
export function partitionsToDelayed<T>(b: Bag<T>, single = false): Delayed<T[]>[] {
  const parts: Delayed<T[]>[] = [];
  for (let i = 0; i < b.npartitions; i++) {
    parts.push(delayed(new Partition<T>(b, i, single)) as unknown as Delayed<T[]>);
  }
  return parts;
}

/** One partition of a bag, as a collection (what `toDelayed` wraps). */
class Partition<T> implements Collection<T[]> {
  constructor(
    private readonly bag: Bag<T>,
    private readonly index: number,
    /** Finalize to the partition's one element rather than the partition. */
    private readonly single: boolean,
  ) {}
  [daskGraph](): Map<string, GraphNode> {
    return layeredGraph(this);
  }
  [daskLayers](): readonly GraphLayer[] {
    return [this.bag.layer];
  }
  get [daskOptimize](): LayerOptimizer {
    return fuseStages;
  }
  [daskKeys](): NestedKeys[] {
    return [this.bag.partitionKey(this.index)];
  }
  [daskFinalize](values: readonly unknown[]): T[] {
    return this.single ? ((values[0] as T[])[0] as T[]) : (values[0] as T[]);
  }
  [daskFinalizeRef](): PortableFunctionRef {
    return kernel(this.single ? 'firstOfFirst' : 'first');
  }
}
