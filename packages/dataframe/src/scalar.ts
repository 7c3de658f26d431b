// A lazy single value: what a reduction (sum, mean, ...) of a DataFrame or Series gives.
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
import { withSpillCleanup } from './shuffle-disk.js';
import { compute, layeredGraph, tokenizeSymbol, type GraphComputeOptions } from '@dask-ts/graph';
import { kernels } from './kernels.js';
import { optimizeDataFrame } from './fusion.js';
import { explainPlan } from './explain.js';

/**
 * A lazy value computed by a tree reduction; its key is its layer's name.
 *
 * @example
 * const total = await df.col('a').sum().compute(); // a number
 */
export class Scalar<T> implements Collection<T> {
  /** @internal */
  constructor(readonly layer: GraphLayer) {}

  /**
   * Computes the value (default scheduler: `threads`).
   *
   * @example
   * await df.mean().compute({ scheduler: 'sync' }); // { a: 2, b: 0.5 }
   */
  async compute(options: GraphComputeOptions = {}): Promise<T> {
    const [v] = await withSpillCleanup([this.layer], () => compute(this, options));
    return v;
  }

  /** The optimized plan. @example console.log(df.col('a').sum().explain()) */
  explain(): string {
    return explainPlan(this);
  }

  [daskLayers](): readonly GraphLayer[] {
    return [this.layer];
  }
  get [daskOptimize](): LayerOptimizer {
    return optimizeDataFrame;
  }
  [daskGraph](): Map<string, GraphNode> {
    return layeredGraph(this);
  }
  [daskKeys](): string[] {
    return [this.layer.name];
  }
  [daskFinalize](values: readonly unknown[]): T {
    return values[0] as T;
  }
  [daskFinalizeRef](): PortableFunctionRef {
    return kernels.ref('firstOf');
  }
  [tokenizeSymbol](): unknown {
    return ['Scalar', this.layer.name];
  }
  /** A one-line description. @example String(x) */
  toString(): string {
    return `Scalar<${this.layer.name}>`;
  }
}
