// A block of a seeded random array, described rather than made: its distribution, the whole
// array's shape and the block's place in it. `fillRandomRange` writes any run of the block's
// elements (C order within the block) into a typed array, row by row (a row of a block is a run
// of consecutive global indices), so a whole block, or a tile of it, comes from one call.
import type { Dtype, TypedArray } from './dtype.js';
import { fillNormal, fillUniform, streamKeys } from './random-kernel.js';

/**
 * The distributions of the random arrays: uniform in [a, b), normal (mean a, sd b), integers in
 * [a, b) (the uniform numbers' floor: every integer equally likely).
 *
 * @example
 * const d: Distribution = { kind: 'normal', a: 0, b: 1 };
 */
export interface Distribution {
  readonly kind: 'uniform' | 'normal' | 'integers';
  readonly a: number;
  readonly b: number;
}

/**
 * One block of a random array: `shape` at global element offsets `start` of an array of
 * `full` shape, drawn from `seed`.
 *
 * @example
 * const b: RandomBlock = { dtype: 'float64', seed: 1, dist: { kind: 'uniform', a: 0, b: 1 }, full: [100], start: [20], shape: [10] };
 */
export interface RandomBlock {
  readonly dtype: Dtype;
  readonly seed: number;
  readonly dist: Distribution;
  readonly full: readonly number[];
  readonly start: readonly number[];
  readonly shape: readonly number[];
}

/**
 * Writes elements `first .. first + count - 1` of the block (C order within it) into
 * `out[0 .. count)`.
 *
 * @example
 * const out = new Float64Array(4);
 * fillRandomRange(block, 8, 4, out); // the block's elements 8..11
 */
export function fillRandomRange(
  block: RandomBlock,
  first: number,
  count: number,
  out: TypedArray,
): void {
  const { full, start, shape, dist } = block;
  const n = shape.length;
  const len = n === 0 ? 1 : shape[n - 1];
  if (count <= 0 || len === 0) return;
  // Global strides of the whole array, and the global index of the block's first element.
  const g = new Array<number>(n);
  let s = 1;
  for (let a = n - 1; a >= 0; a--) {
    g[a] = s;
    s *= full[a];
  }
  let base = 0;
  for (let a = 0; a < n; a++) base += start[a] * g[a];
  const [k0, k1] = streamKeys(block.seed >>> 0, 0);
  const w = dist.b - dist.a;
  let row = Math.floor(first / len);
  let col = first - row * len;
  let j = 0;
  while (j < count) {
    // The global index of (row, col): the row's multi-index over the outer axes.
    let rest = row;
    let at = base + col;
    for (let a = n - 2; a >= 0; a--) {
      const q = Math.floor(rest / shape[a]);
      at += (rest - q * shape[a]) * g[a];
      rest = q;
    }
    const m = Math.min(len - col, count - j);
    if (dist.kind === 'uniform') fillUniform(out, j, at, m, dist.a, w, k0, k1);
    else if (dist.kind === 'integers') fillIntegers(out, j, at, m, dist.a, dist.b, k0, k1);
    else fillNormal(out, j, at, m, dist.a, dist.b, block.seed);
    j += m;
    row++;
    col = 0;
  }
}

let scratch = new Float64Array(0);

/** Integers in [low, high): the floor of the uniform numbers of the same indices, scaled. */
function fillIntegers(
  out: TypedArray,
  j: number,
  at: number,
  m: number,
  low: number,
  high: number,
  k0: number,
  k1: number,
): void {
  if (scratch.length < m) scratch = new Float64Array(Math.max(m, 1024));
  fillUniform(scratch, 0, at, m, 0, 1, k0, k1);
  const w = high - low;
  const top = high - 1;
  const big = out as unknown as BigInt64Array | BigUint64Array | Float64Array;
  if (big instanceof BigInt64Array || big instanceof BigUint64Array) {
    for (let i = 0; i < m; i++)
      big[j + i] = BigInt(Math.min(top, low + Math.floor(scratch[i] * w)));
  } else {
    for (let i = 0; i < m; i++) out[j + i] = Math.min(top, low + Math.floor(scratch[i] * w));
  }
}
