// The kernels that make blocks from nothing: constant blocks, ranges, and seeded random numbers.
// Random blocks are reproducible whatever the chunking: the element at global flat index `g`
// (C order over the whole array) is a function of the seed and `g` alone (a counter-based
// generator: two rounds of a 32-bit mixer over `g` keyed by the seed, 53 bits per number), so
// re-chunking an array, or computing only some of its blocks, gives the same numbers.
import { isBig, type Dtype } from './dtype.js';
import { bigOf, compactCopy, cStrides, forRows, makeNd, type Nd } from './nd.js';

/**
 * A block of `shape` filled with `value`.
 *
 * @example
 * full('float32', [2, 2], 1.5);
 */
export function full(dtype: Dtype, shape: readonly number[], value: number): Nd {
  const out = makeNd(dtype, shape);
  if (value === 0) return out;
  if (isBig(dtype)) (out.data as unknown as BigInt64Array).fill(bigOf(value));
  else out.data.fill(dtype === 'bool' ? (value !== 0 ? 1 : 0) : value);
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
  const out = makeNd(isBig(dtype) ? 'float64' : dtype, [n]);
  const d = out.data;
  for (let i = 0; i < n; i++) d[i] = first + i === lastIndex ? last : start + (first + i) * step;
  return isBig(dtype) ? compactCopy(out, dtype) : out;
}

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

/** The two keys of one stream (`lane`) of a seed. */
function keys(seed: number, lane: number): [number, number] {
  const base = mix((seed ^ Math.imul(lane + 1, 0x9e3779b9)) >>> 0);
  return [mix(base ^ 0x243f6a88), mix(base ^ 0x85a308d3)];
}

/** A uniform number in [0, 1) with 53 random bits: element `g` of the stream keyed `k0, k1`. */
function uniformAt(k0: number, k1: number, g: number): number {
  const lo = g >>> 0;
  const hi = g < TWO32 ? 0 : Math.floor(g / TWO32);
  const a = mix(((lo ^ k0) + Math.imul(hi, 0x9e3779b9)) >>> 0);
  const b = mix((a ^ (lo + k1)) >>> 0);
  return ((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992;
}

/** One row of uniform numbers, everything in parameters (registers, not closure slots). */
function uniformRow(
  out: Nd['data'],
  j: number,
  start: number,
  step: number,
  len: number,
  a: number,
  w: number,
  k0: number,
  k1: number,
): void {
  for (let i = 0, o = start; i < len; i++, o += step) {
    const lo = o >>> 0;
    const hi = o < TWO32 ? 0 : Math.floor(o / TWO32);
    const x = mix(((lo ^ k0) + Math.imul(hi, 0x9e3779b9)) >>> 0);
    const y = mix((x ^ (lo + k1)) >>> 0);
    out[j + i] = a + (w * ((x >>> 5) * 67108864 + (y >>> 6))) / 9007199254740992;
  }
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
  const [k0, k1] = keys(seed >>> 0, 0);
  const [k2, k3] = keys(seed >>> 0, 1);
  let k = 0;
  const { a, b } = dist;
  const uniform = dist.kind === 'uniform';
  const w = b - a;
  forRows(shape, [{ stride: g, offset: base }], ([start]) => {
    // Rows are contiguous runs of global indices: each is a plain loop.
    // Locals, not the closure's variables, in the loops (they stay in registers).
    const out = d;
    let j = k;
    if (uniform) {
      uniformRow(out, j, start, gs, len, a, w, k0, k1);
      j += len;
    } else {
      // Box-Muller on two uniforms of this element's own streams.
      for (let i = 0, o = start; i < len; i++, o += gs) {
        const u1 = 1 - uniformAt(k0, k1, o);
        const u2 = uniformAt(k2, k3, o);
        out[j++] = a + b * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      }
    }
    k = j;
  });
  return out;
}

/**
 * A block of an identity-like matrix: ones where `column - row === k` (global indices, the block
 * at `[row0, col0]`).
 *
 * @example
 * eye('float64', [2, 2], 2, 0, 0); // zeros: the diagonal is elsewhere
 */
export function eye(
  dtype: Dtype,
  shape: readonly number[],
  row0: number,
  col0: number,
  k: number,
): Nd {
  const out = makeNd(dtype, shape);
  const [rows, cols] = shape;
  const d = out.data;
  for (let i = 0; i < rows; i++) {
    const j = row0 + i + k - col0;
    if (j >= 0 && j < cols) d[i * cols + j] = 1;
  }
  return out;
}
