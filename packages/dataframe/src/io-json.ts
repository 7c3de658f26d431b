// readJson: JSON lines (one object per line) cut into blocks of `blocksize` bytes at line
// boundaries, one task per block (a block owns the lines that start in it, as CSV blocks own
// rows); or, with `lines: false`, files holding one JSON array of objects, one partition each.
// Policy: the columns and their types come from a sample - the first 64 KiB of the first file
// (the whole first file without `lines`) - with `dtype` overriding; a key that first appears
// after the sample is not read. See io-json-parse.ts for the typing rules.
import { tokenize } from '@dask-ts/graph';
import type { DType, Schema } from './dtypes.js';
import { DataFrame } from './frame.js';
import {
  expandPaths,
  fileStamp,
  readRange,
  readWhole,
  type StorageOptions,
} from '@dask-ts/graph/fs';
import { inferJsonSchema } from './io-json-parse.js';
import type { JsonBlock } from './io-kernels.js';
import { FileReadLayer } from './io-layer.js';

/**
 * Options of {@link readJson}.
 *
 * @example
 * const o: ReadJsonOptions = { blocksize: 16 << 20, dtype: { id: 'utf8' } };
 */
export interface ReadJsonOptions {
  /** One JSON object per line (default true); false: each file is one JSON array of objects. */
  readonly lines?: boolean;
  /** Bytes per block for JSON lines (one task each; default 64 MiB); lines are never split. */
  readonly blocksize?: number;
  /** Column types that override the inferred ones. */
  readonly dtype?: Readonly<Record<string, DType>>;
  /** Only these columns, in this order. */
  readonly columns?: readonly string[];
  /** How to reach an S3-compatible store for `s3://` paths (default: the environment's). */
  readonly storageOptions?: StorageOptions;
}

const SAMPLE = 1 << 16;

/**
 * A dataframe from JSON lines files (a path, a directory, a glob or a list), split into blocks at
 * line boundaries; or from files that each hold an array of objects (`lines: false`). Types are
 * inferred from a sample: int32 integers, float64 numbers, bool, utf8 (strings, and columns of
 * mixed kinds or of objects as JSON text); `dtype` overrides them.
 *
 * @example
 * const df = readJson('logs/*.jsonl', { blocksize: 32 << 20, dtype: { latency: 'float64' } });
 */
export function readJson(
  paths: string | readonly string[],
  options: ReadJsonOptions = {},
): DataFrame {
  const where = 'readJson';
  const lines = options.lines ?? true;
  const so = options.storageOptions;
  const files = expandPaths(paths, where, so).map((f) => f.path);
  const blocksize = options.blocksize ?? 64 << 20;
  if (!(blocksize > 0))
    throw new RangeError(`${where}: blocksize must be positive, got ${blocksize}`);
  let inferred: Schema;
  if (lines) {
    const head = readRange(files[0], 0, SAMPLE, so);
    const end = head.length === SAMPLE ? head.lastIndexOf(10) + 1 : head.length;
    inferred = inferJsonSchema(head, 0, end, true, `${where} ${files[0]}`);
  } else {
    const all = readWhole(files[0], so);
    inferred = inferJsonSchema(all, 0, all.length, false, `${where} ${files[0]}`);
  }
  const names = inferred.map(([n]) => n);
  for (const [what, cs] of [
    ['dtype', Object.keys(options.dtype ?? {})],
    ['columns', options.columns ?? []],
  ] as const)
    for (const c of cs)
      if (!names.includes(c))
        throw new Error(
          `${where}: unknown column '${c}' in ${what}; the columns (from the first lines of ${files[0]}) are ${names.map((n) => `'${n}'`).join(', ')}`,
        );
  const columns = options.columns === undefined ? names : [...options.columns];
  const schema: Schema = columns.map(
    (c) => [c, options.dtype?.[c] ?? inferred.find(([n]) => n === c)![1]] as const,
  );
  const blocks: JsonBlock[] = [];
  for (const path of files) {
    const size = fileStamp(path, so)[1];
    const storage = so === undefined ? {} : { storage: so };
    if (!lines) blocks.push({ path, start: 0, end: size, lines, ...storage });
    else
      for (let start = 0; start < Math.max(size, 1); start += blocksize)
        blocks.push({ path, start, end: Math.min(size, start + blocksize), lines, ...storage });
  }
  const types = schema.map(([, t]) => t);
  const stamps = files.map((f) => fileStamp(f, so));
  const name = `read-json-${tokenize(stamps, blocksize, lines, schema)}`;
  return new DataFrame(
    new FileReadLayer(name, 'readJson', blocks, columns, types, [], columns),
    blocks.length,
    schema,
  );
}
