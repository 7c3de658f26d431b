// The eigen-decomposition of a symmetric block by the cyclic Jacobi method: rotations zero the
// off-diagonal elements one pair at a time, sweep after sweep, until they are negligible; the
// rotations accumulate into the eigenvectors. Slower than LAPACK's tridiagonal QR for large
// matrices but simple and accurate to rounding (one block only: linalg-ops.ts says so).
// Eigenvalues ascending, as NumPy's `eigh`. Kernel side.
import { dense } from './linalg-dense.js';
import { makeNd, type Nd } from './nd.js';

/**
 * Eigenvalues (ascending) and eigenvectors (as columns) of a symmetric block, stacked: row 0 of
 * the (n + 1) x n result holds the eigenvalues, rows 1..n the vectors. Only the lower triangle
 * of `a` is read (`lower`) or the upper.
 *
 * @example
 * eighBlock(a, true); // [w; v]
 */
export function eighBlock(a: Nd, lower: boolean): Nd {
  const { d: src, n } = dense(a);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const below = lower ? i >= j : i <= j;
      m[i * n + j] = below ? src[i * n + j] : src[j * n + i];
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        total += m[i * n + j] ** 2;
        if (i !== j) off += m[i * n + j] ** 2;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[i * n + i] - m[j * n + j]);
  const out = makeNd('float64', [n + 1, n]);
  const d = out.data;
  order.forEach((src, col) => {
    d[col] = m[src * n + src];
    for (let k = 0; k < n; k++) d[(k + 1) * n + col] = v[k * n + src];
  });
  return out;
}
