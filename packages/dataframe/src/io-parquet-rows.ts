// Some rows of one Parquet column chunk, decoded without decoding the others: the reader's late
// materialization (io-parquet-late.ts) reads a filter's columns whole, then only the kept rows of
// the other columns. Policy: where at most half the chunk's rows are kept, a number column (PLAIN
// or dictionary pages) is decoded row by row from the kept rows: a data page none of whose rows is
// kept is skipped undecompressed, a kept row in a bit-packed run of dictionary indices is read
// where it lies (its bit offset is its position times the width) and an RLE run is looked up once;
// a page that holds nulls is decoded whole and its kept rows picked. Other columns (strings,
// booleans) are decoded whole and the kept rows taken, which is what reading them before filtering
// cost; a number column decoded whole only to be gathered from goes into a buffer the thread
// reuses, not fresh memory. A category column is read row by row as its codes (each file index
// mapped to its sorted category once, at the dictionary page), unless a PLAIN page turns up (an
// overflowing dictionary): then it too is decoded whole.
import type { Col, Utf8Col } from './columns.js';
import { normalizeCategory } from './columns-cat.js';
import { take } from './take.js';
import {
  decodeChunk,
  plainNumbers,
  sortedDict,
  stringDict,
  type ChunkSpec,
} from './io-parquet-chunk.js';
import { pageHeader } from './io-parquet-header.js';
import {
  ENC,
  PAGE,
  Unsupported,
  dictIndices,
  dictionaryBytes,
  pageBytes,
  pageLevels,
} from './io-parquet-pages.js';
import { pastDict, runHeader, runValue, slowValue } from './io-parquet-gather.js';
import { checkIndex } from './io-parquet-indices.js';

type Out = Float64Array | Int32Array;

/**
 * Above one kept row in DENSE, a chunk is decoded whole and its kept rows taken (measured on
 * TPC-H's lineitem: reading each of 98% of the rows where it lies took twice as long).
 */
const DENSE = 2;

/**
 * `out[c] = dict[index of row sel[c] - base]` for `c` in `[from, to)`, the rows lying among the
 * `count` indices of bit width `width` held by the hybrid in `b[pos, end)`. One function per array
 * type, as io-parquet-gather.ts's.
 */
function selectF64(
  b: Uint8Array,
  pos: number,
  end: number,
  width: number,
  dict: Float64Array,
  out: Float64Array,
  sel: Int32Array,
  from: number,
  to: number,
  base: number,
): void {
  const m = dict.length;
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const mask = width >= 32 ? -1 : (1 << width) - 1;
  const safe = end - 4;
  let i = 0;
  let c = from;
  while (c < to) {
    const [h, at] = runHeader(b, pos, end);
    pos = at;
    if (h % 2 === 0) {
      const v = runValue(b, pos, end, width);
      pos += (width + 7) >> 3;
      const e = i + h / 2;
      if (c < to && sel[c] - base < e) {
        if (v >= m) throw pastDict(v, m);
        const x = dict[v];
        while (c < to && sel[c] - base < e) out[c++] = x;
      }
      i = e;
      continue;
    }
    const groups = (h - 1) / 2;
    if (pos + groups * width > end) throw new Error('a run of dictionary indices ends early');
    const lim = i + groups * 8;
    while (c < to && sel[c] - base < lim) {
      const k = sel[c] - base - i;
      const bit = k * width;
      const p = pos + (bit >>> 3);
      const v =
        width <= 25 && p <= safe
          ? (dv.getInt32(p, true) >>> (bit & 7)) & mask
          : slowValue(b, pos, k, width);
      if (v >= m) throw pastDict(v, m);
      out[c++] = dict[v];
    }
    i = lim;
    pos += groups * width;
  }
}

