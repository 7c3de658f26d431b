// Snappy decompression (the raw block format Parquet pages use), written for speed on the data
// Parquet holds: long literals (incompressible numbers) are copied with `set`, long back-references
// that do not overlap with `copyWithin`; only short or overlapping copies go byte by byte. Damaged
// input throws an error saying what is wrong, never reads or writes out of bounds.

/** Decompresses a snappy block into `out`, which must be exactly the uncompressed size. @internal */
export function snappyDecompress(input: Uint8Array, out: Uint8Array): void {
  const n = input.length;
  let pos = 0;
  let size = 0;
  let mul = 1;
  for (;;) {
    if (pos >= n) throw new Error('snappy: no length');
    const x = input[pos++];
    size += (x & 0x7f) * mul;
    if ((x & 0x80) === 0) break;
    mul *= 128;
  }
  if (size !== out.length) throw new Error(`snappy: ${size} bytes, expected ${out.length}`);
  let o = 0;
  while (pos < n) {
    const tag = input[pos++];
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (pos + extra > n) throw new Error('snappy: literal length past the end');
        len = 0;
        for (let k = 0; k < extra; k++) len += input[pos + k] * 2 ** (8 * k);
        pos += extra;
      }
      len += 1;
      if (pos + len > n || o + len > size) throw new Error('snappy: literal past the end');
      if (len < 64) for (let k = 0; k < len; k++) out[o + k] = input[pos + k];
      else out.set(input.subarray(pos, pos + len), o);
      pos += len;
      o += len;
      continue;
    }
    let len: number;
    let off: number;
    if (kind === 1) {
      if (pos >= n) throw new Error('snappy: copy past the end');
      len = ((tag >>> 2) & 7) + 4;
      off = ((tag >>> 5) << 8) | input[pos++];
    } else if (kind === 2) {
      if (pos + 2 > n) throw new Error('snappy: copy past the end');
      len = (tag >>> 2) + 1;
      off = input[pos] | (input[pos + 1] << 8);
      pos += 2;
    } else {
      if (pos + 4 > n) throw new Error('snappy: copy past the end');
      len = (tag >>> 2) + 1;
      off =
        (input[pos] | (input[pos + 1] << 8) | (input[pos + 2] << 16)) + input[pos + 3] * 2 ** 24;
      pos += 4;
    }
    if (off === 0 || off > o || o + len > size) throw new Error('snappy: bad copy');
    if (off >= len && len >= 64) out.copyWithin(o, o - off, o - off + len);
    else for (let k = 0; k < len; k++) out[o + k] = out[o - off + k];
    o += len;
  }
  if (o !== size) throw new Error(`snappy: ${o} of ${size} bytes`);
}
