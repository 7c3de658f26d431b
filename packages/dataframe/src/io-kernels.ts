// The file readers' and writers' kernels, registered as builtins `dataframe-io.<name>`: what the
// tasks of readParquet / readArrowIpc / readJson and of the writers call, in the calling thread or
// in workers (which import this module by its URL). Policy: a read task reads only its columns
// (and for Parquet only its row groups, through byte ranges of the file), turns them into typed
// columns with the dataframe's types (io-arrow-cols.ts), then applies the steps the optimizer
// moved into the reader; a write task writes one partition and returns the paths it wrote.
// Importing this module registers the Arrow codec, so workers can receive and send tables.
import { defineKernels } from '@dask-ts/graph/kernels';
import { Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import type { Compression } from 'parquet-wasm/node';
import { parquetWasm } from './io-wasm.js';
import './codec.js';
import { colsOf, emptyCol, isValid, tableOf, utf8Of, type Col } from './columns.js';
import type { DType, Schema } from './dtypes.js';
import { applySteps, type Step } from './steps.js';
import { take } from './take.js';
import { colsOfFileTable } from './io-arrow-cols.js';
import {
  readLines,
  readRange,
  readWhole,
  writeWhole,
  type StorageOptions,
} from '@dask-ts/graph/fs';
import { compactParquet } from './io-parquet-compact.js';
import { readColumnsJs } from './io-parquet-js.js';
import { readLate, type LateRead } from './io-parquet-late.js';
import { Unsupported } from './io-parquet-pages.js';
import { jsonBlockCols, recordsOf, toJsonLines } from './io-json-parse.js';
import { formatDay, formatTimestamp } from './kernels-dt.js';
import { decodeCategory } from './columns-cat.js';

/** One Parquet partition: a file, its row groups to read, their rows. @internal */
export interface ParquetPart {
  readonly path: string;
  readonly rowGroups: readonly number[];
  readonly rows: number;
  /** The footer's byte range, and each column chunk's: [group, start, end]. */
  readonly footer: readonly [number, number];
  readonly chunks: readonly (readonly [number, number, number])[];
  /** Hive partition values from the path (`k=v` directories), null for a missing value. */
  readonly hive: readonly (readonly [string, string | null])[];
  readonly storage?: StorageOptions;
}

/** One Arrow IPC partition: a file. @internal */
export interface IpcPart {
  readonly path: string;
  readonly storage?: StorageOptions;
}

/** One JSON-lines block: a file's byte range (a whole file when `lines` is false). @internal */
export interface JsonBlock {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly lines: boolean;
  readonly storage?: StorageOptions;
}

/** What a read task reads and gives back. @internal */
export interface ReadPlan {
  readonly columns: readonly string[];
  readonly types: readonly DType[];
  readonly steps: readonly Step[];
  readonly out: readonly string[];
}

/**
 * A Parquet compression codec's name.
 *
 * @example
 * const c: ParquetCompression = 'zstd';
 */
export type ParquetCompression = 'uncompressed' | 'snappy' | 'gzip' | 'brotli' | 'lz4' | 'zstd';

/** parquet-wasm's name of each codec (its enum's keys: the module loads on first use). */
const COMPRESSIONS: Readonly<Record<ParquetCompression, keyof typeof Compression>> = {
  uncompressed: 'UNCOMPRESSED',
  snappy: 'SNAPPY',
  gzip: 'GZIP',
  brotli: 'BROTLI',
  lz4: 'LZ4_RAW',
  zstd: 'ZSTD',
};

/** Whether a name is a Parquet compression. @internal */
export const isCompression = (c: string): c is ParquetCompression => c in COMPRESSIONS;

function finishRead(cols: Map<string, Col>, plan: ReadPlan, rows: number): Table {
  const done = plan.steps.length === 0 ? cols : applySteps(cols, plan.steps, rows);
  if ([...done.keys()].join('\0') === plan.out.join('\0')) return tableOf(done);
  return tableOf(applySteps(done, [{ op: 'select', cols: plan.out }]));
}

/** A hive value repeated `n` times as a column of type `t`. */
function constantCol(raw: string | null, t: DType, n: number): Col {
  if (t === 'utf8') return utf8Of(Array.from({ length: n }, () => raw));
  const valid = raw === null ? new Uint8Array((n + 7) >> 3) : undefined;
  const x = raw === null ? 0 : t === 'bool' ? Number(raw === 'true') : Number(raw);
  const values =
    t === 'float64'
      ? new Float64Array(n).fill(x)
      : t === 'int32'
        ? new Int32Array(n).fill(x)
        : new Uint8Array(n).fill(x);
  return { type: t, length: n, values, valid } as Col;
}

/** Reads one Parquet part and applies the plan's steps. @internal */
export function readParquetPart(part: ParquetPart, plan: ReadPlan): Table {
  const where = `readParquet ${part.path}`;
  const hive = new Map(part.hive);
  const fileCols = plan.columns.filter((c) => !hive.has(c));
  const fileTypes = fileCols.map((c) => plan.types[plan.columns.indexOf(c)]);
  let cols = new Map<string, Col>();
  let rows = part.rows;
  let steps = plan.steps;
  const late = fileCols.length > 0 ? readLateOrThrow(part, plan, fileCols, fileTypes) : undefined;
  if (late !== undefined) ({ cols, rows, steps } = late);
  else if (part.rowGroups.length === 0) {
    rows = 0;
    for (const c of fileCols) cols.set(c, emptyCol(fileTypes[fileCols.indexOf(c)]));
  } else if (fileCols.length > 0) {
    const js = readJs(part, fileCols, fileTypes, where);
    if (js !== undefined) [cols, rows] = js;
    else [cols, rows] = readWasm(part, fileCols, fileTypes, where);
  }
  const out = new Map<string, Col>();
  for (const [i, c] of plan.columns.entries()) {
    const col = hive.has(c) ? constantCol(hive.get(c) ?? null, plan.types[i], rows) : cols.get(c);
    // A late read leaves out the filter's columns that no later step reads.
    if (col !== undefined) out.set(c, col);
  }
  return finishRead(out, { ...plan, steps }, rows);
}

/** The part read with late materialization (io-parquet-late.ts), or undefined where it does not apply. */
function readLateOrThrow(
  part: ParquetPart,
  plan: ReadPlan,
  fileCols: readonly string[],
  fileTypes: readonly DType[],
): LateRead | undefined {
  try {
    return readLate(part, plan.steps, fileCols, fileTypes);
  } catch (err) {
    throw new Error(`readParquet ${part.path}: cannot read the file (${String(err)})`);
  }
}

/** The columns read in JavaScript (io-parquet-js.ts), or undefined where only parquet-wasm can. */
function readJs(
  part: ParquetPart,
  fileCols: readonly string[],
  fileTypes: readonly DType[],
  where: string,
): [Map<string, Col>, number] | undefined {
  try {
    return readColumnsJs(part.path, part.footer, part.rowGroups, fileCols, fileTypes, part.storage);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw new Error(`${where}: cannot read the file (${String(err)})`);
  }
}

function readWasm(
  part: ParquetPart,
  fileCols: readonly string[],
  fileTypes: readonly DType[],
  where: string,
): [Map<string, Col>, number] {
  {
    // Only the footer and the row groups read come from the disk, copied into a smaller Parquet
    // file that holds just them (parquet-wasm's synchronous reader takes a whole file; its
    // asynchronous one aborts the process on damaged pages).
    let t: Table;
    try {
      const footer = readRange(part.path, part.footer[0], part.footer[1], part.storage);
      const groups = part.rowGroups.map((g) => {
        const cs = part.chunks.filter(([c]) => c === g);
        const start = Math.min(...cs.map(([, s]) => s));
        const end = Math.max(...cs.map(([, , e]) => e));
        return { index: g, start, bytes: readRange(part.path, start, end, part.storage) };
      });
      const read = parquetWasm().readParquet(compactParquet(footer, groups), {
        columns: [...fileCols],
        batchSize: Math.max(1024, part.rows),
      });
      t = tableFromIPC(read.intoIPCStream());
    } catch (err) {
      throw new Error(`${where}: cannot read the file (${String(err)})`);
    }
    return [colsOfFileTable(t, fileCols, fileTypes, where), t.numRows];
  }
}

function readIpcPart(part: IpcPart, plan: ReadPlan): Table {
  const where = `readArrowIpc ${part.path}`;
  let t: Table;
  try {
    t = tableFromIPC(readWhole(part.path, part.storage));
  } catch (err) {
    throw new Error(`${where}: not an Arrow IPC file or stream (${String(err)})`);
  }
  return finishRead(colsOfFileTable(t, plan.columns, plan.types, where), plan, t.numRows);
}

function readJsonBlock(block: JsonBlock, plan: ReadPlan): Table {
  const where = `readJson ${block.path}${block.lines ? ` [${block.start}, ${block.end})` : ''}`;
  let bytes: Uint8Array;
  let begin = 0;
  let limit: number;
  if (block.lines)
    [bytes, begin, limit] = readLines(block.path, block.start, block.end, block.storage);
  else {
    bytes = readWhole(block.path, block.storage);
    limit = bytes.length;
  }
  const cols = jsonBlockCols(bytes, begin, limit, block.lines, plan.columns, plan.types, where);
  const rows = cols.values().next().value?.length ?? 0;
  return finishRead(cols, plan, rows);
}

/** Options of a Parquet write task. @internal */
export interface ParquetWrite {
  readonly compression: ParquetCompression;
  readonly partitionOn: readonly string[];
  readonly rowGroupSize?: number;
  readonly storage?: StorageOptions;
}

function parquetBytes(t: Table, w: ParquetWrite): Uint8Array {
  const pw = parquetWasm();
  const props = new pw.WriterPropertiesBuilder().setCompression(
    pw.Compression[COMPRESSIONS[w.compression]],
  );
  const built = (
    w.rowGroupSize === undefined ? props : props.setMaxRowGroupSize(w.rowGroupSize)
  ).build();
  return pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(t, 'stream')), built);
}

