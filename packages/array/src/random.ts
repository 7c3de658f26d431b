// Seeded random arrays, reproducible whatever the chunking: each element is drawn from the seed
// and its global flat index (C order over the whole array) alone, by a counter-based generator
// (random-kernel.ts), so the same seed and shape give the same numbers in blocks of any size,
// on any scheduler, computing all blocks or a slice. Without a seed, one is drawn when the array
// is defined, so one array computes the same numbers every time. The numbers differ from NumPy's.
import { tokenize } from '@dask-ts/graph';
import { DaskArray } from './array.js';
import { blockShape, normalizeChunks, numblocks, offsets } from './chunks.js';
import { checkDtype, isFloat, isInteger, itemsize, type Dtype } from './dtype.js';
import { checkShape, type CreateOptions } from './creation.js';
import type { Distribution } from './random-block.js';
import { RandomLayer } from './random-layer.js';

/**
 * Options of the random arrays.
 *
 * @example
 * random.random([100, 100], { seed: 42, chunks: 25 });
 */
export interface RandomOptions extends CreateOptions {
  /** The seed (an integer; default: drawn once when the array is defined). */
  readonly seed?: number;
}

function make(
  shape: readonly number[],
  dist: Distribution,
  options: RandomOptions,
  op: string,
  fallback: Dtype = 'float64',
): DaskArray {
  checkShape(shape, op);
  const dtype = checkDtype(options.dtype ?? fallback, op);
  if (dist.kind === 'integers' ? !isInteger(dtype) : !isFloat(dtype)) {
    throw new TypeError(
      `${op}: dtype must be ${dist.kind === 'integers' ? 'an integer dtype' : 'float64 or float32'}, got ${dtype}`,
    );
  }
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (!Number.isInteger(seed)) throw new TypeError(`${op}: seed must be an integer, got ${seed}`);
  const chunks = normalizeChunks(shape, options.chunks ?? 'auto', itemsize(dtype), op);
  const starts = chunks.map(offsets);
  const full = [...shape];
  const name = `${op}-${tokenize(seed, dist, full, dtype, chunks)}`;
  const layer = new RandomLayer(name, numblocks(chunks), (idx) => ({
    dtype,
    seed,
    dist,
    full,
    start: idx.map((b, a) => starts[a][b]),
    shape: blockShape(chunks, idx),
  }));
  return new DaskArray(layer, chunks, dtype);
}

/**
 * Seeded random arrays (see the module comment: reproducible whatever the chunking).
 *
 * @example
 * const x = random.normal([1000], { loc: 10, scale: 2, seed: 7, chunks: 100 });
 */
export const random = {
  /**
   * Uniform numbers in [0, 1).
   *
   * @example
   * random.random([4, 4], { seed: 1 });
   */
  random(shape: readonly number[], options: RandomOptions = {}): DaskArray {
    return make(shape, { kind: 'uniform', a: 0, b: 1 }, options, 'random.random');
  },
  /**
   * Uniform numbers in [low, high) (default [0, 1)).
   *
   * @example
   * random.uniform([10], { low: -1, high: 1, seed: 3 });
   */
  uniform(
    shape: readonly number[],
    options: RandomOptions & { readonly low?: number; readonly high?: number } = {},
  ): DaskArray {
    return make(
      shape,
      { kind: 'uniform', a: options.low ?? 0, b: options.high ?? 1 },
      options,
      'random.uniform',
    );
  },
  /**
   * Normally distributed numbers with mean `loc` (default 0) and standard deviation `scale`
   * (default 1).
   *
   * @example
   * random.normal([1000], { loc: 0, scale: 1, seed: 9 });
   */
  normal(
    shape: readonly number[],
    options: RandomOptions & { readonly loc?: number; readonly scale?: number } = {},
  ): DaskArray {
    return make(
      shape,
      { kind: 'normal', a: options.loc ?? 0, b: options.scale ?? 1 },
      options,
      'random.normal',
    );
  },
  /**
   * Integers in [low, high) (`low` defaults to 0), every one equally likely, as NumPy's
   * `Generator.integers`. The dtype defaults to int32 when the range fits in it, else int64
   * (NumPy's default is int64 always; int64 elements are bigints here).
   *
   * @example
   * random.integers([1000], { high: 6, seed: 1 }); // dice rolls 0..5
   */
  integers(
    shape: readonly number[],
    options: RandomOptions & { readonly low?: number; readonly high: number },
  ): DaskArray {
    const op = 'random.integers';
    const low = options.low ?? 0;
    const high = options.high;
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low) {
      throw new RangeError(
        `${op}: low and high must be integers with low < high (high excluded), got low ${String(low)}, high ${String(high)}`,
      );
    }
    const fits = low >= -(2 ** 31) && high - 1 <= 2 ** 31 - 1;
    return make(
      shape,
      { kind: 'integers', a: low, b: high },
      options,
      op,
      fits ? 'int32' : 'int64',
    );
  },
};
