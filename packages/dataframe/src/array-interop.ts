// Dataframes and @dask-ts/array arrays, both ways (Dask's `to_dask_array` and
// `from_dask_array`). Policy: only numeric columns (float64, int32) become array columns, as
// float64 in one row-major block per partition; the partitions' row counts are computed first
// (Dask's `lengths=True`), so the array's chunks are known. An array becomes a dataframe one block
// of rows per partition (its columns in one block first), int32 kept, other dtypes as float64.
import { concatenate, fromDelayed as arrayFromDelayed, type DaskArray } from '@dask-ts/array';
import { compute, delayed, type Delayed, type GraphComputeOptions } from '@dask-ts/graph';
import { tableFromArrays, type Table } from 'apache-arrow';
import { arrayKernels } from './array-interop-kernels.js';
import { isNumeric } from './dtypes.js';
import type { DataFrame } from './frame.js';
import { fromDelayed } from './io-delayed.js';

/**
 * Options of {@link toDaskArray}: the columns (default: every numeric one), and how to compute
 * the partitions' row counts.
 *
 * @example
 * const o: ToDaskArrayOptions = { columns: ['x', 'y'] };
 */
export interface ToDaskArrayOptions extends GraphComputeOptions {
  readonly columns?: readonly string[];
}

/**
 * The numeric columns of `df` as a 2-d float64 array (rows × columns; nulls are NaN), one block
 * of rows per partition; the partitions' row counts are computed first.
 *
 * @example
 * const x = await toDaskArray(df, { columns: ['a', 'b'] });
 * await x.mean({ axis: 0 }).compute();
 */
export async function toDaskArray(
  df: DataFrame,
  options: ToDaskArrayOptions = {},
): Promise<DaskArray> {
  const { columns, ...computeOptions } = options;
  const numeric = df.schema.filter(([, t]) => isNumeric(t)).map(([n]) => n);
  const names = columns ?? numeric;
  for (const name of names) {
    const t = df.schema.find(([n]) => n === name)?.[1];
    if (t === undefined || !isNumeric(t)) {
      throw new TypeError(
        `toDaskArray: column '${name}' is ${t === undefined ? 'not in the dataframe' : t}; the numeric columns are ${numeric.join(', ') || 'none'}`,
      );
    }
  }
  if (names.length === 0) throw new TypeError('toDaskArray: the dataframe has no numeric column');
  const parts = df.select(names).toDelayed();
  const count = delayed(arrayKernels.ref('rowCount'));
  const lengths = (await compute(...parts.map((p) => count(p)), computeOptions)) as number[];
  const toMatrix = delayed(arrayKernels.ref('tableToMatrix'));
  const blocks = parts.map((p, i) =>
    arrayFromDelayed(toMatrix(p, names), [lengths[i], names.length], { dtype: 'float64' }),
  );
  return blocks.length === 1 ? blocks[0] : concatenate(blocks, { axis: 0 });
}

/**
 * A dataframe over a 1-d or 2-d array: one partition per block of rows, columns named `columns`
 * (default '0', '1', ...; a 1-d array is one column); int32 stays int32, other dtypes become
 * float64.
 *
 * @example
 * const df = fromDaskArray(random.random([1000, 3], { chunks: [250, 3] }), { columns: ['a', 'b', 'c'] });
 */
export function fromDaskArray(
  x: DaskArray,
  options: { readonly columns?: readonly string[] } = {},
): DataFrame {
  if (x.ndim !== 1 && x.ndim !== 2) {
    throw new TypeError(
      `fromDaskArray: the array must be 1-d or 2-d, got shape [${x.shape.join(', ')}]`,
    );
  }
  const n = x.ndim === 1 ? 1 : x.shape[1];
  const names = options.columns ?? Array.from({ length: n }, (_, j) => String(j));
  if (names.length !== n || new Set(names).size !== n) {
    throw new TypeError(
      `fromDaskArray: give ${n} distinct column names for an array of shape [${x.shape.join(', ')}], got [${names.join(', ')}]`,
    );
  }
  const rows = x.ndim === 1 ? x : x.rechunk([x.chunks[0], [n]]);
  const toTable = delayed(arrayKernels.ref('matrixToTable'));
  const type = x.dtype === 'int32' ? Int32Array : Float64Array;
  const meta = tableFromArrays(Object.fromEntries(names.map((k) => [k, new type(0)])));
  return fromDelayed(
    rows.toDelayed().map((b) => toTable(b, names) as Delayed<Table>),
    { meta },
  );
}
