// danfojs interop, the way out: `toDanfo` / `compute({ as: 'danfo' })` compute the dataframe as one
// Arrow table, then build one danfo DataFrame (loading danfo on first use; types map as
// danfo-convert.ts says). This module is also where frame.ts's `as: 'danfo'` hooks meet, under
// short names (`import * as danfo`); it must not import creation.ts (which imports frame.ts).
import type { Table } from 'apache-arrow';
import type { GraphComputeOptions } from '@dask-ts/graph';
import { danfoOfTable } from './danfo-convert.js';
import { loadDanfo } from './danfo-load.js';
import type { DanfoFrame } from './danfo-types.js';
import type { DataFrame } from './frame.js';
import type { DanfoMapOptions, DanfoPartitionFn } from './danfo-map.js';
import type { MapPartitionsOptions } from './ops-frame.js';

// Short names for frame.ts's hooks (`import * as danfo`), which dispatch on `as`.
/** @internal */
export { mapPartitionsDanfo } from './danfo-map.js';
/**
 * A danfo DataFrame, as `DataFrame`'s danfo overloads name it (see `DanfoFrame`).
 *
 * @example
 * const d: Frame = await df.compute({ as: 'danfo' });
 */
export type Frame = DanfoFrame;
/**
 * A danfo partition function, as `mapPartitions` names it (see `DanfoPartitionFn`).
 *
 * @example
 * const fn: MapFn<DanfoFrame> = (d) => d;
 */
export type MapFn<D extends DanfoFrame> = DanfoPartitionFn<D>;
/**
 * Options of a danfo `mapPartitions` (see `DanfoMapOptions`).
 *
 * @example
 * const o: MapOptions = { as: 'danfo' };
 */
export type MapOptions = DanfoMapOptions;
/** Options of either form of mapPartitions. @internal */
export type AnyMapOptions = MapPartitionsOptions & { readonly as?: 'danfo' };

/**
 * Options of `compute` that ask for a danfo DataFrame.
 *
 * @example
 * const d = await df.compute({ as: 'danfo', scheduler: 'sync' });
 */
export interface DanfoComputeOptions extends GraphComputeOptions {
  readonly as: 'danfo';
}

/**
 * Computes a dataframe into one danfo DataFrame (as `df.compute({ as: 'danfo' })`): float64
 * columns become danfo 'float32' (danfo's float dtype; the values stay doubles), int32 'int32'
 * ('float32' when it holds nulls, as pandas upcasts), bool 'boolean', utf8 and category 'string',
 * date32 and timestamp 'datetime' (Date objects); nulls become NaN in number columns and null in
 * the others. Needs `danfojs-node` (or `danfojs`), loaded on first use: without it the error says
 * how to install it. Name danfo's type to get its whole API: `toDanfo<dfd.DataFrame>(df)`.
 *
 * @example
 * import type * as dfd from 'danfojs-node';
 * const d = await toDanfo<dfd.DataFrame>(df.filter(col('x').gt(0)), { scheduler: 'sync' });
 * d.print();
 */
export async function toDanfo<D extends DanfoFrame = DanfoFrame>(
  frame: DataFrame,
  options: GraphComputeOptions = {},
): Promise<D> {
  const dfd = await loadDanfo('toDanfo');
  const { as: _as, ...rest } = options as GraphComputeOptions & { as?: string };
  const table: Table = await frame.compute(rest);
  return danfoOfTable<D>(dfd, table);
}
