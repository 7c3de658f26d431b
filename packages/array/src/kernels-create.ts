// The kernels that make blocks from nothing: constant blocks, ranges, and seeded random numbers.
// Random blocks are reproducible whatever the chunking: the element at global flat index `g`
// (C order over the whole array) is a function of the seed and `g` alone (a counter-based
// generator: murmur3's finalizer over the seed, the index's two 32-bit halves and a lane), so
// re-chunking an array, or computing only some of its blocks, gives the same numbers.
import type { Dtype } from './dtype.js';
import { cStrides, forRows, makeNd, type Nd } from './nd.js';

/**
 * A block of `shape` filled with `value`.
 *
 * @example
 * full('float32', [2, 2], 1.5);
 */
export function full(dtype: Dtype, shape: readonly number[], value: number): Nd {
  const out = makeNd(dtype, shape);
  if (value !== 0) out.data.fill(dtype === 'bool' ? (value !== 0 ? 1 : 0) : value);
  return out;
}

/**
 * A 1-d block of `n` values `start + (first + i) * step`; with `last`, element `lastIndex` (a
 * global index) is exactly `last` (linspace's endpoint).
 *
 * @example
 * range('float64', 0, 0.5, 2, 4); // [1, 1.5, 2, 2.5]
 */
export function range(
  dtype: Dtype,
  start: number,
  step: number,
  first: number,
  n: number,
  lastIndex = -1,
  last = 0,
): Nd {
  const out = makeNd(dtype, [n]);
  const d = out.data;
  for (let i = 0; i < n; i++) d[i] = first + i === lastIndex ? last : start + (first + i) * step;
  return out;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32 random bits for (seed, index, lane). */
function bits(seed: number, lo: number, hi: number, lane: number): number {
  let h = fmix32(seed ^ Math.imul(lane + 1, 0x9e3779b9));
  h = fmix32(h ^ lo);
  h = fmix32(h ^ Math.imul(hi + 0x632be5ab, 0x27d4eb2f));
  return h;
}

const TWO32 = 4294967296;

/** A uniform number in [0, 1) with 53 random bits, for (seed, global index, lane pair). */
function uniformAt(seed: number, g: number, lane: number): number {
  const lo = g >>> 0;
  const hi = Math.floor(g / TWO32) >>> 0;
  const a = bits(seed, lo, hi, lane) >>> 5;
  const b = bits(seed, lo, hi, lane + 1) >>> 6;
  return (a * 67108864 + b) / 9007199254740992;
}

/**
 * The distributions of {@link random}: uniform in [low, high), normal (mean, sd).
 *
 * @example
 * const d: Distribution = { kind: 'normal', a: 0, b: 1 };
 */
export interface Distribution {
  readonly kind: 'uniform' | 'normal';
  readonly a: number;
  readonly b: number;
}

/**
 * A block of random numbers: the block at `start` (global element offsets) of `shape` in an
 * array of `fullShape`.
 *
 * @example
 * random('float64', 42, { kind: 'uniform', a: 0, b: 1 }, [100], [20], [10]);
 */
export function random(
  dtype: Dtype,
  seed: number,
  dist: Distribution,
  fullShape: readonly number[],
  start: readonly number[],
  shape: readonly number[],
): Nd {
  const out = makeNd(dtype, shape);
  const d = out.data;
  const g = cStrides(fullShape);
  let base = 0;
  for (let i = 0; i < start.length; i++) base += start[i] * g[i];
  const n = shape.length;
  const len = n === 0 ? 1 : shape[n - 1];
  const gs = n === 0 ? 0 : g[n - 1];
  const s = seed >>> 0;
  let k = 0;
  forRows(shape, [{ stride: g, offset: base }], ([o]) => {
    for (let i = 0; i < len; i++, o += gs) {
      if (dist.kind === 'uniform') {
        d[k++] = dist.a + (dist.b - dist.a) * uniformAt(s, o, 0);
      } else {
        // Box-Muller on two uniforms of this element's own lanes.
        const u1 = 1 - uniformAt(s, o, 0);
        const u2 = uniformAt(s, o, 2);
        d[k++] = dist.a + dist.b * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      }
    }
  });
  return out;
}
