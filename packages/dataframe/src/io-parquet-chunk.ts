// One Parquet column chunk decoded in JavaScript straight into a kernel column (no Arrow IPC, no
// copy of the other columns). Policy: flat columns (required or optional), PLAIN and dictionary
// encodings, data pages v1 and v2; numbers land in the dataframe's typed array as they are read,
// strings as offsets + bytes; a category column keeps the file's dictionary (sorted once, when the
// dictionary page arrives) and its indices, mapped to the sorted order as they are unpacked, as
// codes when every data page is dictionary-encoded. Anything else throws `Unsupported`
// (io-parquet-pages.ts) and the reader falls back to parquet-wasm.
import { normalizeCategory, encodeCategory } from './columns-cat.js';
import type { Col, Utf8Col } from './columns.js';
import { Bytes } from './io-parquet-bytes.js';
import type { DType } from './dtypes.js';
import {
  ENC,
  PAGE,
  Unsupported,
  dictionaryBytes,
  dictIndices,
  pageBytes,
  pageLevels,
  readHybrid,
} from './io-parquet-pages.js';
import { pageHeader } from './io-parquet-header.js';
import { checkIndex, readIndices } from './io-parquet-indices.js';
import { gatherDictF64, gatherDictI32 } from './io-parquet-gather.js';

/** How to decode one column chunk. @internal */
export interface ChunkSpec {
  /** Parquet's physical type ('INT32', 'DOUBLE', 'BYTE_ARRAY', ...). */
  readonly physical: string;
  readonly codec: string;
  readonly optional: boolean;
  /** Values in the chunk (its rows: the column is flat). */
  readonly values: number;
  readonly target: DType;
  /** INT64 timestamps: what to divide by for milliseconds. */
  readonly divisor: number;
  /** The chunk's uncompressed size (footer metadata): room enough for its PLAIN strings. */
  readonly uncompressed?: number;
}

type Numbers = Float64Array | Int32Array | Float32Array;

const aligned = (b: Uint8Array, at: number, size: number): boolean =>
  (b.byteOffset + at) % size === 0;

/** `k` PLAIN numbers at `b[at]` as a typed array (a view when aligned). @internal */
export function plainNumbers(b: Uint8Array, at: number, k: number, s: ChunkSpec): Numbers {
  const need = k * (s.physical === 'DOUBLE' || s.physical === 'INT64' ? 8 : 4);
  if (at + need > b.length) throw new Error(`a page holds fewer than ${k} values`);
  const src = (size: number): [ArrayBufferLike, number] =>
    aligned(b, at, size) ? [b.buffer, b.byteOffset + at] : [b.slice(at, at + need).buffer, 0];
  switch (s.physical) {
    case 'DOUBLE':
      return new Float64Array(...src(8), k);
    case 'FLOAT':
      return new Float32Array(...src(4), k);
    case 'INT32':
      return new Int32Array(...src(4), k);
    case 'INT64': {
      const w = new Int32Array(...src(4), 2 * k);
      const out = new Float64Array(k);
      const d = s.divisor;
      for (let i = 0; i < k; i++) out[i] = ((w[2 * i] >>> 0) + w[2 * i + 1] * 4294967296) / d;
      return out;
    }
  }
  throw new Unsupported(`physical type ${s.physical}`);
}

/** `k` PLAIN booleans (bits, least significant first) at `b[at]`. */
function plainBools(b: Uint8Array, at: number, k: number): Uint8Array {
  const out = new Uint8Array(k);
  for (let i = 0; i < k; i++) out[i] = (b[at + (i >> 3)] >> (i & 7)) & 1;
  return out;
}

/** Writes `src` (the page's non-null values) into `out` from row `row`, skipping null levels. */
function scatter(
  out: Numbers | Uint8Array,
  src: ArrayLike<number>,
  row: number,
  levels: Uint8Array | undefined,
  n: number,
): void {
  if (levels === undefined) {
    for (let i = 0; i < n; i++) out[row + i] = src[i];
    return;
  }
  let j = 0;
  for (let i = 0; i < n; i++) if (levels[i] === 1) out[row + i] = src[j++];
}

/** A dictionary page of PLAIN byte arrays as a utf8 column. @internal */
export function stringDict(b: Uint8Array, count: number): Utf8Col {
  const s = new Bytes(count, b.length);
  s.plain(b, 0, 0, undefined, count);
  return s.col(count, undefined);
}

/** Where a chunk's values go: the target's typed array, strings, or category codes. */
interface Sink {
  dictionary(page: Uint8Array, count: number): void;
  /** `idx`: the non-null rows' indices, `max` the largest (-1: none). */
  fromDict(
    idx: Int32Array,
    max: number,
    row: number,
    levels: Uint8Array | undefined,
    n: number,
  ): void;
  plain(
    page: Uint8Array,
    at: number,
    k: number,
    row: number,
    levels: Uint8Array | undefined,
    n: number,
  ): void;
  /**
   * Rows `[row, row + n)`, none null, from the dictionary indices at `page[at]` (bit width byte,
   * then the hybrid), decoded straight into the column; false when this sink cannot.
   */
  direct(page: Uint8Array, at: number, row: number, n: number): boolean;
  finish(valid: Uint8Array | undefined): Col;
}