/** A hive directory segment's value. @internal */
export function hiveValue(c: Col, i: number): string {
  if (!isValid(c.valid, i)) return '__HIVE_DEFAULT_PARTITION__';
  if (c.type === 'utf8') {
    const s = new TextDecoder().decode(c.data.subarray(c.offsets[i], c.offsets[i + 1]));
    return encodeURIComponent(s);
  }
  if (c.type === 'bool') return c.values[i] ? 'true' : 'false';
  if (c.type === 'date32') return formatDay(c.values[i]);
  if (c.type === 'category') return hiveValue(decodeCategory(c), i);
  if (c.type === 'timestamp') return encodeURIComponent(formatTimestamp(c.values[i]));
  return String(c.values[i]);
}

/** Splits a partition's rows by the values of `keys`: hive directory and rows. */
function splitByKeys(cols: Map<string, Col>, keys: readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  const n = cols.values().next().value?.length ?? 0;
  const kc = keys.map((k) => cols.get(k)!);
  for (let i = 0; i < n; i++) {
    const dir = keys.map((k, j) => `${k}=${hiveValue(kc[j], i)}`).join('/');
    let g = groups.get(dir);
    if (g === undefined) groups.set(dir, (g = []));
    g.push(i);
  }
  return groups;
}

function writeParquetPart(t: Table, dir: string, index: number, w: ParquetWrite): string[] {
  const file = `part.${index}.parquet`;
  if (w.partitionOn.length === 0) {
    const path = `${dir}/${file}`;
    writeWhole(path, parquetBytes(t, w), w.storage);
    return [path];
  }
  const cols = colsOf(t);
  const paths: string[] = [];
  for (const [sub, rows] of splitByKeys(cols, w.partitionOn)) {
    const idx = Int32Array.from(rows);
    const part = new Map<string, Col>();
    for (const [name, c] of cols) if (!w.partitionOn.includes(name)) part.set(name, take(c, idx));
    const path = `${dir}/${sub}/${file}`;
    writeWhole(path, parquetBytes(tableOf(part), w), w.storage);
    paths.push(path);
  }
  return paths;
}

