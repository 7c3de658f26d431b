// The public linear algebra functions (they wrap the operations of matmul.ts and linalg-ops.ts in
// DaskArray): matmul, dot, tensordot, outer, and the `linalg` namespace of NumPy and dask.array.
import { DaskArray, type ArrayValue } from './array.js';
import {
  dot as dotSpec,
  matmul as matmulSpec,
  outer as outerSpec,
  tensordot as tensordotSpec,
  type ContractOptions,
} from './matmul.js';

function check(op: string, xs: readonly unknown[]): void {
  xs.forEach((x, i) => {
    if (!(x instanceof DaskArray)) {
      throw new TypeError(
        `${op}: operand ${i} must be a DaskArray, got ${x === null ? 'null' : typeof x}`,
      );
    }
  });
}

/**
 * The matrix product, as NumPy's `matmul` (`a @ b`): 1-d operands are vectors, leading axes are
 * batches that broadcast. Float32 and integer operands are multiplied in float64 and cast back.
 *
 * @example
 * const c = matmul(a, b); // (n, k) @ (k, m) -> (n, m)
 */
export function matmul(
  a: DaskArray<ArrayValue>,
  b: DaskArray<ArrayValue>,
  options: ContractOptions = {},
): DaskArray {
  check('matmul', [a, b]);
  return DaskArray.of(matmulSpec(a, b, options));
}

/**
 * NumPy's `dot`: the inner product of vectors, the matrix product of matrices, and in general
 * a sum over the last axis of `a` and the second-to-last of `b`.
 *
 * @example
 * await dot(v, v).compute(); // |v|^2
 */
export function dot(
  a: DaskArray<ArrayValue>,
  b: DaskArray<ArrayValue>,
  options: ContractOptions = {},
): DaskArray {
  check('dot', [a, b]);
  return DaskArray.of(dotSpec(a, b, options));
}

/**
 * NumPy's `tensordot`: sums products over `axes`, a count (the last n axes of `a` with the first
 * n of `b`, default 2) or a pair of axis lists.
 *
 * @example
 * tensordot(a, b, [[1, 0], [0, 1]]);
 */
export function tensordot(
  a: DaskArray<ArrayValue>,
  b: DaskArray<ArrayValue>,
  axes: number | readonly [number | readonly number[], number | readonly number[]] = 2,
  options: ContractOptions = {},
): DaskArray {
  check('tensordot', [a, b]);
  return DaskArray.of(tensordotSpec(a, b, axes, options));
}

/**
 * NumPy's `outer`: `out[i, j] = a.ravel()[i] * b.ravel()[j]`.
 *
 * @example
 * outer(arange(3), arange(4)).shape; // [3, 4]
 */
export function outer(a: DaskArray<ArrayValue>, b: DaskArray<ArrayValue>): DaskArray {
  check('outer', [a, b]);
  return DaskArray.of(outerSpec(a, b));
}

export type { ContractOptions };
