// The block kernels of the linear algebra operations (linalg-ops.ts builds their graphs). TSQR
// passes its factors between tasks as stacked blocks: a row block's task gives Q_i over R_i
// ((m_i + n) x n), the reducing task gives Q2 over R ((b n + n) x n, for b row blocks), and the
// SVD of R gives U_r, then s, then V^T as rows ((2n + 1) x n). Results are computed in float64
// and cast to the operation's dtype (float32 stays float32). Kernel side.
import type { Dtype } from './dtype.js';
import { choleskyDense, invDense, qrDense, solveDense, svdSquare } from './linalg-dense.js';
import { gemm, type Mat } from './matmul-kernel.js';
import { compactCopy, makeNd, type Nd } from './nd.js';

const cast = (x: Nd, dtype: Dtype): Nd => (dtype === 'float64' ? x : compactCopy(x, dtype));

/** Rows [r0, r0 + rows) of a compact row-major block with n columns, as a matrix. */
const rowsOf = (x: Nd, r0: number, rows: number, n: number): Mat => ({
  data: x.data,
  offset: r0 * n,
  rows,
  cols: n,
  rs: n,
  cs: 1,
});

/** `solve` of one block pair. @example solve(a, b, 'float64') */
export function solve(a: Nd, b: Nd, dtype: Dtype): Nd {
  return cast(solveDense(a, b), dtype);
}

/** `inv` of one block. @example inv(a, 'float64') */
export function inv(a: Nd, dtype: Dtype): Nd {
  return cast(invDense(a), dtype);
}

/** `cholesky` of one block. @example cholesky(a, true, 'float64') */
export function cholesky(a: Nd, lower: boolean, dtype: Dtype): Nd {
  return cast(choleskyDense(a, lower), dtype);
}

/** TSQR's first step on row block `a` (m x n, m >= n): Q over R. @example tsqrBlock(a) */
export function tsqrBlock(a: Nd): Nd {
  const { q, r, m, n } = qrDense(a);
  const out = new Float64Array((m + n) * n);
  out.set(q);
  out.set(r, m * n);
  return makeNd('float64', [m + n, n], out);
}

/** TSQR's reduction: the QR of the stacked R factors, as Q2 over R. @example tsqrReduce(n, s0, s1) */
export function tsqrReduce(n: number, ...stacked: Nd[]): Nd {
  const rs = makeNd('float64', [stacked.length * n, n]);
  stacked.forEach((s, i) => {
    const m = s.shape[0] - n;
    rs.data.set(s.data.subarray(m * n, (m + n) * n), i * n * n);
  });
  return tsqrBlock(rs);
}

/** Block i of Q: Q_i @ Q2_i. @example tsqrQ(0, n, s0, reduced, 'float64') */
export function tsqrQ(i: number, n: number, stacked: Nd, reduced: Nd, dtype: Dtype): Nd {
  const m = stacked.shape[0] - n;
  const q = gemm([[rowsOf(stacked, 0, m, n), rowsOf(reduced, i * n, n, n)]]);
  return cast(makeNd('float64', [m, n], q), dtype);
}

/** R of TSQR. @example tsqrR(n, reduced, 'float64') */
export function tsqrR(n: number, reduced: Nd, dtype: Dtype): Nd {
  const at = reduced.shape[0] - n;
  return cast(makeNd('float64', [n, n], reduced.data.slice(at * n, (at + n) * n)), dtype);
}

/** The SVD of R: U_r, s, V^T stacked as rows. @example svdOfR(n, reduced) */
export function svdOfR(n: number, reduced: Nd): Nd {
  const at = reduced.shape[0] - n;
  const { u, s, vt } = svdSquare(reduced.data.slice(at * n, (at + n) * n) as Float64Array, n);
  const out = new Float64Array((2 * n + 1) * n);
  out.set(u);
  out.set(s, n * n);
  out.set(vt, (n + 1) * n);
  return makeNd('float64', [2 * n + 1, n], out);
}

/** Block i of U: Q_i @ (Q2_i @ U_r). @example svdU(0, n, s0, reduced, svd, 'float64') */
export function svdU(i: number, n: number, stacked: Nd, reduced: Nd, svd: Nd, dtype: Dtype): Nd {
  const m = stacked.shape[0] - n;
  const inner = gemm([[rowsOf(reduced, i * n, n, n), rowsOf(svd, 0, n, n)]]);
  const u = gemm([
    [rowsOf(stacked, 0, m, n), { data: inner, offset: 0, rows: n, cols: n, rs: n, cs: 1 }],
  ]);
  return cast(makeNd('float64', [m, n], u), dtype);
}

/** The singular values. @example svdS(n, svd, 'float64') */
export function svdS(n: number, svd: Nd, dtype: Dtype): Nd {
  return cast(makeNd('float64', [n], svd.data.slice(n * n, n * n + n)), dtype);
}

/** V^T. @example svdVt(n, svd, 'float64') */
export function svdVt(n: number, svd: Nd, dtype: Dtype): Nd {
  return cast(makeNd('float64', [n, n], svd.data.slice((n + 1) * n, (2 * n + 1) * n)), dtype);
}