/**
 * The buffer this thread decodes into when the column is only read to be gathered from (see
 * `decodeChunk`); chunks past SCRATCH_MAX bytes get their own.
 */
let scratch = new ArrayBuffer(0);
const SCRATCH_MAX = 16 << 20;

/** `n` zeroed elements of the scratch buffer, or undefined when they would not fit in it. */
function scratchOf<T extends Float64Array | Int32Array>(
  make: new (b: ArrayBuffer, at: number, n: number) => T,
  n: number,
  size: number,
): T | undefined {
  if (n * size > SCRATCH_MAX) return undefined;
  if (scratch.byteLength < n * size)
    scratch = new ArrayBuffer(Math.min(SCRATCH_MAX, Math.max(n * size, scratch.byteLength * 2)));
  const out = new make(scratch, 0, n);
  out.fill(0);
  return out;
}

function numberSink(s: ChunkSpec, reuse: boolean): Sink {
  const n = s.values;
  const t = s.target;
  const out: Numbers | Uint8Array =
    t === 'float64' || t === 'timestamp'
      ? ((reuse ? scratchOf(Float64Array, n, 8) : undefined) ?? new Float64Array(n))
      : t === 'bool'
        ? new Uint8Array(n)
        : ((reuse ? scratchOf(Int32Array, n, 4) : undefined) ?? new Int32Array(n));
  let dict: ArrayLike<number> | undefined;
  return {
    dictionary(page, count) {
      dict =
        s.physical === 'BOOLEAN' ? plainBools(page, 0, count) : plainNumbers(page, 0, count, s);
    },
    fromDict(idx, max, row, levels, k) {
      if (dict === undefined)
        throw new Error('a dictionary-encoded page comes before any dictionary');
      const d = dict;
      checkIndex(max, d.length);
      let j = 0;
      for (let i = 0; i < k; i++) {
        if (levels !== undefined && levels[i] !== 1) continue;
        out[row + i] = d[idx[j++]];
      }
    },
    direct(page, at, row, k) {
      if (dict === undefined || k === 0) return false;
      if (out instanceof Float64Array && dict instanceof Float64Array)
        gatherDictF64(page, at + 1, page.length, page[at], dict, out, row, k);
      else if (out instanceof Int32Array && dict instanceof Int32Array)
        gatherDictI32(page, at + 1, page.length, page[at], dict, out, row, k);
      else return false;
      return true;
    },
    plain(page, at, k, row, levels, rows) {
      const src = s.physical === 'BOOLEAN' ? plainBools(page, at, k) : plainNumbers(page, at, k, s);
      scatter(out, src, row, levels, rows);
    },
    finish(valid) {
      return { type: t, length: n, values: out, valid } as Col;
    },
  };
}

/**
 * A category column's dictionary sorted (as category columns keep theirs), and each file index's
 * code in it; no map when the file's dictionary is sorted already. @internal
 */
export function sortedDict(raw: Utf8Col): [Utf8Col, Int32Array | undefined] {
  const m = raw.length;
  const iota = new Int32Array(m);
  for (let i = 0; i < m; i++) iota[i] = i;
  const c = normalizeCategory({
    type: 'category',
    length: m,
    values: iota,
    dict: raw,
    valid: undefined,
  });
  return c.values === iota ? [raw, undefined] : [c.dict, c.values];
}

function stringSink(s: ChunkSpec, guess: number): Sink {
  const n = s.values;
  const asCategory = s.target === 'category';
  /** The file's dictionary, in file order (what data pages' indices point into). */
  let dict: Utf8Col | undefined;
  /** Categories: the dictionary the codes point into, and the file index -> code map. */
  let cats: Utf8Col | undefined;
  let map: Int32Array | undefined;
  let codes: Int32Array | undefined = asCategory ? new Int32Array(n) : undefined;
  let bytes: Bytes | undefined = asCategory ? undefined : new Bytes(n, guess);
  /** Leaves codes for strings (a PLAIN page among dictionary pages): replays the rows so far. */
  const toBytes = (row: number): Bytes => {
    if (bytes !== undefined) return bytes;
    const b = new Bytes(n, guess);
    if (row > 0 && cats !== undefined && codes !== undefined)
      b.fromDict(cats, codes.subarray(0, row), 0, undefined, row);
    bytes = b;
    codes = undefined;
    return b;
  };
  return {
    dictionary(page, count) {
      dict = stringDict(page, count);
      if (asCategory) [cats, map] = sortedDict(dict);
      // Strings from the dictionary: room for n of its average length, grown once rather than
      // doubling page after page.
      else bytes?.room(Math.ceil((dict.data.length / Math.max(1, count)) * n));
    },
    fromDict(idx, max, row, levels, k) {
      if (dict === undefined)
        throw new Error('a dictionary-encoded page comes before any dictionary');
      checkIndex(max, dict.length);
      if (codes === undefined) return toBytes(row).fromDict(dict, idx, row, levels, k);
      let j = 0;
      for (let i = 0; i < k; i++) {
        if (levels !== undefined && levels[i] !== 1) continue;
        const x = idx[j++];
        codes[row + i] = map === undefined ? x : map[x];
      }
    },
    direct(page, at, row, k) {
      if (codes === undefined || dict === undefined || k === 0) return false;
      if (map !== undefined) gatherDictI32(page, at + 1, page.length, page[at], map, codes, row, k);
      else {
        const max = readIndices(page, at + 1, page.length, page[at], codes.subarray(row), k);
        checkIndex(max, dict.length);
      }
      return true;
    },
    plain(page, at, _k, row, levels, k) {
      toBytes(row).plain(page, at, row, levels, k);
    },
    finish(valid) {
      if (codes !== undefined) {
        const d = cats ?? stringDict(new Uint8Array(0), 0);
        return normalizeCategory({ type: 'category', length: n, values: codes, dict: d, valid });
      }
      const u = (bytes ?? new Bytes(n, 0)).col(n, valid);
      return asCategory ? encodeCategory(u) : u;
    },
  };
}

