// The snappy decoder against inputs compressed by a small greedy compressor written here, which
// emits every tag kind the format has (literals with 0-4 length bytes, copies with 1, 2 and 4
// offset bytes, overlapping copies with offsets 1-3) at every distance from the block's ends, so
// both the decoder's fast loop and its checked tail are exercised; and damaged blocks are errors.
import { describe, expect, it } from '@jest/globals';
import { snappyDecompress } from '../io-snappy.js';
import { rng } from './reference.js';

function uleb(x: number, out: number[]): void {
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    out.push(b);
  } while (x > 0);
}

function literal(src: Uint8Array, from: number, to: number, out: number[]): void {
  const n = to - from - 1;
  if (n < 60) out.push(n << 2);
  else {
    const bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
    out.push((59 + bytes) << 2);
    for (let k = 0; k < bytes; k++) out.push(Math.floor(n / 2 ** (8 * k)) % 256);
  }
  for (let i = from; i < to; i++) out.push(src[i]);
}

function copy(off: number, len: number, out: number[]): void {
  while (len > 0) {
    // Keep at least 4 for a last piece (kind 1 needs 4 or more).
    const l = len > 64 ? (len - 64 < 4 ? 60 : 64) : len;
    if (l >= 4 && l <= 11 && off < 2048)
      out.push(1 | ((l - 4) << 2) | ((off >> 8) << 5), off & 255);
    else if (off < 65536) out.push(2 | ((l - 1) << 2), off & 255, off >> 8);
    else out.push(3 | ((l - 1) << 2), off & 255, (off >> 8) & 255, (off >> 16) & 255, off >>> 24);
    len -= l;
  }
}

/** A greedy snappy compressor: matches of 4+ bytes found through a hash of the next 4 bytes. */
function compress(src: Uint8Array, maxOffset = 1 << 20): Uint8Array {
  const out: number[] = [];
  uleb(src.length, out);
  const seen = new Map<number, number>();
  let lit = 0;
  let i = 0;
  while (i + 4 <= src.length) {
    const key = src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24);
    const at = seen.get(key);
    seen.set(key, i);
    if (at !== undefined && i - at <= maxOffset) {
      let len = 4;
      while (i + len < src.length && src[at + len] === src[i + len]) len++;
      if (lit < i) literal(src, lit, i, out);
      copy(i - at, len, out);
      i += len;
      lit = i;
    } else i++;
  }
  if (lit < src.length) literal(src, lit, src.length, out);
  return new Uint8Array(out);
}

/** Bytes with runs (overlapping copies), repeats near and far, and random stretches. */
function sample(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(n);
  let i = 0;
  while (i < n) {
    const kind = Math.floor(r() * 4);
    const len = Math.min(n - i, 1 + Math.floor(r() * (kind === 3 ? 300 : 40)));
    for (let k = 0; k < len; k++, i++) {
      if (kind === 0) out[i] = i > 3 ? out[i - 1 - (seed % 3)] : 7;
      else if (kind === 1 && i > 100) out[i] = out[i - 100 + Math.floor(r() * 3)];
      else if (kind === 2 && i > 70000) out[i] = out[i - 70000];
      else out[i] = Math.floor(r() * 256);
    }
  }
  return out;
}

describe('snappyDecompress', () => {
  it('round-trips every tag kind at every distance from the ends of the block', () => {
    const sizes = [0, 1, 3, 4, 5, 15, 16, 17, 19, 20, 21, 63, 67, 68, 69, 100, 1000, 5000];
    for (const n of [...sizes, 70_000, 150_000])
      for (const seed of [1, 2, 3]) {
        const src = sample(n, seed * 1000 + n);
        for (const max of [3, 2047, 1 << 20]) {
          const out = new Uint8Array(n);
          snappyDecompress(compress(src, max), out);
          expect(Buffer.compare(out, src)).toBe(0);
        }
      }
  }, 60_000);

  it('decodes blocks that sit inside a larger buffer at an odd offset', () => {
    const src = sample(4000, 9);
    const c = compress(src);
    const big = new Uint8Array(c.length + 13);
    big.set(c, 7);
    const out = new Uint8Array(4003).subarray(3);
    snappyDecompress(big.subarray(7, 7 + c.length), out);
    expect(Buffer.compare(out, src)).toBe(0);
  }, 30_000);

  it('throws on damaged blocks (truncated, bad offsets, wrong sizes), never reading past them', () => {
    const src = sample(3000, 4);
    const c = compress(src);
    expect(() => snappyDecompress(c, new Uint8Array(2999))).toThrow(/3000 bytes, expected 2999/);
    for (const cut of [1, 2, 10, 100, c.length - 1]) {
      const short = c.subarray(0, cut);
      expect(() => snappyDecompress(short, new Uint8Array(3000))).toThrow(/snappy/);
    }
    // A copy reaching before the start of the output.
    const bad = new Uint8Array([100, 2 | (3 << 2), 0xff, 0x7f, ...new Array<number>(100).fill(0)]);
    expect(() => snappyDecompress(bad, new Uint8Array(100))).toThrow(/bad copy/);
    // Flipping bytes anywhere gives an error or a wrong answer, never anything worse.
    const r = rng(5);
    for (let t = 0; t < 200; t++) {
      const d = c.slice();
      d[1 + Math.floor(r() * (d.length - 1))] = Math.floor(r() * 256);
      try {
        snappyDecompress(d, new Uint8Array(3000));
      } catch (err) {
        expect(String(err)).toMatch(/snappy/);
      }
    }
  }, 30_000);
});
