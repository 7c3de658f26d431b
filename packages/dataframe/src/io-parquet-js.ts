// The Parquet reader's fast path: one partition's columns read in JavaScript. Policy: the footer
// (parsed once per file while its bytes are unchanged) says where each projected column chunk of
// each chosen row group lies; only those byte ranges are
// read (in a store, neighbours closer than GAP bytes in one read, so it sees few requests; a local
// file is read chunk by chunk, as a read there costs only its bytes), and each chunk
// is decoded straight into a kernel column (io-parquet-chunk.ts). A file this path cannot read
// (nested or repeated columns, codecs other than snappy, unusual encodings or types) throws
// `Unsupported` before anything is decoded or on the first page that needs it; the caller then
// reads the part with parquet-wasm.
import { parquetMetadata, type FileMetaData, type SchemaElement } from 'hyparquet';
import { concatCols, emptyCol, type Col } from './columns.js';
import type { DType } from './dtypes.js';
import { isS3, readRange, readRangesInto, type StorageOptions } from '@dask-ts/graph/fs';
import { decodeChunk, type ChunkSpec } from './io-parquet-chunk.js';
import { decodeChunkRows } from './io-parquet-rows.js';
import { selectWhere, type DictTest } from './io-parquet-where.js';
import { Unsupported } from './io-parquet-pages.js';

/** In a store, byte gaps up to this are read rather than skipped, to merge neighbouring reads. */
const GAP = 1 << 19;

const CODECS = new Set(['UNCOMPRESSED', 'SNAPPY']);
const ENCODINGS = new Set(['PLAIN', 'PLAIN_DICTIONARY', 'RLE', 'RLE_DICTIONARY']);

/** The file's top-level leaf columns by name (nested groups are left out). */
function leaves(md: FileMetaData): Map<string, SchemaElement> {
  const out = new Map<string, SchemaElement>();
  const s = md.schema;
  let i = 1;
  const skip = (): void => {
    const el = s[i++];
    for (let c = 0; c < (el.num_children ?? 0); c++) skip();
  };
  for (let c = 0; c < (s[0]?.num_children ?? 0); c++) {
    const el = s[i];
    if ((el.num_children ?? 0) === 0) {
      out.set(el.name, el);
      i++;
    } else skip();
  }
  return out;
}

/** What to divide a stored value by to get the target; throws when the pair is not read here. */
function divisorOf(el: SchemaElement, target: DType): number {
  const p = el.type;
  const lt = el.logical_type;
  const ct = el.converted_type;
  const unsigned =
    (lt?.type === 'INTEGER' && !lt.isSigned) || (ct !== undefined && ct.startsWith('UINT'));
  const special =
    unsigned ||
    (lt !== undefined && lt.type !== 'INTEGER' && lt.type !== 'STRING') ||
    (ct !== undefined && !ct.startsWith('INT_') && ct !== 'UTF8');
  switch (target) {
    case 'float64':
      if ((p === 'DOUBLE' || p === 'FLOAT' || p === 'INT32' || p === 'INT64') && !special) return 1;
      break;
    case 'int32':
      if (p === 'INT32' && !special) return 1;
      break;
    case 'date32':
      if (p === 'INT32' && (lt?.type === 'DATE' || ct === 'DATE')) return 1;
      break;
    case 'timestamp':
      if (p === 'INT64' && lt?.type === 'TIMESTAMP')
        return lt.unit === 'MILLIS' ? 1 : lt.unit === 'MICROS' ? 1e3 : 1e6;
      if (p === 'INT64' && ct === 'TIMESTAMP_MILLIS') return 1;
      if (p === 'INT64' && ct === 'TIMESTAMP_MICROS') return 1e3;
      break;
    case 'bool':
      if (p === 'BOOLEAN') return 1;
      break;
    case 'utf8':
    case 'category':
      if (p === 'BYTE_ARRAY') return 1;
      break;
  }
  throw new Unsupported(`${p} as ${target}`);
}

/** Footers parsed lately (a file's row groups are read by several tasks in one worker). */
const footers = new Map<string, { readonly bytes: Uint8Array; readonly md: FileMetaData }>();
const FOOTERS = 32;

/** Whether two byte arrays are equal (a native comparison: footers run to tens of kilobytes). */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length &&
  Buffer.from(a.buffer, a.byteOffset, a.length).equals(
    Buffer.from(b.buffer, b.byteOffset, b.length),
  );