/** {@link selectF64} for int32 values. */
function selectI32(
  b: Uint8Array,
  pos: number,
  end: number,
  width: number,
  dict: Int32Array,
  out: Int32Array,
  sel: Int32Array,
  from: number,
  to: number,
  base: number,
): void {
  const m = dict.length;
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const mask = width >= 32 ? -1 : (1 << width) - 1;
  const safe = end - 4;
  let i = 0;
  let c = from;
  while (c < to) {
    const [h, at] = runHeader(b, pos, end);
    pos = at;
    if (h % 2 === 0) {
      const v = runValue(b, pos, end, width);
      pos += (width + 7) >> 3;
      const e = i + h / 2;
      if (c < to && sel[c] - base < e) {
        if (v >= m) throw pastDict(v, m);
        const x = dict[v];
        while (c < to && sel[c] - base < e) out[c++] = x;
      }
      i = e;
      continue;
    }
    const groups = (h - 1) / 2;
    if (pos + groups * width > end) throw new Error('a run of dictionary indices ends early');
    const lim = i + groups * 8;
    while (c < to && sel[c] - base < lim) {
      const k = sel[c] - base - i;
      const bit = k * width;
      const p = pos + (bit >>> 3);
      const v =
        width <= 25 && p <= safe
          ? (dv.getInt32(p, true) >>> (bit & 7)) & mask
          : slowValue(b, pos, k, width);
      if (v >= m) throw pastDict(v, m);
      out[c++] = dict[v];
    }
    i = lim;
    pos += groups * width;
  }
}

/** Whether rows of this chunk can be decoded one by one (numbers). */
function rowWise(s: ChunkSpec): boolean {
  const t = s.target;
  return (
    s.physical !== 'BOOLEAN' &&
    s.physical !== 'BYTE_ARRAY' &&
    (t === 'float64' || t === 'timestamp' || t === 'int32' || t === 'date32')
  );
}

/**
 * A dictionary page's numbers in the output's array type (a copy only when the types differ).
 * @internal
 */
export function dictOf(page: Uint8Array, count: number, s: ChunkSpec, f64: boolean): Out {
  const d = plainNumbers(page, 0, count, s);
  if (f64) return d instanceof Float64Array ? d : Float64Array.from(d);
  return d instanceof Int32Array ? d : Int32Array.from(d);
}

/**
 * Rows `sel` (sorted, distinct, within `[0, s.values)`) of the column held in one column chunk's
 * bytes, decoded as `s` says. Throws `Unsupported` for what only parquet-wasm reads. @internal
 */
export function decodeChunkRows(b: Uint8Array, s: ChunkSpec, sel: Int32Array): Col {
  const cat = s.target === 'category' && s.physical === 'BYTE_ARRAY';
  // Most rows kept: one pass over every row and a gather beat finding each kept row's value.
  if ((!rowWise(s) && !cat) || sel.length * DENSE > s.values)
    return take(decodeChunk(b, s, true), sel);
  try {
    return rowsOf(b, s, sel, cat);
  } catch (err) {
    if (err instanceof NotRowWise) return take(decodeChunk(b, s, true), sel);
    throw err;
  }
}

/** A category chunk with a PLAIN page (its dictionary overflowed): decoded whole instead. */
class NotRowWise extends Error {}