/**
 * The column held in one column chunk's bytes (from its first page to its end), decoded as `s`
 * says. With `reuse`, a number column's values are this thread's scratch buffer, valid only until
 * the next such call: for a caller that gathers rows from it at once (late materialization), so
 * the whole chunk is never fresh memory. Throws `Unsupported` for what only parquet-wasm reads.
 * @internal
 */
export function decodeChunk(b: Uint8Array, s: ChunkSpec, reuse = false): Col {
  const n = s.values;
  const sink =
    s.physical === 'BYTE_ARRAY'
      ? stringSink(s, s.uncompressed ?? b.length * 2)
      : numberSink(s, reuse);
  let valid: Uint8Array | undefined = s.optional ? new Uint8Array((n + 7) >> 3) : undefined;
  let nulls = 0;
  let pos = 0;
  let row = 0;
  while (row < n) {
    if (pos >= b.length) throw new Error(`the column chunk ends after ${row} of ${n} values`);
    const [h, start] = pageHeader(b, pos);
    const raw = b.subarray(start, start + h.compressed);
    pos = start + h.compressed;
    if (h.type === PAGE.DICTIONARY) {
      if (h.encoding !== ENC.PLAIN && h.encoding !== ENC.PLAIN_DICTIONARY)
        throw new Unsupported(`dictionary encoding ${h.encoding}`);
      sink.dictionary(dictionaryBytes(raw, s.codec, h.uncompressed), h.count);
      continue;
    }
    if (h.type !== PAGE.DATA && h.type !== PAGE.DATA_V2) continue;
    const page = pageBytes(raw, h, s.codec);
    const rows = Math.min(h.count, n - row);
    const [levels, at] = pageLevels(page, h, s.optional);
    let k = rows;
    if (valid !== undefined && levels === undefined) setBits(valid, row, row + rows);
    else if (valid !== undefined && levels !== undefined) {
      k = 0;
      for (let i = 0; i < rows; i++) {
        if (levels[i] === 1) {
          const r = row + i;
          valid[r >> 3] |= 1 << (r & 7);
          k++;
        }
      }
      nulls += rows - k;
    }
    const lv = nulls > 0 ? levels : undefined;
    if (h.encoding === ENC.RLE_DICTIONARY || h.encoding === ENC.PLAIN_DICTIONARY) {
      if (lv !== undefined || !sink.direct(page, at, row, rows))
        sink.fromDict(...dictIndices(page, at, k), row, lv, rows);
    } else if (h.encoding === ENC.PLAIN) sink.plain(page, at, k, row, lv, rows);
    else if (h.encoding === ENC.RLE && s.physical === 'BOOLEAN') {
      const bits = new Uint8Array(k);
      const len = page[at] | (page[at + 1] << 8) | (page[at + 2] << 16) | (page[at + 3] << 24);
      readHybrid(page, at + 4, at + 4 + len, 1, bits, 0, k);
      scatterBools(sink, bits, row, lv, rows);
    } else throw new Unsupported(`encoding ${h.encoding}`);
    row += rows;
  }
  if (nulls === 0) valid = undefined;
  return sink.finish(valid);
}

/** Sets bits [from, to) of a bitmap. */
function setBits(bits: Uint8Array, from: number, to: number): void {
  let i = from;
  for (; i < to && (i & 7) !== 0; i++) bits[i >> 3] |= 1 << (i & 7);
  const full = (to - i) >> 3;
  if (full > 0) {
    bits.fill(0xff, i >> 3, (i >> 3) + full);
    i += full * 8;
  }
  for (; i < to; i++) bits[i >> 3] |= 1 << (i & 7);
}

/** RLE booleans through a number sink: re-encoded as PLAIN bits. */
function scatterBools(
  sink: Sink,
  bits: Uint8Array,
  row: number,
  levels: Uint8Array | undefined,
  n: number,
): void {
  const packed = new Uint8Array((bits.length + 7) >> 3);
  for (let i = 0; i < bits.length; i++) if (bits[i]) packed[i >> 3] |= 1 << (i & 7);
  sink.plain(packed, 0, bits.length, row, levels, n);
}
