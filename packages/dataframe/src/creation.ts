// Making dataframes: from columns, records or an Arrow table held in memory (split into
// partitions when built, each partition a literal Arrow table in the graph), and from CSV files
// (planned when built: files listed, the header and a sample of the first file read to find the
// columns and infer their types, and each file cut into byte blocks, one task per block).
import { randomUUID } from 'node:crypto';
import { Table } from 'apache-arrow';
import { dataLayer, tokenize } from '@dask-ts/graph';
import { colsOf, tableOf, utf8Of, type Col } from './columns.js';
import { DTYPE_LIST, type DType, type Schema } from './dtypes.js';
import { take } from './take.js';
import { endOfRow, isNumberText, parseRows } from './csv-parse.js';
import { CsvLayer, partKey } from './layers.js';
import { expandPaths, fileStamp, readRange, type StorageOptions } from '@dask-ts/graph/fs';
import { DataFrame } from './frame.js';
import type { CsvBlock } from './kernels.js';

/**
 * A column given to `fromColumns`: a typed array (float64, int32), or an array of numbers,
 * strings or booleans where `null` / `undefined` are nulls.
 *
 * @example
 * const c: ColumnInput = new Float64Array([1, 2, 3]);
 */
export type ColumnInput =
  | Float64Array
  | Int32Array
  | readonly (number | null | undefined)[]
  | readonly (string | null | undefined)[]
  | readonly (boolean | null | undefined)[]
  | readonly (Date | null | undefined)[];

/**
 * Options of the in-memory constructors.
 *
 * @example
 * const o: PartitionOptions = { npartitions: 4 };
 */
export interface PartitionOptions {
  /** How many partitions (default 1), of near-equal row counts. */
  readonly npartitions?: number;
}

function toCol(name: string, xs: ColumnInput): Col {
  if (xs instanceof Float64Array) return { type: 'float64', length: xs.length, values: xs };
  if (xs instanceof Int32Array) return { type: 'int32', length: xs.length, values: xs };
  if (!Array.isArray(xs))
    throw new TypeError(
      `fromColumns: column '${name}' must be an array or a Float64Array / Int32Array`,
    );
  const kinds = new Set<string>();
  for (const x of xs)
    if (x !== null && x !== undefined) kinds.add(x instanceof Date ? 'Date' : typeof x);
  if (kinds.size > 1)
    throw new TypeError(`fromColumns: column '${name}' mixes ${[...kinds].join(' and ')} values`);
  const kind = [...kinds][0] ?? 'number';
  const n = xs.length;
  if (kind === 'string') return utf8Of(xs as readonly (string | null)[]);
  let valid: Uint8Array | undefined;
  const values = kind === 'number' || kind === 'Date' ? new Float64Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    const ms = x instanceof Date ? x.getTime() : 0;
    if (x === null || x === undefined || Number.isNaN(ms)) {
      valid ??= new Uint8Array((n + 7) >> 3).fill(0xff);
      valid[i >> 3] &= ~(1 << (i & 7));
    } else if (kind === 'number') values[i] = x as number;
    else if (kind === 'Date') values[i] = ms;
    else if (kind === 'boolean') values[i] = x ? 1 : 0;
    else
      throw new TypeError(
        `fromColumns: column '${name}' holds ${kind} values; use numbers, strings or booleans`,
      );
  }
  return kind === 'number' || kind === 'Date'
    ? {
        type: kind === 'Date' ? 'timestamp' : 'float64',
        length: n,
        values: values as Float64Array,
        valid,
      }
    : { type: 'bool', length: n, values: values as Uint8Array, valid };
}

// An option these constructors do not take (a typo, or pandas' `dtype` / `columns`) is an error
// naming it, not silently ignored: JavaScript callers get no type check.
function checkOptions(what: string, options: PartitionOptions): void {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`${what}: options must be an object such as { npartitions: 2 }`);
  for (const k of Object.keys(options)) {
    if (k === 'npartitions') continue;
    const hint = /^dtypes?$/.test(k) ? '; set column types afterwards with .astype({ ... })' : '';
    throw new TypeError(`${what}: unknown option '${k}' (the only option is npartitions)${hint}`);
  }
}

function partitioned(
  cols: Map<string, Col>,
  npartitions: number | undefined,
  what: string,
): DataFrame {
  const n = cols.values().next().value?.length ?? 0;
  const k = npartitions ?? 1;
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(
      `${what}: npartitions must be a positive integer, got ${String(npartitions)}`,
    );
  const schema: Schema = [...cols].map(([name, c]) => [name, c.type] as const);
  const name = `${what}-${randomUUID()}`;
  const parts: [string, Table][] = [];
  for (let p = 0; p < k; p++) {
    const lo = Math.floor((p * n) / k);
    const hi = Math.floor(((p + 1) * n) / k);
    const idx = Int32Array.from({ length: hi - lo }, (_, i) => lo + i);
    const part = new Map<string, Col>();
    for (const [c, col] of cols) part.set(c, k === 1 ? col : take(col, idx));
    parts.push([partKey(name, p), tableOf(part)]);
  }
  return new DataFrame(dataLayer(name, parts), k, schema);
}

