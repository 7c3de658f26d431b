// Snappy decompression (the raw block format Parquet pages use), written for speed on the data
// Parquet holds: dictionary indices, numbers and text compress into millions of 2-8 byte literals
// and back-references, so the cost is per operation, not per byte. Policy: away from the block's
// ends, a tag is decoded through a table (length, offset bits and how many bytes follow, as C
// snappy does) with its trailing bytes read in one 32-bit load, and short literals and
// back-references whose source lies at least 4 bytes back are copied 4 bytes at a time through
// DataViews, rounding up past the operation's end (the bytes written beyond it are overwritten by
// the operations that follow); long literals use `set`. The last bytes of either side go through a
// plain loop that checks every step. Damaged input throws an error saying what is wrong, never
// reads or writes out of bounds.

/** Per tag byte: length (8 bits) | a copy's offset bits 8-10 (3 bits) | trailing bytes (<< 11). */
const TAGS = new Uint16Array(256);
for (let t = 0; t < 256; t++) {
  const kind = t & 3;
  const hi = t >>> 2;
  if (kind === 0) TAGS[t] = hi < 60 ? hi + 1 : (hi - 59) << 11;
  else if (kind === 1) TAGS[t] = ((hi & 7) + 4) | ((t >>> 5) << 8) | (1 << 11);
  else TAGS[t] = (hi + 1) | ((kind === 2 ? 2 : 4) << 11);
}
/** The trailing bytes' mask, by their count. */
const TRAILER = new Int32Array([0, 0xff, 0xffff, 0xffffff, -1]);
/** The fast loop may read this far past a tag and write this far past an operation's start. */
const SLACK_IN = 20;
const SLACK_OUT = 68;

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
  const iv = new DataView(input.buffer, input.byteOffset, n);
  const ov = new DataView(out.buffer, out.byteOffset, size);
  const fastIn = n - SLACK_IN;
  const fastOut = size - SLACK_OUT;
  let o = 0;
  while (pos <= fastIn && o <= fastOut) {
    const tag = input[pos++];
    const e = TAGS[tag];
    const tb = e >>> 11;
    const trailer = iv.getInt32(pos, true) & TRAILER[tb];
    pos += tb;
    if ((tag & 3) === 0) {
      const len = tb === 0 ? e & 0xff : (trailer >>> 0) + 1;
      if (len <= 16) {
        ov.setInt32(o, iv.getInt32(pos, true), true);
        if (len > 4) {
          ov.setInt32(o + 4, iv.getInt32(pos + 4, true), true);
          if (len > 8) {
            ov.setInt32(o + 8, iv.getInt32(pos + 8, true), true);
            ov.setInt32(o + 12, iv.getInt32(pos + 12, true), true);
          }
        }
      } else {
        if (pos + len > n || o + len > size) throw new Error('snappy: literal past the end');
        if (len < 32) for (let k = 0; k < len; k++) out[o + k] = input[pos + k];
        else out.set(input.subarray(pos, pos + len), o);
      }
      pos += len;
      o += len;
      continue;
    }
    const len = e & 0xff;
    const off = (e & 0x700) + (tb === 4 ? trailer >>> 0 : trailer);
    if (off === 0 || off > o) throw new Error('snappy: bad copy');
    const from = o - off;
    // Each 4-byte word read lies wholly before the word being written: its bytes are final.
    if (off >= 8) {
      ov.setInt32(o, ov.getInt32(from, true), true);
      ov.setInt32(o + 4, ov.getInt32(from + 4, true), true);
      for (let k = 8; k < len; k += 4) ov.setInt32(o + k, ov.getInt32(from + k, true), true);
    } else if (off >= 4)
      for (let k = 0; k < len; k += 4) ov.setInt32(o + k, ov.getInt32(from + k, true), true);
    else for (let k = 0; k < len; k++) out[o + k] = out[from + k];
    o += len;
  }
  o = tail(input, pos, out, o);
  if (o !== size) throw new Error(`snappy: ${o} of ${size} bytes`);
}

/** The block's last operations from `pos`, writing from `o`, every step checked; returns `o`. */
function tail(input: Uint8Array, pos: number, out: Uint8Array, o: number): number {
  const n = input.length;
  const size = out.length;
  while (pos < n) {
    const tag = input[pos++];
    const kind = tag & 3;
    if (kind === 0) {
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        const extra = len - 60;
        if (pos + extra > n) throw new Error('snappy: literal length past the end');
        len = 0;
        for (let k = 0; k < extra; k++) len += input[pos + k] * 2 ** (8 * k);
        pos += extra;
        len += 1;
      }
      if (pos + len > n || o + len > size) throw new Error('snappy: literal past the end');
      out.set(input.subarray(pos, pos + len), o);
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
        (input[pos] | (input[pos + 1] << 8) | (input[pos + 2] << 16)) + input[pos + 3] * 16777216;
      pos += 4;
    }
    if (off === 0 || off > o || o + len > size) throw new Error('snappy: bad copy');
    for (let k = 0; k < len; k++) out[o + k] = out[o - off + k];
    o += len;
  }
  return o;
}
