// toDelayed: one Delayed per partition of a dataframe. Policy: each is a small collection whose
// graph is the dataframe's (optimized and culled when computed) and whose one key is the
// partition's, so partitions can feed delayed functions and be computed one by one.
import type { Table } from 'apache-arrow';
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
import { delayed, layeredGraph, type Delayed } from '@dask-ts/graph';
import type { DataFrame } from './frame.js';
import { optimizeDataFrame } from './fusion.js';
import { ioKernels } from './io-kernels.js';
import { partKey } from './layers.js';

/** One partition of a dataframe as a collection (what `toDelayed` wraps). */
class Partition implements Collection<Table> {
  constructor(
    private readonly df: DataFrame,
    private readonly index: number,
  ) {}
  [daskGraph](): Map<string, GraphNode> {
    return layeredGraph(this);
  }
  [daskLayers](): readonly GraphLayer[] {
    return [this.df.layer];
  }
  get [daskOptimize](): LayerOptimizer {
    return optimizeDataFrame;
  }
  [daskKeys](): string[] {
    return [partKey(this.df.layer.name, this.index)];
  }
  [daskFinalize](values: readonly unknown[]): Table {
    return values[0] as Table;
  }
  [daskFinalizeRef](): PortableFunctionRef {
    return ioKernels.ref('firstOf');
  }
}

/** The partitions as Delayed values. @internal */
export function partitionsToDelayed(df: DataFrame): Delayed<Table>[] {
  return Array.from(
    { length: df.npartitions },
    (_, i) => delayed(new Partition(df, i)) as unknown as Delayed<Table>,
  );
}