/** A local footer read to be compared with the one parsed before lands here (reused). */
let tailScratch = new Uint8Array(0);

/** The file's footer, parsed once while its bytes stay the same. */
function footerOf(
  path: string,
  range: readonly [number, number],
  so: StorageOptions | undefined,
): FileMetaData {
  const key = `${path}\0${range[0]}\0${range[1]}`;
  const hit = footers.get(key);
  if (hit !== undefined && !isS3(path)) {
    const len = range[1] - range[0];
    if (tailScratch.length < len) tailScratch = new Uint8Array(len);
    const view = tailScratch.subarray(0, len);
    const [got] = readRangesInto(path, [[range[0], view]], so);
    if (sameBytes(hit.bytes, view.subarray(0, got))) return hit.md;
  }
  const tail = readRange(path, range[0], range[1], so);
  if (hit !== undefined && sameBytes(hit.bytes, tail)) return hit.md;
  const md = parquetMetadata(tail);
  footers.delete(key);
  if (footers.size >= FOOTERS) footers.delete(footers.keys().next().value!);
  footers.set(key, { bytes: tail, md });
  return md;
}

interface Planned {
  readonly spec: ChunkSpec;
  readonly start: number;
  readonly end: number;
}

/**
 * A local file's ranges are read into this buffer, reused call after call in this thread: memory
 * that is fresh costs more to fill (the OS maps it page by page) than reading the file from the
 * page cache does. Reads larger than SCRATCH_MAX get a buffer of their own.
 */
let scratch = new Uint8Array(0);
const SCRATCH_MAX = 64 << 20;

/**
 * Reads byte ranges (in a store, merging close ones); gives each range's bytes in the order
 * given. A local file's bytes are views of `scratch`: valid until the next call in this thread,
 * so callers decode them before they return (and keep no view of them).
 */
function readRanges(
  path: string,
  ranges: readonly { readonly start: number; readonly end: number }[],
  so: StorageOptions | undefined,
): Uint8Array[] {
  const store = isS3(path);
  const gap = store ? GAP : 0;
  const order = ranges.map((_, i) => i).sort((a, b) => ranges[a].start - ranges[b].start);
  const groups: [from: number, to: number, first: number, end: number][] = [];
  let total = 0;
  let k = 0;
  while (k < order.length) {
    const from = ranges[order[k]].start;
    let to = ranges[order[k]].end;
    let m = k + 1;
    while (m < order.length && ranges[order[m]].start - to <= gap) {
      to = Math.max(to, ranges[order[m]].end);
      m++;
    }
    groups.push([from, to, k, m]);
    total += to - from;
    k = m;
  }
  let buf: Uint8Array | undefined;
  if (!store) {
    if (total > SCRATCH_MAX) buf = new Uint8Array(total);
    else {
      if (scratch.length < total)
        scratch = new Uint8Array(Math.min(SCRATCH_MAX, Math.ceil(total * 1.25)));
      buf = scratch;
    }
  }
  let whole: Uint8Array[];
  if (buf === undefined) whole = groups.map(([from, to]) => readRange(path, from, to, so));
  else {
    let at = 0;
    const reads = groups.map(([from, to]): [number, Uint8Array] => {
      at += to - from;
      return [from, buf.subarray(at - (to - from), at)];
    });
    const got = readRangesInto(path, reads, so);
    whole = reads.map(([, b], g) => b.subarray(0, got[g]));
  }
  const out: Uint8Array[] = new Array<Uint8Array>(ranges.length);
  groups.forEach(([from, to, first, end], g) => {
    const bytes = whole[g];
    if (bytes.length < to - from) throw new Error(`the file ends before byte ${to}`);
    for (let j = first; j < end; j++) {
      const r = ranges[order[j]];
      out[order[j]] = bytes.subarray(r.start - from, r.end - from);
    }
  });
  return out;
}

