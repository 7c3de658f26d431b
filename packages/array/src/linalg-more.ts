// More of `linalg`, built from the pieces the other linalg modules give: `eigh` (one block, by
// Jacobi rotations), `eigvals` (one block, general matrices, by Hessenberg reduction and
// Francis' double-shift QR; see linalg-eig-block.ts), `eig` (those and eigenvectors by inverse
// iteration, linalg-eig-vectors.ts) and `lstsq` (least squares through TSQR, as dask.array does: x solves
// R x = Q^T b by back substitution, residuals are the column sums of (a x - b)^2, the rank and
// the singular values come from R).
import { formatShape, shapeOf } from './chunks.js';
import { binary, unary } from './elementwise.js';
import { linalgKernels } from './linalg-kernels.js';
import { solveTriangular } from './linalg-lu.js';
import { oneBlock, qr, svd } from './linalg-ops.js';
import { matmul } from './matmul.js';
import { reduction } from './reductions.js';
import { rechunk } from './rechunk.js';
import { getitem } from './slicing.js';
import { transpose } from './shape-ops.js';
import type { ArraySpec } from './spec.js';

/**
 * The eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix, in one block
 * (NumPy's `eigh`): `[w, v]`; only the lower triangle is read (the upper with `'U'`).
 *
 * @example
 * const [w, v] = eigh(a);
 */
export function eigh(a: ArraySpec, uplo: 'L' | 'U' = 'L'): [ArraySpec, ArraySpec] {
  const s = shapeOf(a.chunks);
  if (s.length !== 2 || s[0] !== s[1]) {
    throw new RangeError(
      `eigh: LinAlgError: expected a square matrix, got shape ${formatShape(s)}`,
    );
  }
  if (uplo !== 'L' && uplo !== 'U') {
    throw new RangeError(`eigh: uplo must be 'L' or 'U', got ${JSON.stringify(uplo)}`);
  }
  const n = s[0];
  const both = oneBlock(
    'eigh',
    [a],
    [n + 1, n],
    'float64',
    [[n + 1], [n]],
    (refs) => linalgKernels.task('eighBlock', [refs[0], uplo === 'L']),
    uplo,
  );
  const w = getitem(both, [0, { start: 0, stop: n, step: 1 }]);
  const v = getitem(both, [
    { start: 1, stop: n + 1, step: 1 },
    { start: 0, stop: n, step: 1 },
  ]);
  return [
    w,
    rechunk(
      v,
      a.chunks.map((c) => c.slice()),
    ),
  ];
}

/**
 * The eigenvalues of a general square matrix, in one block (NumPy's `eigvals`), as an n x 2
 * float64 array of (real, imaginary) pairs: complex ones come in conjugate pairs.
 *
 * @example
 * const pairs = eigvals(a); // shape [n, 2]
 */
export function eigvals(a: ArraySpec): ArraySpec {
  const s = shapeOf(a.chunks);
  if (s.length !== 2 || s[0] !== s[1]) {
    throw new RangeError(
      `eigvals: LinAlgError: expected a square matrix, got shape ${formatShape(s)}`,
    );
  }
  const n = s[0];
  return oneBlock('eigvals', [a], [n, 2], 'float64', [[n], [2]], (refs) =>
    linalgKernels.task('eigvalsBlock', [refs[0]]),
  );
}

/**
 * The eigenvalues and eigenvectors of a general square matrix, in one block (NumPy's `eig`):
 * `[w, v]` as (real, imaginary) pairs, w of shape [n, 2] and v [n, n, 2] (vectors as columns,
 * in a's blocks).
 *
 * @example
 * const [w, v] = eig(a);
 */
export function eig(a: ArraySpec): [ArraySpec, ArraySpec] {
  const s = shapeOf(a.chunks);
  if (s.length !== 2 || s[0] !== s[1]) {
    throw new RangeError(`eig: LinAlgError: expected a square matrix, got shape ${formatShape(s)}`);
  }
  const n = s[0];
  const both = oneBlock('eig', [a], [n + 1, n, 2], 'float64', [[n + 1], [n], [2]], (refs) =>
    linalgKernels.task('eigBlock', [refs[0]]),
  );
  const all = { start: 0, stop: n, step: 1 };
  const pair = { start: 0, stop: 2, step: 1 };
  const w = getitem(both, [0, all, pair]);
  const v = getitem(both, [{ start: 1, stop: n + 1, step: 1 }, all, pair]);
  return [w, rechunk(v, [...a.chunks.map((c) => c.slice()), [2]])];
}

/**
 * The least-squares solution of `a x = b` for a tall-and-skinny `a` (TSQR): `[x, residuals,
 * rank, s]` as dask.array's `lstsq` (residuals always computed; rank a 0-d int32).
 *
 * @example
 * const [x, residuals, rank, s] = lstsq(a, b);
 */
export function lstsq(a: ArraySpec, b: ArraySpec): [ArraySpec, ArraySpec, ArraySpec, ArraySpec] {
  const sa = shapeOf(a.chunks);
  const sb = shapeOf(b.chunks);
  if (sa.length !== 2 || (sb.length !== 1 && sb.length !== 2) || sb[0] !== sa[0]) {
    throw new RangeError(
      `lstsq: a of shape ${formatShape(sa)} and b of shape ${formatShape(sb)} do not match; a must be 2-d and b have ${sa[0] ?? '?'} rows`,
    );
  }
  const [q, r] = qr(a);
  const qtb = matmul(
    transpose(q, [1, 0]),
    rechunk(b, [q.chunks[0].slice(), ...b.chunks.slice(1).map(() => -1)]),
    {},
  );
  const x = solveTriangular(r, qtb, { lower: false });
  const resid = binary('sub', matmul(a, x, {}), b);
  const residuals = reduction(binary('mul', resid, resid), 'sum', {
    axis: 0,
    keepdims: sb.length === 1,
  });
  const [, s] = svd(r);
  const tol = binary('mul', reduction(s, 'max', {}), Math.max(...sa) * Number.EPSILON);
  const rank = unary('astype', reduction(binary('gt', s, tol), 'sum', {}), 'int32');
  return [x, sb.length === 1 ? rechunk(residuals, [-1]) : residuals, rank, s];
}
