// Making arrays: from data in memory (an ndarray, a typed array with a shape, nested JS arrays),
// constant arrays, ranges. `fromArray` keeps a reference to the data and cuts each block from it
// (copied, compact) when the graph is built at compute time, as dask's `from_array` reads its
// source; its name is unique per call (the data is not hashed). Constant arrays and ranges make
// their blocks in the tasks: nothing is allocated while building.
import ndarray from 'ndarray';
import { data } from '@dask-ts/protocol';
import { tokenize } from '@dask-ts/graph';
import {
  blockShape,
  formatShape,
  normalizeChunks,
  numblocks,
  offsets,
  type ChunksLike,
} from './chunks.js';
import { checkDtype, dtypeOfTypedArray, itemsize, type Dtype, type TypedArray } from './dtype.js';
import { isNdarray, kernels } from './kernels.js';
import { compactCopy, copyRegion, makeNd, sizeOfShape, type Nd } from './nd.js';
import { sourceLayer } from './layers.js';
import type { ArraySpec } from './spec.js';

/**
 * Options of the functions that make arrays.
 *
 * @example
 * zeros([1000, 1000], { chunks: 250, dtype: 'float32' });
 */
export interface CreateOptions {
  /** How to cut the array into blocks (default `'auto'`: about 128 MiB per block). */
  readonly chunks?: ChunksLike;
  /** The element type (default float64, or the data's own type). */
  readonly dtype?: Dtype;
}

/**
 * Options of {@link fromArray}.
 *
 * @example
 * fromArray(new Float32Array(12), { shape: [3, 4], chunks: [2, -1] });
 */
export interface FromArrayOptions extends CreateOptions {
  /** The shape of a typed array's elements (default: one axis). */
  readonly shape?: readonly number[];
}

/**
 * What {@link fromArray} accepts: an ndarray, a typed array, or nested arrays of numbers or
 * booleans.
 *
 * @example
 * const d: ArrayData = [[1, 2], [3, 4]];
 */
export type ArrayData =
  Nd | ndarray.NdArray | TypedArray | BigInt64Array | BigUint64Array | readonly unknown[];

let counter = 0;

/** Whether a value looks like an ndarray over any data (a plain array too). */
function isNdLike(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const a = v as { shape?: unknown; stride?: unknown; offset?: unknown; data?: unknown };
  return (
    Array.isArray(a.shape) &&
    Array.isArray(a.stride) &&
    typeof a.offset === 'number' &&
    a.data !== undefined
  );
}

/** The shape of nested arrays, checked to be rectangular. */
function nestedShape(v: readonly unknown[]): number[] {
  const shape: number[] = [];
  let cur: unknown = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

function flatten(v: readonly unknown[], shape: readonly number[], out: TypedArray): void {
  let k = 0;
  const walk = (x: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof x === 'number') out[k++] = x;
      else if (typeof x === 'boolean') out[k++] = x ? 1 : 0;
      else
        throw new TypeError(
          `fromArray: element [${path.join(', ')}] is ${x === null ? 'null' : typeof x}, expected a number or a boolean`,
        );
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) {
      throw new RangeError(
        `fromArray: the nested arrays are ragged: [${path.join(', ')}] should be an array of length ${shape[depth]} (shape ${formatShape(shape)})`,
      );
    }
    x.forEach((y, i) => walk(y, depth + 1, [...path, i]));
  };
  walk(v, 0, []);
}

