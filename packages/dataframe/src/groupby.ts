// Grouped rows: `df.groupby(keys)` gives a GroupBy, whose `agg` reduces each group (a tree
// reduction for few groups, a hash shuffle of partial aggregates for many, per key range for data
// in key order: ops-agg.ts plans it), `apply` calls
// a function per group, `transform` broadcasts the groups' aggregates back to their rows, and
// `quantile` and `size` are aggregations of their own. Policy: rows with a null key belong to no
// group.
import type { Table } from 'apache-arrow';
import type { UserFn } from '@dask-ts/graph';
import { isNumeric } from './dtypes.js';
import type { DataFrame } from './frame.js';
import {
  transformAgg,
  planAgg,
  planOuts,
  runAgg,
  type AggSpec,
  type GroupByOptions,
} from './ops-agg.js';
import type { AggName } from './kernels-agg.js';
import { groupApply, type MapPartitionsOptions, type PartitionResult } from './ops-frame.js';

/**
 * Rows grouped by key columns: `agg` reduces each group.
 *
 * @example
 * await df.groupby(['k']).agg({ x: 'sum' }).compute();
 */
export class GroupBy {
  /**
   * @param frame - the grouped dataframe
   * @param keys - the key columns (`df.groupby(['k']).keys // ['k']`)
   * @param options - a shuffle for many groups (`splitOut`)
   * @internal
   */
  constructor(
    readonly frame: DataFrame,
    readonly keys: readonly string[],
    readonly options: GroupByOptions = {},
  ) {}

  /**
   * One row per group, sorted by the keys: the key columns, then the aggregations. Per value
   * column one aggregation (named after the column) or several (`<column>_<agg>`), or named
   * aggregations `{ total: ['x', 'sum'] }`. sum, mean, min, max, std and var are float64 (null
   * where a group has no value), count, size and nunique int32, first and last keep the column's
   * type. How it reduces: a tree (one partition) for few groups; for many (`splitOut`,
   * `shuffle: true`, or estimated from a sample or from Parquet statistics of int keys) a hash
   * shuffle of each partition's partial aggregates on the keys, each output partition sorted by
   * the keys; and with no shuffle at all when the partitions hold disjoint ranges of one int key
   * (data written in key order). `explain()` says which and why.
   *
   * @example
   * df.groupby('k').agg({ x: 'sum', y: ['mean', 'count'], n: ['x', 'size'] })
   */
  agg(spec: AggSpec): DataFrame {
    const plan = planAgg(this.frame.schema, this.keys, spec, 'GroupBy.agg');
    return runAgg(this.frame, this.keys, plan, this.options);
  }

  /**
   * Calls `fn` on each group (an Arrow `Table` holding the group's rows; rows with a null key are
   * left out) and stacks the results, which may have any number of rows. The groups meet by a hash
   * shuffle on the keys (when there are several partitions); within a partition they come in key
   * order. `fn` and `meta` are as in `mapPartitions`.
   *
   * @example
   * df.groupby('k').apply((t) => ({ k: [String(t.getChild('k')?.get(0))], n: [t.numRows] }));
   */
  apply(
    fn: UserFn<(t: Table) => PartitionResult | Promise<PartitionResult>>,
    options: MapPartitionsOptions = {},
  ): DataFrame {
    return groupApply(this.frame, this.keys, fn, options);
  }

  /**
   * The dataframe with each row's group aggregates, in its partitions and row order: columns of
   * the spec (named as in `agg`) replace columns of the same name, others are added; a row with a
   * null key gets nulls. The aggregates are computed once and broadcast back, joined on the keys.
   *
   * @example
   * df.groupby('k').transform({ mean_x: ['x', 'mean'] }).assign({ dev: col('x').sub(col('mean_x')) });
   */
  transform(spec: AggSpec): DataFrame {
    return transformAgg(this.frame, this.keys, spec, this.options);
  }

