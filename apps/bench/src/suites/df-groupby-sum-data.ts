// Inputs of the df-groupby-sum and df-join suites: seeded columns (an int32 key drawn uniformly
// from `keys` values, a float64 value with 4 decimals, or an explicit key sequence) written once
// per shape into the OS temp directory and reused by later runs: a Parquet directory written by
// dask-ts's own `toParquet` (snappy, one file and one row group per million rows), and a CSV copy
// of the same rows made by DuckDB's COPY (Python Dask here has no Parquet reader). A marker file
// records a finished directory, so an interrupted run never leaves half a dataset behind.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { fromColumns } from '@dask-ts/dataframe';

/** Rows per Parquet file and row group (one partition each when read). */
export const PART_ROWS = 1 << 20;

/**
 * One generated dataset: the Parquet directory, a glob of its files, and the CSV copy.
 *
 * @example
 * const d = await keyValueData('groupby', { rows: 1000, keys: 10, seed: 1 });
 */
export interface Dataset {
  readonly parquetDir: string;
  readonly parquetGlob: string;
  readonly csv: string;
  readonly rows: number;
  readonly parquetBytes: number;
  readonly csvBytes: number;
}

/** The shape of a key/value dataset: row count, distinct keys (or a dense 0..rows-1 key), seed. */
export interface KeyValueShape {
  readonly rows: number;
  /** Keys drawn uniformly from 0..keys-1; `'dense'`: key i is i (each once, shuffled). */
  readonly keys: number | 'dense';
  readonly seed: number;
  /** The value column's name (default 'value'). */
  readonly valueName?: string;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * The seeded columns of a shape (a Fisher-Yates shuffle for a dense key).
 *
 * @example
 * const { key, value } = keyValueColumns({ rows: 10, keys: 3, seed: 7 });
 */
export function keyValueColumns(shape: KeyValueShape): { key: Int32Array; value: Float64Array } {
  const next = lcg(shape.seed);
  const key = new Int32Array(shape.rows);
  const value = new Float64Array(shape.rows);
  if (shape.keys === 'dense') {
    for (let i = 0; i < shape.rows; i++) key[i] = i;
    for (let i = shape.rows - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      const t = key[i];
      key[i] = key[j];
      key[j] = t;
    }
  } else {
    for (let i = 0; i < shape.rows; i++) key[i] = Math.floor(next() * shape.keys);
  }
  for (let i = 0; i < shape.rows; i++) value[i] = Math.round(next() * 1e6) / 1e4;
  return { key, value };
}

const dirBytes = (dir: string): number =>
  readdirSync(dir).reduce((a, f) => a + statSync(join(dir, f)).size, 0);

/**
 * Writes (once) and describes the dataset `name` of a shape.
 *
 * @example
 * const d = await keyValueData('groupby', { rows: 10_000_000, keys: 100, seed: 7 });
 */
export async function keyValueData(name: string, shape: KeyValueShape): Promise<Dataset> {
  if (!Number.isInteger(shape.rows) || shape.rows < 1)
    throw new RangeError(`${name}: rows must be a positive integer, got ${shape.rows}`);
  const valueName = shape.valueName ?? 'value';
  const dir = join(
    tmpdir(),
    `dask-ts-bench-${name}-${shape.rows}-${shape.keys}-${shape.seed}-${valueName}-v1`,
  );
  const parquetDir = join(dir, 'parquet');
  const csv = join(dir, 'data.csv');
  const marker = join(dir, 'complete');
  const done = (): Dataset => ({
    parquetDir,
    parquetGlob: join(parquetDir, '*.parquet'),
    csv,
    rows: shape.rows,
    parquetBytes: dirBytes(parquetDir),
    csvBytes: statSync(csv).size,
  });
  if (existsSync(marker)) return done();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { key, value } = keyValueColumns(shape);
  await fromColumns(
    { key, [valueName]: value },
    { npartitions: Math.ceil(shape.rows / PART_ROWS) },
  ).toParquet(parquetDir, { compression: 'snappy', rowGroupSize: PART_ROWS, scheduler: 'sync' });
  await duckCopyToCsv(join(parquetDir, '*.parquet'), csv);
  writeFileSync(marker, new Date().toISOString());
  return done();
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * Copies Parquet files (a glob) into one CSV file with a header, through DuckDB.
 *
 * @example
 * await duckCopyToCsv('/tmp/x/*.parquet', '/tmp/x.csv');
 */
export async function duckCopyToCsv(glob: string, csv: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  try {
    const conn = await db.connect();
    await conn.run(
      `COPY (SELECT * FROM read_parquet(${quote(glob)})) TO ${quote(csv)} (HEADER, DELIMITER ',')`,
    );
    conn.closeSync();
  } finally {
    db.closeSync();
  }
}