/** The data as an ndarray (any strides) and its dtype. */
function toSource(input: ArrayData, options: FromArrayOptions): { src: Nd; dtype: Dtype } {
  const want = options.dtype === undefined ? undefined : checkDtype(options.dtype, 'fromArray');
  if (isNdarray(input) || isNdLike(input)) {
    const nd = input as Nd;
    const own = dtypeOfTypedArray(nd.data);
    if (own === undefined) {
      const copy = makeNd('float64', nd.shape);
      copyRegion(
        nd,
        nd.shape.map(() => 0),
        copy,
        nd.shape.map(() => 0),
        nd.shape,
      );
      return { src: copy, dtype: want ?? 'float64' };
    }
    return { src: nd, dtype: want ?? own };
  }
  if (ArrayBuffer.isView(input)) {
    const arr = input;
    const own = dtypeOfTypedArray(arr);
    if (own === undefined)
      throw new TypeError(`fromArray: unsupported typed array ${arr.constructor.name}`);
    const shape = options.shape ?? [arr.length];
    if (sizeOfShape(shape) !== arr.length) {
      throw new RangeError(
        `fromArray: ${arr.length} elements cannot have shape ${formatShape(shape)}`,
      );
    }
    return { src: makeNd(own, shape, arr as TypedArray), dtype: want ?? own };
  }
  if (Array.isArray(input)) {
    const shape = nestedShape(input);
    let leaf: unknown = input;
    while (Array.isArray(leaf)) leaf = leaf[0];
    const dtype = want ?? (typeof leaf === 'boolean' ? 'bool' : 'float64');
    const src = makeNd('float64', shape);
    flatten(input, shape, src.data);
    return { src, dtype };
  }
  throw new TypeError(
    `fromArray: expected an ndarray, a typed array or nested arrays, got ${input === null ? 'null' : typeof input}`,
  );
}

/**
 * A lazy array over data in memory: an ndarray (any strides), a typed array (with `shape`), or
 * nested arrays (numbers, or booleans for a bool array).
 *
 * @example
 * const x = fromArray([[1, 2, 3], [4, 5, 6]], { chunks: [1, 2] });
 * const y = fromArray(new Int16Array(12), { shape: [3, 4], chunks: 2 });
 */
export function fromArraySpec(input: ArrayData, options: FromArrayOptions = {}): ArraySpec {
  const { src, dtype } = toSource(input, options);
  const shape = src.shape.slice();
  const chunks = normalizeChunks(shape, options.chunks ?? 'auto', itemsize(dtype), 'fromArray');
  const starts = chunks.map(offsets);
  const name = `array-${tokenize(++counter, Math.random(), shape, dtype)}`;
  const layer = sourceLayer(name, numblocks(chunks), (idx) => {
    const bshape = blockShape(chunks, idx);
    const from = idx.map((b, a) => starts[a][b]);
    const view = ndarray(
      src.data,
      bshape,
      src.stride.slice(),
      src.offset + from.reduce((o, f, a) => o + f * src.stride[a], 0),
    );
    return data(compactCopy(view, dtype));
  });
  return { layer, chunks, dtype };
}

/**
 * An array of `shape` filled with `value`.
 *
 * @example
 * fullSpec([4, 4], 7, { chunks: 2 });
 */
export function fullSpec(
  shape: readonly number[],
  value: number,
  options: CreateOptions = {},
  op = 'full',
): ArraySpec {
  checkShape(shape, op);
  const dtype = checkDtype(options.dtype ?? 'float64', op);
  const chunks = normalizeChunks(shape, options.chunks ?? 'auto', itemsize(dtype), op);
  const name = `${op}-${tokenize(shape, value, dtype, chunks)}`;
  const layer = sourceLayer(name, numblocks(chunks), (idx) =>
    kernels.task('full', [dtype, blockShape(chunks, idx), value]),
  );
  return { layer, chunks, dtype };
}

/**
 * Refuses a shape that is not a list of non-negative integers, naming it.
 *
 * @example
 * checkShape([2, -1], 'zeros'); // throws
 */
export function checkShape(shape: readonly number[], op: string): void {
  if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new RangeError(
      `${op}: shape ${JSON.stringify(shape)} must be a list of non-negative integers`,
    );
  }
}

/**
 * A 1-d range: `n` values `start + i * step`, the last one exactly `last` when given.
 *
 * @example
 * rangeSpec('arange', 0, 1, 10, 'int32', {});
 */
export function rangeSpec(
  op: string,
  start: number,
  step: number,
  n: number,
  dtype: Dtype,
  options: CreateOptions,
  last?: number,
): ArraySpec {
  const chunks = normalizeChunks([n], options.chunks ?? 'auto', itemsize(dtype), op);
  const starts = offsets(chunks[0]);
  const name = `${op}-${tokenize(start, step, n, dtype, chunks, last ?? null)}`;
  const layer = sourceLayer(name, [chunks[0].length], ([b]) =>
    kernels.task('range', [
      dtype,
      start,
      step,
      starts[b],
      chunks[0][b],
      last === undefined ? -1 : n - 1,
      last ?? 0,
    ]),
  );
  return { layer, chunks, dtype };
}
