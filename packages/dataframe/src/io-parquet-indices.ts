// Dictionary indices of a Parquet data page (the RLE / bit-packed hybrid) decoded into an
// Int32Array, for strings and for pages with nulls (numbers without nulls go through
// io-parquet-gather.ts). Policy: this is one of the reader's hottest loops, so it is monomorphic
// (one array type: V8 optimizes a loop over a known typed array far better than one that sees
// several) and bit-packed runs are read through a 32-bit window (one unaligned DataView load)
// rather than bit by bit. An index past the dictionary is an error, checked once per page from
// the largest index, not per row.

/**
 * Decodes `count` values of bit width `width` (at most 32) of the hybrid in `b[pos, end)` into
 * `out[0, count)`; returns the largest value (as unsigned). @internal
 */
export function readIndices(
  b: Uint8Array,
  pos: number,
  end: number,
  width: number,
  out: Int32Array,
  count: number,
): number {
  let i = 0;
  let max = 0;
  const bytesW = (width + 7) >> 3;
  const mask = width >= 32 ? -1 : (1 << width) - 1;
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  while (i < count) {
    if (pos >= end) throw new Error('a run of dictionary indices ends early');
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
      for (let k = 0; k < bytesW; k++) v |= b[pos + k] << (8 * k);
      v >>>= 0;
      pos += bytesW;
      const e = Math.min(count, i + run);
      out.fill(v, i, e);
      if (e > i && v > max) max = v;
      i = e;
      continue;
    }
    const groups = (h - 1) / 2;
    const n = Math.min(count - i, groups * 8);
    if (pos + groups * width > end) throw new Error('a run of dictionary indices ends early');
    if (width === 0) out.fill(0, i, i + n);
    else if (width <= 25) {
      // A window of four bytes holds any value of up to 25 bits whatever its first bit.
      let k = 0;
      const safe = end - 4;
      for (; k < n; k++) {
        const bit = k * width;
        const p = pos + (bit >>> 3);
        if (p > safe) break;
        const v = (dv.getInt32(p, true) >>> (bit & 7)) & mask;
        out[i + k] = v;
        if (v > max) max = v;
      }
      for (; k < n; k++) {
        const bit = k * width;
        let v = 0;
        for (let j = 0; j < width; j++) {
          const q = bit + j;
          if ((b[pos + (q >>> 3)] >> (q & 7)) & 1) v |= 1 << j;
        }
        out[i + k] = v;
        if (v > max) max = v;
      }
    } else {
      for (let k = 0; k < n; k++) {
        let v = 0;
        const bit0 = k * width;
        for (let j = 0; j < width; j++) {
          const q = bit0 + j;
          if ((b[pos + (q >>> 3)] >> (q & 7)) & 1) v += 2 ** j;
        }
        out[i + k] = v;
        if (v > max) max = v;
      }
    }
    i += n;
    pos += groups * width;
  }
  return max;
}

/** Throws when an index (the largest, `max`) is past a dictionary of `m` entries. @internal */
export function checkIndex(max: number, m: number): void {
  if (max >= m) throw new Error(`dictionary index ${max} past the dictionary's ${m}`);
}
