// Parquet pages read in JavaScript, for the reader's fast path (io-parquet-chunk.ts): page headers
// (io-parquet-header.ts), snappy or no compression, and the RLE / bit-packed hybrid that
// holds definition levels, dictionary indices and RLE booleans. Policy: only what flat columns
// written by common writers use is here; anything else throws `Unsupported`, and the caller reads
// the whole part with parquet-wasm instead. Nothing here allocates per value.
import type { PageHeader } from './io-parquet-header.js';
import { snappyDecompress } from './io-snappy.js';
import { readIndices } from './io-parquet-indices.js';

/** A Parquet feature the JavaScript path does not read (the caller falls back). @internal */
export class Unsupported extends Error {}

/** Page types, encodings (Parquet's numbering). @internal */
export const PAGE = { DATA: 0, DICTIONARY: 2, DATA_V2: 3 } as const;
/** @internal */
export const ENC = { PLAIN: 0, PLAIN_DICTIONARY: 2, RLE: 3, RLE_DICTIONARY: 8 } as const;

/**
 * A dictionary page's `bytes` decompressed with `codec` ('UNCOMPRESSED' or 'SNAPPY') into `size`
 * bytes of scratch space kept apart from the data pages' and valid until the next dictionary page
 * (the chunk's decoding copies out what it keeps). @internal
 */
export function dictionaryBytes(bytes: Uint8Array, codec: string, size: number): Uint8Array {
  if (scratchDict.length < size) scratchDict = new Uint8Array(size * 1.5);
  return decompressTo(bytes, codec, scratchDict.subarray(0, size));
}

function decompressTo(bytes: Uint8Array, codec: string, out: Uint8Array): Uint8Array {
  if (codec === 'UNCOMPRESSED') return bytes;
  if (codec !== 'SNAPPY') throw new Unsupported(`codec ${codec}`);
  snappyDecompress(bytes, out);
  return out;
}

// Scratch space reused page after page (a page's bytes, levels and indices are dropped once the
// page is decoded into its column), so decoding a column allocates little besides the column.
let scratchBytes = new Uint8Array(1 << 16);
let scratchLevels = new Uint8Array(1 << 12);
let scratchIndices = new Int32Array(1 << 12);
let scratchDict = new Uint8Array(1 << 16);

function scratch(size: number): Uint8Array {
  if (scratchBytes.length < size) scratchBytes = new Uint8Array(size * 1.5);
  return scratchBytes.subarray(0, size);
}

function levelsOf(n: number): Uint8Array {
  if (scratchLevels.length < n) scratchLevels = new Uint8Array(n * 1.5);
  return scratchLevels.subarray(0, n);
}

/**
 * Decodes `count` values of the RLE / bit-packed hybrid of bit width `width` from `b[pos, end)`
 * into `out[at...]`; returns the position after the last run read. @internal
 */
export function readHybrid(
  b: Uint8Array,
  pos: number,
  end: number,
  width: number,
  out: Int32Array | Uint8Array,
  at: number,
  count: number,
): number {
  const stop = at + count;
  let i = at;
  const bytesW = (width + 7) >> 3;
  while (i < stop) {
    if (pos >= end) throw new Error('a run of levels or indices ends early');
    let h = 0;
    let mul = 1;
    for (;;) {
      const x = b[pos++];
      h += (x & 0x7f) * mul;
      if ((x & 0x80) === 0) break;
      mul *= 128;
    }
    if (h % 2 === 0) {
      const run = h / 2;
      let v = 0;
      for (let k = 0; k < bytesW; k++) v |= b[pos++] << (8 * k);
      const e = Math.min(stop, i + run);
      out.fill(v, i, e);
      i = e;
    } else {
      const groups = (h - 1) / 2;
      const n = Math.min(stop - i, groups * 8);
      if (width === 0) out.fill(0, i, i + n);
      else if (width <= 24) {
        const mask = (1 << width) - 1;
        let p = pos;
        let acc = 0;
        let bits = 0;
        for (let k = 0; k < n; k++) {
          while (bits < width) {
            acc |= b[p++] << bits;
            bits += 8;
          }
          out[i + k] = acc & mask;
          acc >>>= width;
          bits -= width;
        }
      } else {
        for (let k = 0; k < n; k++) {
          let v = 0;
          const bit0 = k * width;
          for (let j = 0; j < width; j++) {
            const bit = bit0 + j;
            if ((b[pos + (bit >> 3)] >> (bit & 7)) & 1) v += 2 ** j;
          }
          out[i + k] = v;
        }
      }
      i += n;
      pos += groups * width;
    }
  }
  return pos;
}

/** Whether hybrid-encoded levels in `b[pos, end)` start with one run of 1s covering `count`. */
function allOnes(b: Uint8Array, pos: number, end: number, count: number): boolean {
  let h = 0;
  let mul = 1;
  let p = pos;
  for (;;) {
    if (p >= end) return false;
    const x = b[p++];
    h += (x & 0x7f) * mul;
    if ((x & 0x80) === 0) break;
    mul *= 128;
  }
  return h % 2 === 0 && h / 2 >= count && p < end && b[p] === 1;
}

/**
 * A data page's definition levels (max level 1) as an array (1 = a value), and where its values
 * start; no levels when the column is required or every value is there. @internal
 */
export function pageLevels(
  page: Uint8Array,
  h: PageHeader,
  optional: boolean,
): [Uint8Array | undefined, number] {
  if (h.v2 !== undefined) {
    if (h.v2.repLength !== 0) throw new Unsupported('repetition levels');
    if (!optional) return [undefined, h.v2.defLength];
    const end = h.v2.defLength;
    if (allOnes(page, 0, end, h.count)) return [undefined, end];
    const levels = levelsOf(h.count);
    readHybrid(page, 0, end, 1, levels, 0, h.count);
    return [levels, end];
  }
  if (!optional) return [undefined, 0];
  if (h.defEncoding !== ENC.RLE) throw new Unsupported(`level encoding ${h.defEncoding}`);
  const len = page[0] | (page[1] << 8) | (page[2] << 16) | (page[3] << 24);
  if (allOnes(page, 4, 4 + len, h.count)) return [undefined, 4 + len];
  const levels = levelsOf(h.count);
  readHybrid(page, 4, 4 + len, 1, levels, 0, h.count);
  return [levels, 4 + len];
}

/**
 * A data page's bytes ready to decode: levels and values decompressed (v1 compresses both, v2
 * only the values), in scratch space valid until the next page. @internal
 */
export function pageBytes(raw: Uint8Array, h: PageHeader, codec: string): Uint8Array {
  if (h.v2 === undefined) return decompressTo(raw, codec, scratch(h.uncompressed));
  if (!h.v2.compressed || codec === 'UNCOMPRESSED') return raw;
  const lv = h.v2.repLength + h.v2.defLength;
  const out = scratch(h.uncompressed);
  out.set(raw.subarray(0, lv));
  decompressTo(raw.subarray(lv), codec, out.subarray(lv));
  return out;
}

/**
 * `n` dictionary indices from a data page's values at `pos` (bit width byte, then the hybrid), in
 * scratch space valid until the next page, and the largest of them. @internal
 */
export function dictIndices(page: Uint8Array, pos: number, n: number): [Int32Array, number] {
  if (scratchIndices.length < n) scratchIndices = new Int32Array(n * 1.5);
  const out = scratchIndices.subarray(0, n);
  if (n === 0) return [out, -1];
  return [out, readIndices(page, pos + 1, page.length, page[pos], out, n)];
}