/**
 * A dataframe from columns held in memory. Number arrays become float64, strings utf8, booleans
 * bool, an Int32Array int32; `null` and `undefined` are nulls.
 *
 * @example
 * const df = fromColumns({ a: [1, 2, 3], b: ['x', 'y', null] }, { npartitions: 2 });
 */
export function fromColumns(
  columns: Readonly<Record<string, ColumnInput>>,
  options: PartitionOptions = {},
): DataFrame {
  checkOptions('fromColumns', options);
  const cols = new Map<string, Col>();
  let n: number | undefined;
  for (const [name, xs] of Object.entries(columns)) {
    const c = toCol(name, xs);
    if (n !== undefined && c.length !== n) {
      throw new RangeError(`fromColumns: column '${name}' has ${c.length} values, the others ${n}`);
    }
    n = c.length;
    cols.set(name, c);
  }
  if (cols.size === 0) throw new Error('fromColumns needs at least one column');
  return partitioned(cols, options.npartitions, 'from-columns');
}

/**
 * A dataframe from records (plain objects); the columns are the keys of all records, in order
 * of appearance, and a missing key is a null.
 *
 * @example
 * const df = fromRecords([{ a: 1, b: 'x' }, { a: 2, b: 'y' }]);
 */
export function fromRecords(
  rows: readonly Readonly<Record<string, unknown>>[],
  options: PartitionOptions = {},
): DataFrame {
  if (!Array.isArray(rows)) throw new TypeError('fromRecords expects an array of objects');
  checkOptions('fromRecords', options);
  const names = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) names.add(k);
  const columns: Record<string, ColumnInput> = {};
  for (const name of names) columns[name] = rows.map((r) => r[name] ?? null) as ColumnInput;
  if (names.size === 0) throw new Error('fromRecords: the records have no fields');
  return fromColumns(columns, options);
}

/**
 * A dataframe from an Arrow table (float64, int32, bool and utf8 columns are kept; other numeric
 * types become float64).
 *
 * @example
 * const df = fromArrow(tableFromArrays({ a: Float64Array.from([1, 2]) }), { npartitions: 2 });
 */
export function fromArrow(table: Table, options: PartitionOptions = {}): DataFrame {
  if (!(table instanceof Table)) throw new TypeError('fromArrow expects an apache-arrow Table');
  checkOptions('fromArrow', options);
  return partitioned(colsOf(table), options.npartitions, 'from-arrow');
}

/**
 * Options of {@link readCsv}.
 *
 * @example
 * const o: ReadCsvOptions = { blocksize: 64 << 20, dtype: { id: 'utf8' }, usecols: ['id', 'x'] };
 */
export interface ReadCsvOptions {
  /** Bytes per block (one task each; default 64 MiB); rows are never split. */
  readonly blocksize?: number;
  /** Column types that override the inferred ones. */
  readonly dtype?: Readonly<Record<string, DType>>;
  /** Only these columns. */
  readonly usecols?: readonly string[];
  /**
   * Columns to read as timestamps (ISO 8601 text: `2024-03-01`, `2024-03-01 12:30:00`,
   * `2024-03-01T12:30:00.250+02:00`), as pandas' `parse_dates`; `dtype` may say `'date32'`
   * instead. An unparsable field is an error naming the column and the row.
   */
  readonly parseDates?: readonly string[];
  /** How to reach `s3://` paths (endpoint, credentials), as the other readers take it. */
  readonly storageOptions?: StorageOptions;
}

const decoder = new TextDecoder();

/** The header's names and the types inferred from the first rows of the first file. */
function inferSchema(path: string, so?: StorageOptions): Schema {
  const head = readRange(path, 0, 1 << 16, so);
  const headerEnd = endOfRow(head, 0);
  // Count the header's fields, then parse it as utf8 columns.
  let ncols = 1;
  let quoted = false;
  for (let i = 0; i < headerEnd; i++) {
    if (head[i] === 34) quoted = !quoted;
    else if (head[i] === 44 && !quoted) ncols++;
  }
  const all = Array.from({ length: ncols }, (_, i) => i);
  const strings = Array.from({ length: ncols }, () => 'utf8' as const);
  const headerCols = parseRows(
    head,
    0,
    1,
    { ncols, slots: all, names: all.map(String), types: strings, where: path },
    1,
  );
  const names = headerCols.map((c) => {
    const u = c as Extract<Col, { type: 'utf8' }>;
    return decoder.decode(u.data.subarray(u.offsets[0], u.offsets[1])).trim();
  });
  // The sample: whole rows after the header.
  let sampleEnd = head.length;
  if (head.length === 1 << 16) sampleEnd = head.lastIndexOf(10) + 1;
  const sample = parseRows(head.subarray(0, sampleEnd), headerEnd, sampleEnd, {
    ncols,
    slots: all,
    names,
    types: strings,
    where: path,
  });
  return names.map(
    (name, j) => [name, inferType(sample[j] as Extract<Col, { type: 'utf8' }>)] as const,
  );
}

