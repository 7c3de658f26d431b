// Computed arrays out to plain JavaScript: `toNdarray` gives the scijs ndarray (compact, C order;
// a 0-d result, which `compute` gives as a number or boolean, as a 0-d ndarray), and
// `toTypedArray` its typed array alone, in C order (the buffer is the result's own, not a copy).
import ndarray from 'ndarray';
import type { DaskArray, ArrayValue, NdArray } from './array.js';
import type { GraphComputeOptions } from '@dask-ts/graph';
import { allocate, type TypedArray } from './dtype.js';

/**
 * Computes `x` to an ndarray (a 0-d array for a reduction over every axis).
 *
 * @example
 * const nd = await toNdarray(x.add(1)); // nd.shape, nd.get(0, 1), nd.data
 */
export async function toNdarray(
  x: DaskArray<ArrayValue>,
  options: GraphComputeOptions = {},
): Promise<NdArray> {
  const v = await x.compute(options);
  if (typeof v !== 'number' && typeof v !== 'boolean') return v;
  const data = allocate(x.dtype, 1);
  (data as unknown as number[])[0] = typeof v === 'boolean' ? Number(v) : v;
  return ndarray(data, []);
}

/**
 * Computes `x` to its elements in C order, as the typed array of its dtype (bigints for int64).
 *
 * @example
 * const f64 = await toTypedArray(random.random([1000], { seed: 1 })); // Float64Array(1000)
 */
export async function toTypedArray(
  x: DaskArray<ArrayValue>,
  options: GraphComputeOptions = {},
): Promise<TypedArray> {
  return (await toNdarray(x, options)).data;
}
