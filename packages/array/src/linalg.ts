// The public linear algebra functions (they wrap the operations of matmul.ts and linalg-ops.ts in
// DaskArray): matmul, dot, tensordot, outer, and the `linalg` namespace of NumPy and dask.array.
// As in NumPy, products of int64 / uint64 stay 64-bit integers (exact, wrapping), while the
// `linalg` namespace works on them in float64.
import { DaskArray, type ArrayValue } from './array.js';
import { bigAsFloat } from './elementwise.js';
import type { ArraySpec } from './spec.js';
import {
  dot as dotSpec,
  einsum as einsumSpec,
  matmul as matmulSpec,
  outer as outerSpec,
  tensordot as tensordotSpec,
  type ContractOptions,
} from './matmul.js';
import {
  cholesky as choleskySpec,
  inv as invSpec,
  norm as normSpec,
  qr as qrSpec,
  solve as solveSpec,
  svd as svdSpec,
  type NormOptions,
  type NormOrd,
} from './linalg-ops.js';
import { det as detSpec, lu as luSpec, solveTriangular as triSpec } from './linalg-lu.js';
import {
  eig as eigSpec,
  eigh as eighSpec,
  eigvals as eigvalsSpec,
  lstsq as lstsqSpec,
} from './linalg-more.js';
import { ComplexArray } from './fft.js';

function check(op: string, xs: readonly unknown[]): void {
  xs.forEach((x, i) => {
    if (!(x instanceof DaskArray)) {
      throw new TypeError(
        `${op}: operand ${i} must be a DaskArray, got ${x === null ? 'null' : typeof x}`,
      );
    }
  });
}

/** An operand of the `linalg` namespace: int64 / uint64 in float64, as NumPy's linalg does. */
const f = (x: DaskArray<ArrayValue>): ArraySpec => bigAsFloat(x);

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

/**
 * NumPy's `einsum` over one or two arrays: `'ij,jk->ik'`, `'bij,bjk->bik'`, `'ij->ji'`, `'i,i->'`,
 * `'...ij,...jk->...ik'` (an ellipsis broadcasts as in NumPy), or implicit output (`'ij,jk'`).
 * Repeated subscripts within one operand (diagonals) are not supported.
 *
 * @example
 * einsum('ij,kj->ik', a, b); // a @ b.T
 */
export function einsum(
  subscripts: string,
  ...operands: [DaskArray<ArrayValue>, ...DaskArray<ArrayValue>[]]
): DaskArray {
  check('einsum', operands);
  return DaskArray.of(einsumSpec(subscripts, operands));
}

/**
 * Solves `a x = b` for a square matrix `a` and a vector or matrix `b`: in one block when `a` is
 * one block, through the blocked LU otherwise. Fails when computed if `a` is singular.
 *
 * @example
 * const x = solve(a, b);
 */
function solve(a: DaskArray<ArrayValue>, b: DaskArray<ArrayValue>): DaskArray {
  check('solve', [a, b]);
  return DaskArray.of(solveSpec(f(a), f(b)));
}

/**
 * The inverse of a square matrix (one block, or through the blocked LU for many).
 *
 * @example
 * inv(a).matmul(a); // about the identity
 */
function inv(a: DaskArray<ArrayValue>): DaskArray {
  check('inv', [a]);
  return DaskArray.of(invSpec(f(a)));
}

/**
 * The Cholesky factor of a symmetric positive-definite matrix (in one block): upper triangular
 * `u` with `a = u.T @ u` (dask.array's default), or lower `l` with `a = l @ l.T` (NumPy's) with
 * `{ lower: true }`.
 *
 * @example
 * const l = cholesky(a, { lower: true });
 */
function cholesky(a: DaskArray<ArrayValue>, options: { readonly lower?: boolean } = {}): DaskArray {
  check('cholesky', [a]);
  return DaskArray.of(choleskySpec(f(a), options.lower ?? false));
}

/**
 * The reduced QR decomposition of a tall-and-skinny matrix by TSQR (the columns in one block,
 * a QR per row block, one more over the stacked R factors): `[q, r]`.
 *
 * @example
 * const [q, r] = qr(random.random([100000, 20], { chunks: [10000, 20], seed: 1 }));
 */
function qr(a: DaskArray<ArrayValue>): [DaskArray, DaskArray] {
  check('qr', [a]);
  const [q, r] = qrSpec(f(a));
  return [DaskArray.of(q), DaskArray.of(r)];
}

/**
 * The reduced SVD `[u, s, vt]` of a tall-and-skinny or short-and-wide matrix by TSQR, the
 * singular values descending: `a = u @ diag(s) @ vt`.
 *
 * @example
 * const [u, s, vt] = svd(a);
 */
function svd(a: DaskArray<ArrayValue>): [DaskArray, DaskArray, DaskArray] {
  check('svd', [a]);
  const [u, s, vt] = svdSpec(f(a));
  return [DaskArray.of(u), DaskArray.of(s), DaskArray.of(vt)];
}

