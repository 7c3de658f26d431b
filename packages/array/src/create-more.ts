// More ways to make arrays: `eye`, `fromFunction` (a user function of the indices, per element),
// `fromDelayed` (the value of a delayed computation as a one-block array of a promised shape and
// dtype), and joining arrays (`concatenate`, `stack`, `block`, see join.ts).
import { daskKeys, type Collection, type GraphLayer, type GraphNode } from '@dask-ts/protocol';
import { collectionLayer, fnKeyPrefix, isDelayed, tokenize, type FnOptions } from '@dask-ts/graph';
import { DaskArray, type ArrayValue } from './array.js';
import { arrayFns } from './blockwise.js';
import { blockShape, normalizeChunks, numblocks, offsets } from './chunks.js';
import { checkShape, type CreateOptions } from './creation.js';
import { checkDtype, itemsize } from './dtype.js';
import { blockSpecs, concatenateSpecs, stackSpecs } from './join.js';
import { kernels } from './kernels.js';
import { ArrayLayer, sourceLayer, type BlockInput } from './layers.js';

/**
 * An array with ones on the `k`-th diagonal and zeros elsewhere, `n` rows and `m` columns
 * (default `n`).
 *
 * @example
 * eye(4, { k: 1, chunks: 2 });
 */
export function eye(
  n: number,
  options: CreateOptions & { readonly m?: number; readonly k?: number } = {},
): DaskArray {
  const m = options.m ?? n;
  const k = options.k ?? 0;
  checkShape([n, m], 'eye');
  if (!Number.isInteger(k)) throw new TypeError(`eye: k must be an integer, got ${k}`);
  const dtype = checkDtype(options.dtype ?? 'float64', 'eye');
  const chunks = normalizeChunks([n, m], options.chunks ?? 'auto', itemsize(dtype), 'eye');
  const starts = chunks.map(offsets);
  const name = `eye-${tokenize(n, m, k, dtype, chunks)}`;
  const layer = sourceLayer(name, numblocks(chunks), (idx) =>
    kernels.task('eye', [dtype, blockShape(chunks, idx), starts[0][idx[0]], starts[1][idx[1]], k]),
  );
  return DaskArray.of({ layer, chunks, dtype });
}

/**
 * An array whose element at `[i, j, ...]` is `fn(i, j, ...)` (called once per element, where the
 * block is made; a closure names what it reads in `scope`).
 *
 * @example
 * fromFunction((i, j) => i * 10 + j, [3, 4], { chunks: 2, dtype: 'int32' });
 */
export function fromFunction(
  fn: (...indices: number[]) => number | boolean,
  shape: readonly number[],
  options: CreateOptions & FnOptions = {},
): DaskArray {
  checkShape(shape, 'fromFunction');
  const dtype = checkDtype(options.dtype ?? 'float64', 'fromFunction');
  const chunks = normalizeChunks(shape, options.chunks ?? 'auto', itemsize(dtype), 'fromFunction');
  const starts = chunks.map(offsets);
  const f = arrayFns.arg(fn, options, 'fromFunction');
  const name = `${fnKeyPrefix(fn, options) ?? 'fromFunction'}-${tokenize(f.token, shape, dtype, chunks)}`;
  const layer = sourceLayer(name, numblocks(chunks), (idx) =>
    kernels.task('fromFunction', [
      f.arg,
      dtype,
      blockShape(chunks, idx),
      idx.map((b, a) => starts[a][b]),
    ]),
  );
  return DaskArray.of({ layer, chunks, dtype });
}

/** The one block of a delayed value: reads the delayed's key, which its own layer makes. */
class DelayedBlock extends ArrayLayer {
  constructor(
    name: string,
    deps: readonly GraphLayer[],
    private readonly key: string,
    private readonly shape: readonly number[],
    private readonly dtype: string,
  ) {
    super(
      name,
      deps,
      shape.map(() => 1),
    );
  }
  inputs(): readonly BlockInput[] {
    return [];
  }
  node(): GraphNode {
    return kernels.task('fromValue', [{ $ref: this.key }, this.shape, this.dtype]);
  }
}

/**
 * An array of one block: the value of a delayed computation (an ndarray, a typed array, nested
 * arrays or a number), which must have the promised `shape` (checked when it is computed).
 *
 * @example
 * const loaded = delayed(loadImage)('a.png');
 * const img = fromDelayed(loaded, [512, 512], { dtype: 'uint8' });
 */
export function fromDelayed(
  value: unknown,
  shape: readonly number[],
  options: { readonly dtype?: CreateOptions['dtype'] } = {},
): DaskArray {
  if (!isDelayed(value)) {
    throw new TypeError(
      `fromDelayed: expected a Delayed value, got ${value === null ? 'null' : typeof value}`,
    );
  }
  checkShape(shape, 'fromDelayed');
  const dtype = checkDtype(options.dtype ?? 'float64', 'fromDelayed');
  const c = value as unknown as Collection;
  const keys = c[daskKeys]();
  const key = keys[0];
  if (keys.length !== 1 || typeof key !== 'string') {
    throw new TypeError('fromDelayed: the Delayed value must have a single key');
  }
  const layer = new DelayedBlock(
    `fromDelayed-${tokenize(key, shape, dtype)}`,
    [collectionLayer(c)],
    key,
    shape,
    dtype,
  );
  return DaskArray.of({ layer, chunks: shape.map((s) => [s]), dtype });
}

function isDaskArray(v: unknown): v is DaskArray<ArrayValue> {
  return v instanceof DaskArray;
}

function checkArrays(op: string, arrays: readonly unknown[]): DaskArray<ArrayValue>[] {
  if (!Array.isArray(arrays)) throw new TypeError(`${op}: expected a list of DaskArrays`);
  arrays.forEach((a, i) => {
    if (!isDaskArray(a)) {
      throw new TypeError(
        `${op}: element ${i} is ${a === null ? 'null' : typeof a}, expected a DaskArray`,
      );
    }
  });
  return arrays as DaskArray<ArrayValue>[];
}

/**
 * The arrays joined along an existing axis (default 0); dtypes promoted.
 *
 * @example
 * concatenate([x, y], { axis: 1 });
 */
export function concatenate(
  arrays: readonly DaskArray<ArrayValue>[],
  options: { readonly axis?: number } = {},
): DaskArray {
  return DaskArray.of(concatenateSpecs(checkArrays('concatenate', arrays), options.axis ?? 0));
}

/**
 * Arrays of one shape joined along a new axis (default 0).
 *
 * @example
 * stack([x, y, z], { axis: -1 });
 */
export function stack(
  arrays: readonly DaskArray<ArrayValue>[],
  options: { readonly axis?: number } = {},
): DaskArray {
  return DaskArray.of(stackSpecs(checkArrays('stack', arrays), options.axis ?? 0));
}

/**
 * An array assembled from nested lists of arrays (NumPy's `block`).
 *
 * @example
 * block([[a, b], [c, d]]);
 */
export function block(nested: readonly unknown[]): DaskArray {
  return DaskArray.of(blockSpecs(nested, isDaskArray));
}