/** Where column `name` of row group `rg` (of `n` rows) lies, and how to decode it. */
function planChunk(
  rg: FileMetaData['row_groups'][number],
  byName: ReadonlyMap<string, SchemaElement>,
  name: string,
  type: DType,
  n: number,
): Planned {
  const el = byName.get(name);
  const cc = rg.columns.find(
    (c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name,
  );
  const m = cc?.meta_data;
  if (el === undefined || m === undefined || cc?.file_path !== undefined)
    throw new Unsupported(`column '${name}'`);
  if (el.repetition_type === 'REPEATED') throw new Unsupported('a repeated column');
  if (!CODECS.has(m.codec)) throw new Unsupported(`codec ${m.codec}`);
  for (const e of m.encodings) if (!ENCODINGS.has(e)) throw new Unsupported(`encoding ${e}`);
  if (Number(m.num_values) !== n) throw new Unsupported('values and rows differ');
  const spec: ChunkSpec = {
    physical: m.type,
    codec: m.codec,
    optional: el.repetition_type === 'OPTIONAL',
    values: n,
    target: type,
    divisor: divisorOf(el, type),
    uncompressed: Number(m.total_uncompressed_size),
  };
  const dict = m.dictionary_page_offset === undefined ? 0 : Number(m.dictionary_page_offset);
  const data = Number(m.data_page_offset);
  const start = dict > 0 ? Math.min(dict, data) : data;
  return { spec, start, end: start + Number(m.total_compressed_size) };
}

/**
 * Columns `names` (typed `types`) of row groups `rowGroups` of a Parquet file, and the row count,
 * read in JavaScript. `footer` is the file's footer byte range. With `sel` (sorted row indices
 * counted across those row groups), only those rows are read. @internal
 */
export function readColumnsJs(
  path: string,
  footer: readonly [number, number],
  rowGroups: readonly number[],
  names: readonly string[],
  types: readonly DType[],
  so: StorageOptions | undefined,
  sel?: Int32Array,
): [Map<string, Col>, number] {
  const md = footerOf(path, footer, so);
  const byName = leaves(md);
  const plans: Planned[][] = [];
  /** Each planned group's kept rows (counted from its first row), when `sel` is given. */
  const picks: Int32Array[] = [];
  let rows = 0;
  let cursor = 0;
  for (const g of rowGroups) {
    const rg = md.row_groups[g];
    if (rg === undefined) throw new Error(`the footer has no row group ${g}`);
    const n = Number(rg.num_rows);
    const base = rows;
    rows += n;
    if (sel !== undefined) {
      // The kept rows in this group; a group with none is not read at all.
      const from = cursor;
      while (cursor < sel.length && sel[cursor] < rows) cursor++;
      if (cursor === from) continue;
      const pick = sel.slice(from, cursor);
      if (base > 0) for (let k = 0; k < pick.length; k++) pick[k] -= base;
      picks.push(pick);
    }
    plans.push(names.map((name, k) => planChunk(rg, byName, name, types[k], n)));
  }
  const bytes = readRanges(path, plans.flat(), so);
  const out = new Map<string, Col>();
  names.forEach((name, k) => {
    const parts = plans.map((p, g) =>
      sel === undefined
        ? decodeChunk(bytes[g * names.length + k], p[k].spec)
        : decodeChunkRows(bytes[g * names.length + k], p[k].spec, picks[g]),
    );
    out.set(name, parts.length === 0 ? emptyCol(types[k]) : concatCols(parts, types[k]));
  });
  return [out, sel === undefined ? rows : sel.length];
}

/**
 * The rows (counted across row groups `rowGroups`) of column `name` (typed `type`) whose value
 * passes `keep`, which is asked once per dictionary (io-parquet-where.ts). Throws `Unsupported`
 * where the column is not dictionary-encoded throughout, without nulls. @internal
 */
export function selectRowsJs(
  path: string,
  footer: readonly [number, number],
  rowGroups: readonly number[],
  name: string,
  type: DType,
  so: StorageOptions | undefined,
  keep: DictTest,
): Int32Array {
  const md = footerOf(path, footer, so);
  const byName = leaves(md);
  const plans: Planned[] = [];
  const bases: number[] = [];
  let rows = 0;
  for (const g of rowGroups) {
    const rg = md.row_groups[g];
    if (rg === undefined) throw new Error(`the footer has no row group ${g}`);
    const n = Number(rg.num_rows);
    plans.push(planChunk(rg, byName, name, type, n));
    bases.push(rows);
    rows += n;
  }
  const bytes = readRanges(path, plans, so);
  const parts = plans.map((p, g) => selectWhere(bytes[g], p.spec, keep, bases[g]));
  if (parts.length === 1) return parts[0];
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
