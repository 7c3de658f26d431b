// The kernels that make blocks from nothing: constant blocks, ranges, and seeded random numbers.
// Random blocks are reproducible whatever the chunking (random-kernel.ts: each element is a
// function of the seed and its global flat index alone).
import { isBig, type Dtype } from './dtype.js';
import { bigOf, compactCopy, makeNd, type Nd } from './nd.js';
import { fillRandomRange, type Distribution } from './random-block.js';

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

/**
 * A block of random numbers: the block at `start` (global element offsets) of `shape` in an
 * array of `fullShape` (see random-block.ts).
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
  const block = { dtype, seed, dist, full: fullShape, start, shape };
  fillRandomRange(block, 0, out.data.length, out.data);
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
