// A lazy single value: what a reduction (sum, mean, ...) of a DataFrame or Series gives. One
// that is a number (a Series' numeric reduction) is also an operand of expressions, as a Dask
// Scalar is: `df.filter(col('v').gt(total))` computes `total` in the same graph (scalar-steps.ts).
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
import { scalarOperand, type LazyNumber, type ScalarOperand } from './expr.js';
import type { DType } from './dtypes.js';

/**
 * A lazy value computed by a tree reduction; its key is its layer's name. A number from a
 * Series reduction may stand in an expression, computed in the same graph as the rest.
 *
 * @example
 * const total = await df.col('a').sum().compute(); // a number
 * df.filter(col('a').gt(df.col('a').mean())); // the rows above the mean, in one compute
 */
export class Scalar<T> implements Collection<T>, LazyNumber {
  /**
   * @param dtype its type as an expression operand: 'float64' for a number; undefined for a
   *   value that is not one number (a record of columns, a list), which no expression takes.
   * @internal
   */
  constructor(
    readonly layer: GraphLayer,
    readonly dtype?: DType,
  ) {}

  /** What this scalar is as an operand. @example df.col('a').sum()[scalarOperand].dtype // 'float64' */
  get [scalarOperand](): ScalarOperand {
    return { layer: this.layer, dtype: this.dtype };
  }

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
