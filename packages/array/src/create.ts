// The public functions that make arrays (they wrap creation.ts's descriptions in DaskArray):
// fromArray and asarray, zeros, ones, full, empty, their `Like` forms, arange and linspace.
import { DaskArray, type ArrayValue } from './array.js';
import { shapeOf } from './chunks.js';
import { checkDtype, type Dtype } from './dtype.js';
import {
  checkShape,
  fromArraySpec,
  fullSpec,
  rangeSpec,
  type ArrayData,
  type CreateOptions,
  type FromArrayOptions,
} from './creation.js';

/**
 * A lazy array over data in memory: an ndarray (any strides), a typed array (with `shape`;
 * a Uint8Array is uint8 unless `dtype: 'bool'`), or nested arrays (numbers give float64,
 * booleans bool). Blocks are cut from the data when the array is computed.
 *
 * @example
 * const x = fromArray([[1, 2, 3], [4, 5, 6]], { chunks: [1, 2] });
 * await x.sum().compute(); // 21
 */
export function fromArray(data: ArrayData, options: FromArrayOptions = {}): DaskArray {
  return DaskArray.of(fromArraySpec(data, options));
}

/**
 * `x` itself when it is already a DaskArray (NumPy's `asarray`: no copy, options ignored),
 * else `fromArray(x, options)`.
 *
 * @example
 * const y = asarray(maybeLazy, { chunks: 1000 });
 */
export function asarray<R extends ArrayValue>(
  x: DaskArray<R> | ArrayData,
  options: FromArrayOptions = {},
): DaskArray<R> | DaskArray {
  return x instanceof DaskArray ? x : fromArray(x, options);
}

/**
 * An array of `shape` filled with `value` (default dtype float64).
 *
 * @example
 * full([2, 3], 7, { dtype: 'int32' });
 */
export function full(
  shape: readonly number[],
  value: number,
  options: CreateOptions = {},
): DaskArray {
  return DaskArray.of(fullSpec(shape, value, options, 'full'));
}

/**
 * An array of zeros.
 *
 * @example
 * zeros([1000, 1000], { chunks: 250 });
 */
export function zeros(shape: readonly number[], options: CreateOptions = {}): DaskArray {
  return DaskArray.of(fullSpec(shape, 0, options, 'zeros'));
}

/**
 * An array of ones.
 *
 * @example
 * ones([10], { dtype: 'uint8' });
 */
export function ones(shape: readonly number[], options: CreateOptions = {}): DaskArray {
  return DaskArray.of(fullSpec(shape, 1, options, 'ones'));
}

/**
 * An array whose values do not matter (zeros here: typed arrays start zeroed).
 *
 * @example
 * empty([4, 4]);
 */
export function empty(shape: readonly number[], options: CreateOptions = {}): DaskArray {
  return DaskArray.of(fullSpec(shape, 0, options, 'empty'));
}

function like(x: DaskArray<ArrayValue>, options: CreateOptions): CreateOptions {
  return { dtype: options.dtype ?? x.dtype, chunks: options.chunks ?? x.chunks };
}

/**
 * Zeros of the shape, dtype and chunks of `x`.
 *
 * @example
 * zerosLike(x);
 */
export function zerosLike(x: DaskArray<ArrayValue>, options: CreateOptions = {}): DaskArray {
  return zeros(x.shape, like(x, options));
}

/**
 * An array of the shape, dtype and chunks of `x` whose values are not to be relied on (here:
 * zeros, as `empty`).
 *
 * @example
 * emptyLike(x);
 */
export function emptyLike(x: DaskArray<ArrayValue>, options: CreateOptions = {}): DaskArray {
  return empty(x.shape, like(x, options));
}

/**
 * Ones of the shape, dtype and chunks of `x`.
 *
 * @example
 * onesLike(x, { dtype: 'float32' });
 */
export function onesLike(x: DaskArray<ArrayValue>, options: CreateOptions = {}): DaskArray {
  return ones(x.shape, like(x, options));
}

/**
 * `value` in the shape, dtype and chunks of `x`.
 *
 * @example
 * fullLike(x, 3);
 */
export function fullLike(
  x: DaskArray<ArrayValue>,
  value: number,
  options: CreateOptions = {},
): DaskArray {
  return full(shapeOf(x.chunks), value, like(x, options));
}

/**
 * Evenly spaced values in `[start, stop)` by `step`: `arange(stop)`, `arange(start, stop)` or
 * `arange(start, stop, step)`. The dtype is int32 when every argument is an integer and the values
 * fit, float64 otherwise (NumPy's int64 is not available).
 *
 * @example
 * arange(10, { chunks: 4 }); // 0..9 in blocks of 4
 * arange(0, 1, 0.25); // [0, 0.25, 0.5, 0.75]
 */
export function arange(stop: number, options?: CreateOptions): DaskArray;
export function arange(start: number, stop: number, options?: CreateOptions): DaskArray;
export function arange(
  start: number,
  stop: number,
  step: number,
  options?: CreateOptions,
): DaskArray;
export function arange(...args: (number | CreateOptions | undefined)[]): DaskArray {
  const nums = args.filter((a): a is number => typeof a === 'number');
  const options = args.find((a) => typeof a === 'object') ?? {};
  const [start, stop, step] =
    nums.length === 1
      ? [0, nums[0], 1]
      : nums.length === 2
        ? [nums[0], nums[1], 1]
        : [nums[0], nums[1], nums[2]];
  if (!Number.isFinite(start) || !Number.isFinite(stop) || !Number.isFinite(step) || step === 0) {
    throw new RangeError(
      `arange: start ${start}, stop ${stop} and step ${step} must be finite, with a non-zero step`,
    );
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const ints =
    [start, stop, step].every(Number.isInteger) && Math.abs(start) + Math.abs(step) * n < 2 ** 31;
  const dtype: Dtype =
    options.dtype === undefined
      ? ints
        ? 'int32'
        : 'float64'
      : checkDtype(options.dtype, 'arange');
  return DaskArray.of(rangeSpec('arange', start, step, n, dtype, options));
}

/**
 * `num` evenly spaced values from `start` to `stop` (included unless `endpoint: false`).
 *
 * @example
 * linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(
  start: number,
  stop: number,
  num = 50,
  options: CreateOptions & { readonly endpoint?: boolean } = {},
): DaskArray {
  checkShape([num], 'linspace');
  const endpoint = options.endpoint ?? true;
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : NaN;
  const dtype = checkDtype(options.dtype ?? 'float64', 'linspace');
  return DaskArray.of(
    rangeSpec(
      'linspace',
      start,
      div > 0 ? step : 0,
      num,
      dtype,
      options,
      endpoint && num > 1 ? stop : undefined,
    ),
  );
}
