// The counter-based generator behind the seeded random arrays. Element `g` (its global flat index,
// C order over the whole array) of a seed's stream is a function of the seed and `g` alone: two
// rounds of a 32-bit mixer over `g` keyed by the seed give 53 random bits. So any range of any
// block can be filled on its own - a block, a part of a block (the fused reductions fill tiles of
// a few thousand elements and never hold the whole block), a slice - and every chunking gives the
// same numbers. `fillUniform` is the hot loop: plain int32 arithmetic with the high word of `g`
// hoisted (a run is cut where `g` crosses a multiple of 2^32), a multiply by 2^-53 instead of a
// division (exact for a power of two), so it gives exactly what `uniformAt` gives, element by
// element, several times faster than calling it.
import type { TypedArray } from './dtype.js';

/** A 32-bit bijective mixer (Chris Wellons' lowbias32). */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

const TWO32 = 4294967296;
const TWO_M53 = 1 / 9007199254740992;

/**
 * The two keys of one stream (`lane`) of a seed (lane 0 for uniform numbers; the normal
 * distribution draws from lanes 0 and 1).
 *
 * @example
 * const [k0, k1] = streamKeys(42, 0);
 */
export function streamKeys(seed: number, lane: number): [number, number] {
  const base = mix((seed ^ Math.imul(lane + 1, 0x9e3779b9)) >>> 0);
  return [mix(base ^ 0x243f6a88), mix(base ^ 0x85a308d3)];
}

/**
 * A uniform number in [0, 1) with 53 random bits: element `g` of the stream keyed `k0, k1` (the
 * reference definition; `fillUniform` is its fast loop).
 *
 * @example
 * const [k0, k1] = streamKeys(1, 0);
 * uniformAt(k0, k1, 12); // the 13th number of seed 1
 */
export function uniformAt(k0: number, k1: number, g: number): number {
  const lo = g >>> 0;
  const hi = g < TWO32 ? 0 : Math.floor(g / TWO32);
  const a = mix(((lo ^ k0) + Math.imul(hi, 0x9e3779b9)) >>> 0);
  const b = mix((a ^ (lo + k1)) >>> 0);
  return ((a >>> 5) * 67108864 + (b >>> 6)) * TWO_M53;
}

/**
 * Writes `a + w * u(g)` for `g = start .. start + len - 1` into `out[j ..]`, where `u` is
 * {@link uniformAt} of the stream keyed `k0, k1`.
 *
 * @example
 * const out = new Float64Array(4);
 * fillUniform(out, 0, 100, 4, 0, 1, ...streamKeys(1, 0)); // elements 100..103 of seed 1
 */
export function fillUniform(
  out: TypedArray,
  j: number,
  start: number,
  len: number,
  a: number,
  w: number,
  k0: number,
  k1: number,
): void {
  let g = start;
  let left = len;
  while (left > 0) {
    // One run per high word: the loop itself is int32 only.
    const hi = Math.floor(g / TWO32);
    const n = Math.min(left, (hi + 1) * TWO32 - g);
    runUniform(out, j, g >>> 0, n, Math.imul(hi, 0x9e3779b9), a, w, k0, k1);
    g += n;
    j += n;
    left -= n;
  }
}

/** The inner loop of fillUniform over `n` elements of one high word (`hk` its mixed part). */
function runUniform(
  out: TypedArray,
  j: number,
  lo: number,
  n: number,
  hk: number,
  a: number,
  w: number,
  k0: number,
  k1: number,
): void {
  const end = j + n;
  for (; j < end; j++, lo = (lo + 1) | 0) {
    let h = ((lo ^ k0) + hk) | 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x846ca68b);
    h ^= h >>> 16;
    let m = h ^ ((lo + k1) | 0);
    m ^= m >>> 16;
    m = Math.imul(m, 0x7feb352d);
    m ^= m >>> 15;
    m = Math.imul(m, 0x846ca68b);
    m ^= m >>> 16;
    out[j] = a + w * (((h >>> 5) * 67108864 + (m >>> 6)) * TWO_M53);
  }
}

/**
 * Writes normally distributed numbers (mean `a`, standard deviation `b`; Box-Muller on element
 * `g` of lanes 0 and 1) for `g = start .. start + len - 1` into `out[j ..]`.
 *
 * @example
 * fillNormal(new Float64Array(8), 0, 0, 8, 0, 1, 7);
 */
export function fillNormal(
  out: TypedArray,
  j: number,
  start: number,
  len: number,
  a: number,
  b: number,
  seed: number,
): void {
  const [k0, k1] = streamKeys(seed >>> 0, 0);
  const [k2, k3] = streamKeys(seed >>> 0, 1);
  for (let i = 0, g = start; i < len; i++, g++) {
    const u1 = 1 - uniformAt(k0, k1, g);
    const u2 = uniformAt(k2, k3, g);
    out[j + i] = a + b * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