function inferType(c: Extract<Col, { type: 'utf8' }>): DType {
  let numeric = 0;
  let integral = true;
  for (let i = 0; i < c.length; i++) {
    const s = c.offsets[i];
    const e = c.offsets[i + 1];
    if (s === e) {
      integral = false; // a null: pandas makes the column float
      continue;
    }
    if (!isNumberText(c.data, s, e)) return 'utf8';
    numeric++;
    for (let k = s; k < e; k++) {
      const b = c.data[k];
      if (!((b >= 48 && b <= 57) || (k === s && b === 45))) integral = false;
    }
    if (integral && e - s > 9) integral = false;
  }
  if (numeric === 0) return 'utf8';
  return integral ? 'int32' : 'float64';
}

/**
 * A dataframe from CSV files with a header row: a path, a directory, a glob or a list of them,
 * local or `s3://bucket/key` (through the same file layer as the other readers), all with the
 * same columns. Each file is cut into blocks of `blocksize` bytes
 * (one task each) at row boundaries; a quoted field may hold commas, quotes and newlines, but a
 * newline inside quotes must not be where a block boundary falls (as in Dask). Types are inferred
 * from the first 64 KiB of the first file (integers that fit become int32, other numbers float64,
 * the rest utf8); empty fields are nulls. Dates are read when asked: `parseDates`, or a `dtype` of
 * `'date32'` or `'timestamp'`.
 *
 * @example
 * const df = readCsv('data/*.csv', { blocksize: 16 << 20, dtype: { id: 'utf8' } });
 * const orders = readCsv('orders.csv', { parseDates: ['placed'], dtype: { shipped: 'date32' } });
 */
export function readCsv(
  paths: string | readonly string[],
  options: ReadCsvOptions = {},
): DataFrame {
  const so = options.storageOptions;
  const files = expandPaths(paths, 'readCsv', so).map((f) => f.path);
  if (files.length === 0) throw new Error('readCsv: no files');
  const blocksize = options.blocksize ?? 64 << 20;
  if (!(blocksize > 0))
    throw new RangeError(`readCsv: blocksize must be positive, got ${blocksize}`);
  const inferred = inferSchema(files[0], so);
  const names = inferred.map(([n]) => n);
  const parseDates = options.parseDates ?? [];
  if (!Array.isArray(parseDates))
    throw new TypeError('readCsv: parseDates expects an array of column names');
  for (const c of [
    ...Object.keys(options.dtype ?? {}),
    ...(options.usecols ?? []),
    ...parseDates,
  ]) {
    if (!names.includes(c)) {
      throw new Error(
        `readCsv: unknown column '${c}'; the columns are ${names.map((n) => `'${n}'`).join(', ')}`,
      );
    }
  }
  const keep = options.usecols === undefined ? undefined : new Set(options.usecols);
  const schema: Schema = inferred
    .filter(([n]) => keep === undefined || keep.has(n))
    .map(
      ([n, t]) => [n, options.dtype?.[n] ?? (parseDates.includes(n) ? 'timestamp' : t)] as const,
    );
  for (const [n, t] of schema) {
    if (!DTYPE_LIST.includes(t))
      throw new TypeError(
        `readCsv: dtype of column '${n}' is '${String(t)}'; use ${DTYPE_LIST.map((x) => `'${x}'`).join(', ')}`,
      );
  }
  const usecols = schema.map(([n]) => n);
  const types = schema.map(([, t]) => t);
  const blocks: CsvBlock[] = [];
  const stamps: unknown[] = [];
  for (const path of files) {
    const stamp = fileStamp(path, so);
    const size = stamp[1];
    stamps.push(stamp);
    for (let start = 0; start < Math.max(size, 1); start += blocksize) {
      blocks.push({
        path,
        start,
        end: Math.min(size, start + blocksize),
        header: start === 0,
        fileColumns: names,
        usecols,
        types,
        ...(so === undefined ? {} : { storageOptions: so }),
      });
    }
  }
  const name = `read-csv-${tokenize(stamps, blocksize, schema)}`;
  return new DataFrame(new CsvLayer(name, blocks, [], usecols), blocks.length, schema);
}