/**
 * NumPy's `linalg.norm`: vector norms (`ord` 2 by default, any p, 0, ±Infinity) along one axis,
 * matrix norms (Frobenius by default, 1, -1, ±Infinity, 2, -2, 'nuc') over two.
 *
 * @example
 * await norm(x).compute(); // a number for a vector or matrix
 */
function norm(x: DaskArray<ArrayValue>, options: NormOptions = {}): DaskArray {
  check('norm', [x]);
  return DaskArray.of(normSpec(f(x), options));
}

/**
 * The LU decomposition with partial pivoting of a square matrix of any blocks, as scipy's and
 * dask.array's: `[p, l, u]` with `a = p @ l @ u` (column panels, one task per panel).
 *
 * @example
 * const [p, l, u] = linalg.lu(a);
 */
function lu(a: DaskArray<ArrayValue>): [DaskArray, DaskArray, DaskArray] {
  check('lu', [a]);
  const [p, l, u] = luSpec(f(a));
  return [DaskArray.of(p), DaskArray.of(l), DaskArray.of(u)];
}

/**
 * The determinant of a square matrix of any blocks (through its LU): a 0-d float64 array.
 *
 * @example
 * await linalg.det(a).compute(); // a number
 */
function det(a: DaskArray<ArrayValue>): DaskArray<number> {
  check('det', [a]);
  return DaskArray.of<number>(detSpec(f(a)));
}

/**
 * Solves `t x = b` for a triangular `t` of any blocks, block row by block row (`lower`: forward
 * substitution; `unit`: ones on the diagonal).
 *
 * @example
 * const y = linalg.solveTriangular(l, b, { lower: true });
 */
function solveTriangular(
  t: DaskArray<ArrayValue>,
  b: DaskArray<ArrayValue>,
  options: { readonly lower?: boolean; readonly unit?: boolean } = {},
): DaskArray {
  check('solveTriangular', [t, b]);
  return DaskArray.of(triSpec(f(t), f(b), options));
}

/**
 * The least-squares solution of `a x = b` for a tall-and-skinny `a`, by TSQR (dask.array's
 * `lstsq`): `[x, residuals, rank, s]`; residuals are always computed, rank is 0-d int32.
 *
 * @example
 * const [x, residuals, rank, s] = linalg.lstsq(a, b);
 */
function lstsq(
  a: DaskArray<ArrayValue>,
  b: DaskArray<ArrayValue>,
): [DaskArray, DaskArray, DaskArray<number>, DaskArray] {
  check('lstsq', [a, b]);
  const [x, r, k, s] = lstsqSpec(f(a), f(b));
  return [DaskArray.of(x), DaskArray.of(r), DaskArray.of<number>(k), DaskArray.of(s)];
}

/**
 * The eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix, in one block
 * (NumPy's `eigh`, by Jacobi rotations): `[w, v]` with `a @ v = v * w`.
 *
 * @example
 * const [w, v] = linalg.eigh(a);
 */
function eigh(a: DaskArray<ArrayValue>, uplo: 'L' | 'U' = 'L'): [DaskArray, DaskArray] {
  check('eigh', [a]);
  const [w, v] = eighSpec(f(a), uplo);
  return [DaskArray.of(w), DaskArray.of(v)];
}

/**
 * The eigenvalues of a general (nonsymmetric) square matrix, in one block (NumPy's `eigvals`),
 * as a complex array: conjugate pairs for complex eigenvalues, in the order of the real Schur
 * form's diagonal (as LAPACK gives them).
 *
 * @example
 * const w = linalg.eigvals(fromArray([[0, -1], [1, 0]])); // i and -i
 * await w.im.compute(); // [1, -1]
 */
function eigvals(a: DaskArray<ArrayValue>): ComplexArray {
  check('eigvals', [a]);
  return new ComplexArray(DaskArray.of(eigvalsSpec(f(a))));
}

/**
 * The eigenvalues and eigenvectors of a general square matrix, in one block (NumPy's `eig`):
 * `[w, v]` as complex arrays, `v`'s columns the eigenvectors (Euclidean norm 1, the component of
 * largest modulus real and positive: NumPy's up to a sign for real vectors), by inverse iteration.
 *
 * @example
 * const [w, v] = linalg.eig(a); // a @ v[:, j] = w[j] * v[:, j]
 */
function eig(a: DaskArray<ArrayValue>): [ComplexArray, ComplexArray] {
  check('eig', [a]);
  const [w, v] = eigSpec(f(a));
  return [new ComplexArray(DaskArray.of(w)), new ComplexArray(DaskArray.of(v))];
}

/**
 * The linear algebra of NumPy's and dask.array's `linalg`: `solve`, `inv` (a matrix of many
 * blocks through the blocked LU), `lu`, `det`, `solveTriangular`, `cholesky`, `qr`, `svd`,
 * `lstsq`, `eigh`, `eig`, `eigvals` and `norm`.
 *
 * @example
 * const [q, r] = linalg.qr(a);
 * const x = linalg.solve(a, b);
 */
export const linalg = Object.freeze({
  solve,
  inv,
  lu,
  det,
  solveTriangular,
  cholesky,
  qr,
  svd,
  lstsq,
  eigh,
  eig,
  eigvals,
  norm,
});

export type { ContractOptions, NormOptions, NormOrd };
