// The writers: `toParquet`, `toArrowIpc` and `toJson` write one file per partition
// (`part.<i>.<ext>` in a directory, made if missing), computing the dataframe on the scheduler the
// options name; each write task writes its partition where it runs and returns the paths, which
// the call resolves to. Policy: Parquet compresses with snappy unless told (as Dask does), and
// `partitionOn` writes each partition's rows under hive directories `col=value/` without those
// columns (readParquet on the directory reads them back as columns). Files already in the
// directory are left alone; a file of the same name is replaced.
import type { Table } from 'apache-arrow';
import { tokenize, type GraphComputeOptions } from '@dask-ts/graph';
import { colsOf } from './columns.js';
import { typeOf } from './dtypes.js';
import type { DataFrame } from './frame.js';
import {
  isCompression,
  ioKernels,
  type ParquetCompression,
  type ParquetWrite,
} from './io-kernels.js';
import { recordsOf } from './io-json-parse.js';
import type { StorageOptions } from '@dask-ts/graph/fs';
import { NamedLayer, partKey, partRef } from './layers.js';
import { Scalar } from './scalar.js';

/**
 * Options of `DataFrame.toParquet` (and the scheduler to write with).
 *
 * @example
 * const o: ToParquetOptions = { compression: 'zstd', partitionOn: ['year'] };
 */
export interface ToParquetOptions extends GraphComputeOptions {
  /** The codec: 'snappy' (default), 'zstd', 'gzip', 'brotli', 'lz4' or 'uncompressed'. */
  readonly compression?: ParquetCompression;
  /** Columns whose values make hive directories (`col=value/part.<i>.parquet`). */
  readonly partitionOn?: readonly string[];
  /** The most rows in one row group (default: parquet-wasm's, 1M). */
  readonly rowGroupSize?: number;
  /** How to reach an S3-compatible store for an `s3://` directory (default: the environment's). */
  readonly storageOptions?: StorageOptions;
}

/**
 * Options of `DataFrame.toArrowIpc` (and the scheduler to write with).
 *
 * @example
 * const o: ToArrowIpcOptions = { format: 'stream' };
 */
export interface ToArrowIpcOptions extends GraphComputeOptions {
  /** The IPC file format (`part.<i>.arrow`, default) or the stream format (`part.<i>.arrows`). */
  readonly format?: 'file' | 'stream';
  /** How to reach an S3-compatible store for an `s3://` directory (default: the environment's). */
  readonly storageOptions?: StorageOptions;
}

/**
 * Options of `DataFrame.toJson` (and the scheduler to write with).
 *
 * @example
 * const o: ToJsonOptions = { scheduler: 'sync' };
 */
export interface ToJsonOptions extends GraphComputeOptions {
  /** How to reach an S3-compatible store for an `s3://` directory (default: the environment's). */
  readonly storageOptions?: StorageOptions;
}

/** Runs one write task per partition and gives the written paths in partition order. */
function writeAll(
  df: DataFrame,
  what: string,
  kernel: 'writeParquet' | 'writeIpc' | 'writeJson',
  args: readonly unknown[],
  options: GraphComputeOptions,
): Promise<string[]> {
  const name = `${what}-${tokenize(df.layer.name, args)}`;
  const input = df.layer;
  const n = df.npartitions;
  const layer = new NamedLayer(
    name,
    [input],
    function* () {
      const refs: { $ref: string }[] = [];
      for (let i = 0; i < n; i++) {
        const key = partKey(`${name}-part`, i);
        refs.push({ $ref: key });
        yield [
          key,
          ioKernels.task(kernel, [partRef(input, i), ...args.slice(0, 1), i, ...args.slice(1)]),
        ] as const;
      }
      yield [name, ioKernels.task('collect', refs)] as const;
    },
    `${what}[${n} partitions]`,
  );
  return new Scalar<string[]>(layer).compute(schedulerOf(options));
}

function schedulerOf(options: GraphComputeOptions): GraphComputeOptions {
  const {
    compression: _c,
    partitionOn: _p,
    rowGroupSize: _r,
    format: _f,
    ...rest
  } = options as ToParquetOptions & ToArrowIpcOptions;
  return rest;
}

function checkDir(dir: unknown, what: string): string {
  if (typeof dir !== 'string' || dir === '')
    throw new TypeError(`${what}: give the directory to write to, got ${String(dir)}`);
  return dir.replace(/[\\/]+$/, '') || '/';
}

/** Writes the partitions as Parquet files. @internal */
export function toParquet(
  df: DataFrame,
  dir: string,
  options: ToParquetOptions,
): Promise<string[]> {
  const what = 'DataFrame.toParquet';
  const path = checkDir(dir, what);
  const compression = options.compression ?? 'snappy';
  if (!isCompression(compression))
    throw new Error(
      `${what}: unknown compression '${String(compression)}'; use snappy, zstd, gzip, brotli, lz4 or uncompressed`,
    );
  const partitionOn = [...(options.partitionOn ?? [])];
  for (const c of partitionOn) typeOf(df.schema, c, `${what} partitionOn`);
  if (partitionOn.length > 0 && partitionOn.length >= df.schema.length)
    throw new Error(`${what}: partitionOn cannot take every column; some must stay in the files`);
  const rg = options.rowGroupSize;
  if (rg !== undefined && !(Number.isInteger(rg) && rg > 0))
    throw new RangeError(`${what}: rowGroupSize must be a positive integer, got ${rg}`);
  const so = options.storageOptions;
  const w: ParquetWrite = {
    compression,
    partitionOn,
    ...(rg === undefined ? {} : { rowGroupSize: rg }),
    ...(so === undefined ? {} : { storage: so }),
  };
  return writeAll(df, 'to-parquet', 'writeParquet', [path, w], options);
}

/** Writes the partitions as Arrow IPC files (or streams). @internal */
export function toArrowIpc(
  df: DataFrame,
  dir: string,
  options: ToArrowIpcOptions,
): Promise<string[]> {
  const what = 'DataFrame.toArrowIpc';
  const format = options.format ?? 'file';
  if (format !== 'file' && format !== 'stream')
    throw new Error(`${what}: format must be 'file' or 'stream', got '${String(format)}'`);
  return writeAll(
    df,
    'to-arrow-ipc',
    'writeIpc',
    [checkDir(dir, what), format === 'stream', ...storageArg(options)],
    options,
  );
}

/** Writes the partitions as JSON lines. @internal */
export function toJson(df: DataFrame, dir: string, options: ToJsonOptions): Promise<string[]> {
  const args = [checkDir(dir, 'DataFrame.toJson'), ...storageArg(options)];
  return writeAll(df, 'to-json', 'writeJson', args, options);
}

/** The storage options as a trailing task argument (none for the environment's). */
function storageArg(options: { readonly storageOptions?: StorageOptions }): StorageOptions[] {
  return options.storageOptions === undefined ? [] : [options.storageOptions];
}

/** The rows of a computed table as records. @internal */
export function recordsOfTable(t: Table): Record<string, number | string | boolean | null>[] {
  return recordsOf(colsOf(t), t.numRows);
}
