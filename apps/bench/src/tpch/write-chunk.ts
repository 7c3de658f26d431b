// Writing the generator's columns as one Parquet file: typed arrays and Arrow vectors become an
// Arrow table written by @dask-ts/dataframe's `fromArrow(...).toParquet` (snappy, the row-group
// size asked), into a temporary directory first and then renamed, so a directory never holds a
// half-written part. Dates are day numbers wrapped as Arrow date32 (Parquet DATE) columns.
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DateDay, makeData, makeVector, Table, type Vector } from 'apache-arrow';
import { fromArrow } from '@dask-ts/dataframe';

/** One chunk of a table's columns. @example const c: Columns = { k: new Int32Array(3) }; */
export type Columns = Record<string, Int32Array | Float64Array | Vector>;

/**
 * Day numbers (since 1970-01-01) as an Arrow date32 column.
 *
 * @example
 * dateVector(Int32Array.from([8035])); // 1992-01-01
 */
export const dateVector = (days: Int32Array): Vector =>
  makeVector(makeData({ type: new DateDay(), length: days.length, data: days }));

/**
 * Writes `cols` as `<dir>/part.<index>.parquet`.
 *
 * @example
 * await writeChunk(dir, 0, { k: Int32Array.from([1, 2]) }, 131072);
 */
export async function writeChunk(
  dir: string,
  index: number,
  cols: Columns,
  rowGroupSize: number,
): Promise<void> {
  const tmp = join(dir, `.chunk-${index}`);
  rmSync(tmp, { recursive: true, force: true });
  const table = new Table(
    Object.fromEntries(
      Object.entries(cols).map(([k, v]) => [
        k,
        v instanceof Int32Array || v instanceof Float64Array ? makeVector(v) : v,
      ]),
    ),
  );
  const [written] = await fromArrow(table).toParquet(tmp, {
    compression: 'snappy',
    rowGroupSize,
    scheduler: 'sync',
  });
  renameSync(written, join(dir, `part.${index}.parquet`));
  rmSync(tmp, { recursive: true, force: true });
}
