// A filter on one dictionary-encoded column (numbers, strings or categories), evaluated on the
// dictionary instead of the rows: the late reader (io-parquet-late.ts) asks which dictionary
// entries pass (once per column chunk, a few thousand values at most where dictionary encoding
// pays), then walks the data pages' indices and writes the rows whose entry passes, without
// decoding a value per row. Policy: only chunks whose data pages are all dictionary-encoded and
// hold no nulls are read here; anything else throws `Unsupported` before a row is written, and
// the caller decodes the column instead.
import type { Col } from './columns.js';
import { stringDict, type ChunkSpec } from './io-parquet-chunk.js';
import { normalizeCategory } from './columns-cat.js';
import type { DType } from './dtypes.js';
import { pageHeader } from './io-parquet-header.js';
import {
  ENC,
  PAGE,
  Unsupported,
  dictionaryBytes,
  pageBytes,
  pageLevels,
} from './io-parquet-pages.js';
import { pastDict, runHeader, runValue, slowValue } from './io-parquet-gather.js';
import { dictOf } from './io-parquet-rows.js';

/**
 * Which entries of a dictionary (a column of its values) pass: 1 or 0 per entry. @internal
 */
export type DictTest = (dict: Col) => Uint8Array;

/**
 * Writes `first + i` into `out[j...]` for each of the `count` indices `i` of bit width `width`
 * (the hybrid in `b[pos, end)`) whose entry passes; returns the new `j`. `out` has a spare slot:
 * every row is written and the cursor moves past the passing ones only.
 */
function scan(
  b: Uint8Array,
  pos: number,
  end: number,
  width: number,
  pass: Uint8Array,
  out: Int32Array,
  j: number,
  first: number,
  count: number,
): number {
  const m = pass.length;
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const mask = width >= 32 ? -1 : (1 << width) - 1;
  const safe = end - 4;
  let i = 0;
  while (i < count) {
    const [h, at] = runHeader(b, pos, end);
    pos = at;
    if (h % 2 === 0) {
      const v = runValue(b, pos, end, width);
      pos += (width + 7) >> 3;
      const e = Math.min(count, i + h / 2);
      if (e > i && v >= m) throw pastDict(v, m);
      if (e > i && pass[v] === 1) for (let r = i; r < e; r++) out[j++] = first + r;
      i = e;
      continue;
    }
    const groups = (h - 1) / 2;
    const n = Math.min(count - i, groups * 8);
    if (pos + groups * width > end) throw new Error('a run of dictionary indices ends early');
    const o = first + i;
    let k = 0;
    if (width <= 25)
      for (; k < n; k++) {
        const bit = k * width;
        const p = pos + (bit >>> 3);
        if (p > safe) break;
        const v = (dv.getInt32(p, true) >>> (bit & 7)) & mask;
        if (v >= m) throw pastDict(v, m);
        out[j] = o + k;
        j += pass[v];
      }
    for (; k < n; k++) {
      const v = slowValue(b, pos, k, width);
      if (v >= m) throw pastDict(v, m);
      out[j] = o + k;
      j += pass[v];
    }
    i += n;
    pos += groups * width;
  }
  return j;
}

/** A dictionary page's numbers as a column of the target type, an entry per row. */
function numberEntries(page: Uint8Array, count: number, s: ChunkSpec, f64: boolean): Col {
  const d = dictOf(page, count, s, f64);
  return { type: s.target, length: d.length, values: d } as Col;
}

/**
 * A dictionary page's strings as a column, an entry per row: utf8, or a category whose row `i`
 * is entry `i` (its categories sorted, as every category column keeps them).
 */
function stringEntries(page: Uint8Array, count: number, t: DType): Col {
  const d = stringDict(page, count);
  if (t === 'utf8') return d;
  const iota = new Int32Array(count);
  for (let i = 0; i < count; i++) iota[i] = i;
  return normalizeCategory({ type: 'category', length: count, values: iota, dict: d });
}

/**
 * The rows (plus `base`) of one column chunk whose dictionary entry passes `keep`. Throws
 * `Unsupported` for a chunk that is not a number column dictionary-encoded throughout, without
 * nulls. @internal
 */
export function selectWhere(b: Uint8Array, s: ChunkSpec, keep: DictTest, base: number): Int32Array {
  const t = s.target;
  const strings = s.physical === 'BYTE_ARRAY';
  if (
    strings
      ? t !== 'utf8' && t !== 'category'
      : (t !== 'float64' && t !== 'int32' && t !== 'date32' && t !== 'timestamp') ||
        s.physical === 'BOOLEAN'
  )
    throw new Unsupported(`a ${t} column`);
  const f64 = t === 'float64' || t === 'timestamp';
  const n = s.values;
  const out = new Int32Array(n + 1);
  let pass: Uint8Array | undefined;
  let pos = 0;
  let row = 0;
  let j = 0;
  while (row < n) {
    if (pos >= b.length) throw new Error(`the column chunk ends after ${row} of ${n} values`);
    const [h, start] = pageHeader(b, pos);
    const raw = b.subarray(start, start + h.compressed);
    pos = start + h.compressed;
    if (h.type === PAGE.DICTIONARY) {
      if (h.encoding !== ENC.PLAIN && h.encoding !== ENC.PLAIN_DICTIONARY)
        throw new Unsupported(`dictionary encoding ${h.encoding}`);
      const bytes = dictionaryBytes(raw, s.codec, h.uncompressed);
      pass = keep(
        strings ? stringEntries(bytes, h.count, t) : numberEntries(bytes, h.count, s, f64),
      );
      continue;
    }
    if (h.type !== PAGE.DATA && h.type !== PAGE.DATA_V2) continue;
    if (h.encoding !== ENC.RLE_DICTIONARY && h.encoding !== ENC.PLAIN_DICTIONARY)
      throw new Unsupported('a page not dictionary-encoded');
    if (pass === undefined)
      throw new Error('a dictionary-encoded page comes before any dictionary');
    const rows = Math.min(h.count, n - row);
    const page = pageBytes(raw, h, s.codec);
    const [levels, at] = pageLevels(page, h, s.optional);
    if (levels !== undefined) throw new Unsupported('a page with nulls');
    if (rows > 0) j = scan(page, at + 1, page.length, page[at], pass, out, j, base + row, rows);
    row += rows;
  }
  return out.subarray(0, j);
}