/** Checks a value given to fromDelayed against the schema, giving the partition. @internal */
function checkPart(value: unknown, schema: Schema, index: number): Table {
  const where = `fromDelayed: partition ${index}`;
  if (!(value instanceof Table))
    throw new TypeError(
      `${where} is ${value === null ? 'null' : typeof value}, not an apache-arrow Table`,
    );
  const cols = colsOfFileTable(
    value,
    schema.map(([n]) => n),
    schema.map(([, t]) => t),
    where,
  );
  return tableOf(cols);
}

/**
 * The IO kernels and their references.
 *
 * @example
 * ioKernels.task('readIpc', ['data/a.arrow', { columns: ['a'], types: ['float64'], steps: [], out: ['a'] }]);
 */
export const ioKernels = defineKernels('dataframe-io', import.meta.url, {
  readParquet: readParquetPart,
  readIpc: readIpcPart,
  readJson: readJsonBlock,
  writeParquet: writeParquetPart,
  writeIpc: (
    t: Table,
    dir: string,
    index: number,
    stream: boolean,
    storage?: StorageOptions,
  ): string[] => {
    const path = `${dir}/part.${index}.${stream ? 'arrows' : 'arrow'}`;
    writeWhole(path, tableToIPC(t, stream ? 'stream' : 'file'), storage);
    return [path];
  },
  writeJson: (t: Table, dir: string, index: number, storage?: StorageOptions): string[] => {
    const path = `${dir}/part.${index}.json`;
    writeWhole(path, toJsonLines(recordsOf(colsOf(t), t.numRows)), storage);
    return [path];
  },
  /** The paths the write tasks wrote, in partition order. */
  collect: (...lists: string[][]): string[] => lists.flat(),
  checkPart,
  firstOf: (values: readonly unknown[]): unknown => values[0],
});
