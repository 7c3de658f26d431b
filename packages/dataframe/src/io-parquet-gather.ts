// Dictionary-encoded number pages decoded in one pass: each index of the RLE / bit-packed hybrid
// is looked up in the dictionary as it is unpacked and the value lands in the output column, with
// no array of indices in between. Policy: the reader's hottest loops, so one function per output
// type (V8 optimizes a loop over one known typed array far better than one that sees several);
// bit-packed values of up to 25 bits are read through one unaligned 32-bit load (a DataView, which
// V8 compiles to a single load) rather than byte by byte; an index past the dictionary is an error
// naming both, checked as each index is read.

/** The error for an index past the dictionary. @internal */
export function pastDict(v: number, m: number): Error {
  return new Error(`dictionary index ${v} past the dictionary's ${m}`);
}

/** A ULEB128 run header at `pos`: [header, next position]. @internal */
export function runHeader(b: Uint8Array, pos: number, end: number): [number, number] {
  let h = 0;
  let mul = 1;
  for (;;) {
    if (pos >= end) throw new Error('a run of dictionary indices ends early');
    const x = b[pos++];
    h += (x & 0x7f) * mul;
    if ((x & 0x80) === 0) return [h, pos];
    mul *= 128;
  }
}

/** An RLE run's value (little-endian, `width` bits in whole bytes) at `pos`. @internal */
export function runValue(b: Uint8Array, pos: number, end: number, width: number): number {
  const bytesW = (width + 7) >> 3;
  if (pos + bytesW > end) throw new Error('a run of dictionary indices ends early');
  let v = 0;
  for (let k = 0; k < bytesW; k++) v += b[pos + k] * 2 ** (8 * k);
  return v;
}

/**
 * Bit-packed value `k` of width `width` starting at byte `pos`, read bit by bit (slow path).
 * @internal
 */
export function slowValue(b: Uint8Array, pos: number, k: number, width: number): number {
  let v = 0;
  const bit0 = k * width;
  for (let j = 0; j < width; j++) {
    const q = bit0 + j;
    if ((b[pos + (q >>> 3)] >> (q & 7)) & 1) v += 2 ** j;
  }
  return v;
}

/**
 * `out[row + i] = dict[index i]` for `count` indices of bit width `width` held by the hybrid in
 * `b[pos, end)` (float64). @internal
 */
export function gatherDictF64(
  b: Uint8Array,
  pos: number,
  end: number,
  width: number,
  dict: Float64Array,
  out: Float64Array,
  row: number,
  count: number,
): void {
  const m = dict.length;
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
      out.fill(dict[v], row + i, row + e);
      i = e;
      continue;
    }
    const groups = (h - 1) / 2;
    const n = Math.min(count - i, groups * 8);
    if (pos + groups * width > end) throw new Error('a run of dictionary indices ends early');
    const o = row + i;
    let k = 0;
    if (width <= 25)
      for (; k < n; k++) {
        const bit = k * width;
        const p = pos + (bit >>> 3);
        if (p > safe) break;
        const v = (dv.getInt32(p, true) >>> (bit & 7)) & mask;
        if (v >= m) throw pastDict(v, m);
        out[o + k] = dict[v];
      }
    for (; k < n; k++) {
      const v = slowValue(b, pos, k, width);
      if (v >= m) throw pastDict(v, m);
      out[o + k] = dict[v];
    }
    i += n;
    pos += groups * width;
  }
}

/**
 * `out[row + i] = dict[index i]` for `count` indices of bit width `width` held by the hybrid in
 * `b[pos, end)` (int32). @internal
 */
export function gatherDictI32(
  b: Uint8Array,
  pos: number,
  end: number,
  width: number,
  dict: Int32Array,
  out: Int32Array,
  row: number,
  count: number,
): void {
  const m = dict.length;
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
      out.fill(dict[v], row + i, row + e);
      i = e;
      continue;
    }
    const groups = (h - 1) / 2;
    const n = Math.min(count - i, groups * 8);
    if (pos + groups * width > end) throw new Error('a run of dictionary indices ends early');
    const o = row + i;
    let k = 0;
    if (width <= 25)
      for (; k < n; k++) {
        const bit = k * width;
        const p = pos + (bit >>> 3);
        if (p > safe) break;
        const v = (dv.getInt32(p, true) >>> (bit & 7)) & mask;
        if (v >= m) throw pastDict(v, m);
        out[o + k] = dict[v];
      }
    for (; k < n; k++) {
      const v = slowValue(b, pos, k, width);
      if (v >= m) throw pastDict(v, m);
      out[o + k] = dict[v];
    }
    i += n;
    pos += groups * width;
  }
}