  /**
   * Per group, the exact `q`-quantile (linear interpolation, as pandas) of each numeric value
   * column, or of `columns`; float64. The values of a group meet in one task (as for `median`).
   *
   * @example
   * df.groupby('k').quantile(0.9, ['x']);
   */
  quantile(q: number, columns?: readonly string[]): DataFrame {
    const keys = new Set(this.keys);
    const cols =
      columns ?? this.frame.schema.filter(([c, t]) => !keys.has(c) && isNumeric(t)).map(([c]) => c);
    const plan = planOuts(
      this.frame.schema,
      this.keys,
      cols.map((c) => [c, 'quantile', c, q] as const),
      'GroupBy.quantile',
    );
    return runAgg(this.frame, this.keys, plan, this.options);
  }

  /** The number of rows of each group, in a column `size`. @example df.groupby('k').size() */
  size(): DataFrame {
    const first = this.frame.columns[0];
    const plan = planOuts(this.frame.schema, this.keys, [[first, 'size', 'size']], 'GroupBy.size');
    return runAgg(this.frame, this.keys, plan, this.options);
  }

  /**
   * The groups of these value columns only (pandas' `df.groupby('k')[['x', 'y']]`).
   *
   * @example
   * df.groupby('k').select('x').sum();
   */
  select(columns: string | readonly string[]): GroupBy {
    const cols = typeof columns === 'string' ? [columns] : [...columns];
    const keep = [...this.keys, ...cols.filter((c) => !this.keys.includes(c))];
    return new GroupBy(this.frame.select(keep), this.keys, this.options);
  }

  /** Each numeric value column's sum per group, named after it. @example df.groupby('k').sum() */
  sum(): DataFrame {
    return this.each('sum', true);
  }

  /** Each numeric value column's mean per group. @example df.groupby('k').mean() */
  mean(): DataFrame {
    return this.each('mean', true);
  }

  /** Each numeric value column's smallest value per group. @example df.groupby('k').min() */
  min(): DataFrame {
    return this.each('min', true);
  }

  /** Each numeric value column's largest value per group. @example df.groupby('k').max() */
  max(): DataFrame {
    return this.each('max', true);
  }

  /** Each numeric value column's sample standard deviation per group. @example df.groupby('k').std() */
  std(): DataFrame {
    return this.each('std', true);
  }

  /** Each numeric value column's sample variance per group. @example df.groupby('k').var() */
  var(): DataFrame {
    return this.each('var', true);
  }

  /** Each numeric value column's exact median per group. @example df.groupby('k').median() */
  median(): DataFrame {
    return this.each('median', true);
  }

  /** Each value column's count of non-null values per group. @example df.groupby('k').count() */
  count(): DataFrame {
    return this.each('count', false);
  }

  /** Each value column's number of distinct values per group. @example df.groupby('k').nunique() */
  nunique(): DataFrame {
    return this.each('nunique', false);
  }

  /** Each value column's first value per group. @example df.groupby('k').first() */
  first(): DataFrame {
    return this.each('first', false);
  }

  /** Each value column's last value per group. @example df.groupby('k').last() */
  last(): DataFrame {
    return this.each('last', false);
  }

  /** One aggregation of every value column (numeric ones only when `numeric`), named after it. */
  private each(how: AggName, numeric: boolean): DataFrame {
    const keys = new Set(this.keys);
    const cols = this.frame.schema
      .filter(([c, t]) => !keys.has(c) && (!numeric || isNumeric(t)))
      .map(([c]) => c);
    if (cols.length === 0)
      throw new Error(
        `GroupBy.${how}: no ${numeric ? 'numeric ' : ''}value columns besides the keys ${this.keys.map((k) => `'${k}'`).join(', ')} (columns: ${this.frame.columns.join(', ')})`,
      );
    const spec: AggSpec = Object.fromEntries(cols.map((c) => [c, how]));
    return this.agg(spec);
  }
}
