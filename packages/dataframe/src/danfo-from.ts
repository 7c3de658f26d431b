// danfojs interop, the way in: `fromDanfo` reads a danfo DataFrame held in memory (it needs no
// danfo module, only the frame given) into typed-array columns, as danfo-convert.ts says, and
// splits them into partitions as `fromArrow` does. danfo's index is not kept (call `resetIndex()`
// on the danfo frame first to keep it as a column).
import { tableOf } from './columns.js';
import { fromArrow } from './creation.js';
import { colsOfDanfo, isDanfoFrame } from './danfo-convert.js';
import type { DanfoFrame } from './danfo-types.js';
import type { DataFrame } from './frame.js';

/**
 * Options of {@link fromDanfo}: `npartitions` (default 1) or `chunksize`, the most rows a
 * partition holds (as Dask's `from_pandas`).
 *
 * @example
 * const o: FromDanfoOptions = { chunksize: 100_000 };
 */
export type FromDanfoOptions =
  | { readonly npartitions?: number; readonly chunksize?: undefined }
  | { readonly chunksize: number; readonly npartitions?: undefined };

function partitionsOf(n: number, options: FromDanfoOptions): number {
  const { npartitions, chunksize } = options as { npartitions?: number; chunksize?: number };
  if (npartitions !== undefined && chunksize !== undefined)
    throw new Error('fromDanfo: give npartitions or chunksize, not both');
  if (chunksize === undefined) {
    const k = npartitions ?? 1;
    if (!Number.isInteger(k) || k < 1)
      throw new RangeError(`fromDanfo: npartitions must be a positive integer, got ${String(k)}`);
    return k;
  }
  if (!Number.isInteger(chunksize) || chunksize < 1)
    throw new RangeError(
      `fromDanfo: chunksize must be a positive integer, got ${String(chunksize)}`,
    );
  return Math.max(1, Math.ceil(n / chunksize));
}

/**
 * A dataframe from a danfo DataFrame held in memory, in `npartitions` partitions (default 1) of
 * near-equal row counts, or in partitions of at most `chunksize` rows. Each column is read once
 * into a typed array (or our UTF-8 layout): danfo's 'float32' becomes float64 (its values are
 * doubles), 'int32' int32 (float64 when a value is not an int32), 'string' utf8, 'boolean' bool,
 * 'datetime' timestamp; the values decide when danfo's inferred dtype says otherwise (booleans
 * with nulls, which danfo calls 'float32'). null and undefined are nulls; NaN in a number column
 * stays NaN, as in `fromColumns` (aggregations, fillna, dropna and isNull treat it as missing,
 * as pandas does). danfo's index is not kept. A column of objects, arrays or mixed kinds is an
 * error naming it. danfo itself need not be loadable: only the frame is read.
 *
 * @example
 * import * as dfd from 'danfojs-node';
 * const d = new dfd.DataFrame({ k: ['a', 'b', 'a'], x: [1.5, NaN, 3] });
 * const df = fromDanfo(d, { npartitions: 2 });
 * await df.groupby('k').agg({ x: 'sum' }).compute();
 */
export function fromDanfo(frame: DanfoFrame, options: FromDanfoOptions = {}): DataFrame {
  if (!isDanfoFrame(frame))
    throw new TypeError(
      `fromDanfo expects a danfo DataFrame (columns, dtypes and column()), got ${frame === null ? 'null' : typeof frame}`,
    );
  const cols = colsOfDanfo(frame, 'fromDanfo');
  if (cols.size === 0) throw new Error('fromDanfo: the danfo DataFrame has no columns');
  const n = cols.values().next().value?.length ?? 0;
  return fromArrow(tableOf(cols), { npartitions: partitionsOf(n, options) });
}
