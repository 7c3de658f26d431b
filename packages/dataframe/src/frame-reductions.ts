// Whole-frame aggregates of a DataFrame: sum, mean, min, max and count as tree reductions of
// per-partition accumulators; std, var, median, nunique, first and last as one record per column;
// quantile (approximate by default) and describe. Policy: the numeric columns (and bools) are
// aggregated, as pandas' numeric_only; count counts every column. DataFrame extends this class (its
// only subclass), so these methods keep their place in DataFrame's API while living in their own
// file.
import type { GraphLayer } from '@dask-ts/protocol';
import { tokenize } from '@dask-ts/graph';
import { isNumeric, type Schema } from './dtypes.js';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import type { AggName } from './kernels-agg.js';
import { NamedLayer, treeReduce } from './layers.js';
import { frameRecord } from './ops-agg.js';
import { Scalar } from './scalar.js';
import {
  approxQuantile,
  checkQs,
  columnQuantile,
  describeFrame,
  type QuantileOptions,
} from './describe.js';

/**
 * The whole-frame aggregates every DataFrame has (see DataFrame).
 *
 * @example
 * await df.sum().compute(); // { a: 6 }
 */
export abstract class FrameReductions {
  /** The layer whose keys are the partitions. */
  abstract readonly layer: GraphLayer;
  /** How many partitions. */
  abstract readonly npartitions: number;
  /** The columns and their types. */
  abstract readonly schema: Schema;
  /** Only these columns. @example df.select(['a']) */
  abstract select(columns: readonly string[]): DataFrame;

  /** The frame itself: DataFrame is this class's only subclass. */
  private get self(): DataFrame {
    return this as unknown as DataFrame;
  }

  private numericColumns(op: string): DataFrame {
    const cols = this.schema
      .filter(([, t]) => isNumeric(t) || t === 'bool' || op === 'count')
      .map(([n]) => n);
    return this.select(cols);
  }

  /** @internal */
  reduce(how: AggName, series: boolean): Scalar<unknown> {
    const input = series ? this.self : this.numericColumns(how);
    const name = `${how}-${tokenize(input.layer.name, series)}`;
    const layer = treeReduce(
      name,
      input.layer,
      input.npartitions,
      (ref) => kernels.task('aggPartial', [ref]),
      'aggCombine',
      (refs) => kernels.task('aggFinal', [how, series, ...refs]),
      `${how} (tree reduction)`,
    );
    return new Scalar(layer);
  }

  /** Sums of the numeric columns (nulls skipped). @example await df.sum().compute() // { a: 6 } */
  sum(): Scalar<Record<string, number>> {
    return this.reduce('sum', false) as Scalar<Record<string, number>>;
  }
  /** Means of the numeric columns. @example await df.mean().compute() */
  mean(): Scalar<Record<string, number>> {
    return this.reduce('mean', false) as Scalar<Record<string, number>>;
  }
  /** Minima of the numeric columns. @example await df.min().compute() */
  min(): Scalar<Record<string, number>> {
    return this.reduce('min', false) as Scalar<Record<string, number>>;
  }
  /** Maxima of the numeric columns. @example await df.max().compute() */
  max(): Scalar<Record<string, number>> {
    return this.reduce('max', false) as Scalar<Record<string, number>>;
  }
  /** Non-null counts of every column. @example await df.count().compute() */
  count(): Scalar<Record<string, number>> {
    return this.reduce('count', false) as Scalar<Record<string, number>>;
  }

  /** Sample standard deviations (ddof 1) of the numeric columns. @example await df.std().compute() */
  std(): Scalar<Record<string, number>> {
    return frameRecord(this.self, 'std', NaN) as Scalar<Record<string, number>>;
  }
  /** Sample variances (ddof 1) of the numeric columns. @example await df.var().compute() */
  var(): Scalar<Record<string, number>> {
    return frameRecord(this.self, 'var', NaN) as Scalar<Record<string, number>>;
  }
  /**
   * Quantiles of the numeric columns: per column a number (one `q`) or an array. Approximate by
   * default, as Dask's: each partition sends a 201-point summary, and each answer's rank is within
   * 0.5% of `q`; `{ method: 'exact' }` brings every value of a column to one task.
   *
   * @example
   * await df.quantile([0.5, 0.9]).compute(); // { a: [..], b: [..] } (approximate)
   */
  quantile<Q extends number | readonly number[]>(
    q: Q,
    options: QuantileOptions = {},
  ): Scalar<Record<string, Q extends number ? number : number[]>> {
    const cols = this.schema.filter(([, t]) => isNumeric(t)).map(([n]) => n);
    checkQs(q, 'DataFrame.quantile');
    const method = options.method ?? 'approx';
    if (method === 'approx') return approxQuantile(this.self, cols, q, false);
    if (method !== 'exact')
      throw new Error(
        `DataFrame.quantile: method must be 'exact' or 'approx', got '${String(method)}'`,
      );
    const exact = cols.map((c) => columnQuantile<number | number[]>(this.self, c, q));
    const key = `quantile-exact-${tokenize(this.layer.name, q)}`;
    return new Scalar(
      new NamedLayer(
        key,
        exact.map((s) => s.layer),
        () => [
          [key, kernels.task('recordOf', [cols, ...exact.map((s) => ({ $ref: s.layer.name }))])],
        ],
        'quantile (exact) per column',
      ),
    );
  }

  /** Exact medians of the numeric columns. @example await df.median().compute() */
  median(): Scalar<Record<string, number>> {
    return frameRecord(this.self, 'median', NaN) as Scalar<Record<string, number>>;
  }
  /** Exact numbers of distinct non-null values per column. @example await df.nunique().compute() */
  nunique(): Scalar<Record<string, number>> {
    return frameRecord(this.self, 'nunique', 0) as Scalar<Record<string, number>>;
  }
  /** The first non-null value of every column. @example await df.first().compute() */
  first(): Scalar<Record<string, unknown>> {
    return frameRecord(this.self, 'first', null);
  }
  /** The last non-null value of every column. @example await df.last().compute() */
  last(): Scalar<Record<string, unknown>> {
    return frameRecord(this.self, 'last', null);
  }

  /**
   * Summary statistics of the numeric columns, as pandas' `describe`: a `stat` column (count,
   * mean, std, min, 25%, 50%, 75%, max) and one float64 column per numeric column. The quantiles
   * are exact (linear interpolation): each column's values meet in one task.
   *
   * @example
   * await df.describe().compute();
   */
  describe(): DataFrame {
    return describeFrame(this.self);
  }
}