/** {@link decodeChunkRows} row by row: numbers, or a category's codes (`cat`). */
function rowsOf(b: Uint8Array, s: ChunkSpec, sel: Int32Array, cat: boolean): Col {
  const n = s.values;
  const m = sel.length;
  const f64 = s.target === 'float64' || s.target === 'timestamp';
  const out: Out = f64 ? new Float64Array(m) : new Int32Array(m);
  /** Numbers: the dictionary's values; a category: each file index's code. */
  let dict: Out | undefined;
  let cats: Utf8Col | undefined;
  /** Set once a page with nulls comes up (a bit per kept row). */
  let valid: Uint8Array | undefined;
  let nulls = 0;
  let pos = 0;
  let row = 0;
  let c = 0;
  while (c < m) {
    if (row >= n || pos >= b.length)
      throw new Error(`the column chunk ends after ${row} of ${n} values`);
    const [h, start] = pageHeader(b, pos);
    const raw = b.subarray(start, start + h.compressed);
    pos = start + h.compressed;
    if (h.type === PAGE.DICTIONARY) {
      if (h.encoding !== ENC.PLAIN && h.encoding !== ENC.PLAIN_DICTIONARY)
        throw new Unsupported(`dictionary encoding ${h.encoding}`);
      const bytes = dictionaryBytes(raw, s.codec, h.uncompressed);
      if (cat) [cats, dict] = categoryCodes(bytes, h.count);
      else dict = dictOf(bytes, h.count, s, f64);
      continue;
    }
    if (h.type !== PAGE.DATA && h.type !== PAGE.DATA_V2) continue;
    const rows = Math.min(h.count, n - row);
    let to = c;
    while (to < m && sel[to] < row + rows) to++;
    const byDict = h.encoding === ENC.RLE_DICTIONARY || h.encoding === ENC.PLAIN_DICTIONARY;
    if (cat && !byDict) throw new NotRowWise();
    if (to > c) {
      const page = pageBytes(raw, h, s.codec);
      const [levels, at] = pageLevels(page, h, s.optional);
      if (levels !== undefined) {
        valid ??= new Uint8Array((m + 7) >> 3).fill(0xff);
        nulls += withNulls(
          page,
          at,
          h.encoding,
          levels,
          rows,
          dict,
          s,
          out,
          valid,
          sel,
          c,
          to,
          row,
        );
      } else if (byDict) {
        if (dict === undefined)
          throw new Error('a dictionary-encoded page comes before any dictionary');
        const w = page[at];
        if (out instanceof Float64Array)
          selectF64(page, at + 1, page.length, w, dict as Float64Array, out, sel, c, to, row);
        else selectI32(page, at + 1, page.length, w, dict as Int32Array, out, sel, c, to, row);
      } else if (h.encoding === ENC.PLAIN) {
        const vals = plainNumbers(page, at, rows, s);
        for (let k = c; k < to; k++) out[k] = vals[sel[k] - row];
      } else throw new Unsupported(`encoding ${h.encoding}`);
      c = to;
    }
    row += rows;
  }
  if (nulls === 0) valid = undefined;
  else if ((m & 7) !== 0) valid![m >> 3] &= (1 << (m & 7)) - 1;
  if (cat) {
    const d = cats ?? stringDict(new Uint8Array(0), 0);
    return normalizeCategory({
      type: 'category',
      length: m,
      values: out as Int32Array,
      dict: d,
      valid,
    });
  }
  return { type: s.target, length: m, values: out, valid } as Col;
}

/** A category's dictionary page: its categories (sorted) and each file index's code. */
function categoryCodes(page: Uint8Array, count: number): [Utf8Col, Int32Array] {
  const [cats, map] = sortedDict(stringDict(page, count));
  if (map !== undefined) return [cats, map];
  const iota = new Int32Array(count);
  for (let i = 0; i < count; i++) iota[i] = i;
  return [cats, iota];
}

/**
 * Kept rows `sel[from, to)` of a data page with nulls (`levels`: 1 where a row has a value): the
 * page's values are decoded whole (there is no finding a row's value without counting the
 * levels before it), then each kept row takes its value or is marked null in `valid`. Returns
 * how many kept rows are null.
 */
function withNulls(
  page: Uint8Array,
  at: number,
  encoding: number,
  levels: Uint8Array,
  rows: number,
  dict: Out | undefined,
  s: ChunkSpec,
  out: Out,
  valid: Uint8Array,
  sel: Int32Array,
  from: number,
  to: number,
  row: number,
): number {
  let k = 0;
  for (let i = 0; i < rows; i++) k += levels[i];
  let vals: ArrayLike<number>;
  let idx: Int32Array | undefined;
  if (encoding === ENC.RLE_DICTIONARY || encoding === ENC.PLAIN_DICTIONARY) {
    if (dict === undefined)
      throw new Error('a dictionary-encoded page comes before any dictionary');
    const [ix, max] = dictIndices(page, at, k);
    checkIndex(max, dict.length);
    idx = ix;
    vals = dict;
  } else if (encoding === ENC.PLAIN) vals = plainNumbers(page, at, k, s);
  else throw new Unsupported(`encoding ${encoding}`);
  let j = 0;
  let c = from;
  let nulls = 0;
  for (let i = 0; i < rows && c < to; i++) {
    if (sel[c] - row === i) {
      if (levels[i] === 1) out[c] = vals[idx === undefined ? j : idx[j]];
      else {
        valid[c >> 3] &= ~(1 << (c & 7));
        nulls++;
      }
      c++;
    }
    j += levels[i];
  }
  return nulls;
}
