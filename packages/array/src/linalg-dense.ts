// Dense linear algebra on one block, in float64, row-major: LU with partial pivoting (solve,
// inv), Cholesky, Householder QR (reduced) and the SVD of a small square matrix by one-sided
// Jacobi rotations. These are the per-block steps of linalg-ops.ts (TSQR runs QR on each row
// block and once more on the stacked R factors). Errors are NumPy's LinAlgError messages.
// Kernel side: no imports but nd.ts.
import { compactCopy, makeNd, type Nd } from './nd.js';

/**
 * A compact float64 copy of a 2-d block's elements, row-major, and its shape.
 *
 * @example
 * const { d, m, n } = dense(block);
 */
export function dense(x: Nd): { d: Float64Array; m: number; n: number } {
  const c = compactCopy(x, 'float64');
  const [m, n] = c.shape.length === 1 ? [c.shape[0], 1] : c.shape;
  return { d: c.data as Float64Array, m, n };
}

/**
 * Solves `a x = b` for square `a` (n x n) and `b` (n or n x k), by LU with partial pivoting.
 *
 * @example
 * solveDense(a, b); // x, of b's shape
 */
export function solveDense(a: Nd, b: Nd): Nd {
  const { d: lu, n } = dense(a);
  const { d: x, n: k } = dense(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(lu[i * n + c]) > Math.abs(lu[p * n + c])) p = i;
    const pivot = lu[p * n + c];
    if (pivot === 0 || !Number.isFinite(pivot)) throw new Error('LinAlgError: Singular matrix');
    if (p !== c) {
      for (let j = 0; j < n; j++) [lu[p * n + j], lu[c * n + j]] = [lu[c * n + j], lu[p * n + j]];
      for (let j = 0; j < k; j++) [x[p * k + j], x[c * k + j]] = [x[c * k + j], x[p * k + j]];
    }
    for (let i = c + 1; i < n; i++) {
      const l = (lu[i * n + c] /= pivot);
      if (l === 0) continue;
      for (let j = c + 1; j < n; j++) lu[i * n + j] -= l * lu[c * n + j];
      for (let j = 0; j < k; j++) x[i * k + j] -= l * x[c * k + j];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    const piv = lu[c * n + c];
    for (let j = 0; j < k; j++) {
      let s = x[c * k + j];
      for (let i = c + 1; i < n; i++) s -= lu[c * n + i] * x[i * k + j];
      x[c * k + j] = s / piv;
    }
  }
  return makeNd('float64', b.shape, x);
}

/**
 * The inverse of a square block.
 *
 * @example
 * invDense(a);
 */
export function invDense(a: Nd): Nd {
  const n = a.shape[0];
  const eye = makeNd('float64', [n, n]);
  for (let i = 0; i < n; i++) eye.data[i * n + i] = 1;
  return solveDense(a, eye);
}

/**
 * The Cholesky factor of a symmetric positive-definite block: L (lower) or, with `!lower`, L^T.
 *
 * @example
 * choleskyDense(a, true);
 */
export function choleskyDense(a: Nd, lower: boolean): Nd {
  const { d: s, n } = dense(a);
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = s[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    if (!(d > 0)) throw new Error('LinAlgError: Matrix is not positive definite');
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let v = s[i * n + j];
      for (let k = 0; k < j; k++) v -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = v / ljj;
    }
  }
  if (!lower) {
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) [L[i * n + j], L[j * n + i]] = [L[j * n + i], 0];
  }
  return makeNd('float64', [n, n], L);
}

/**
 * The reduced QR of an m x n block with m >= n by Householder reflections: Q (m x n, orthonormal
 * columns) and R (n x n, upper triangular).
 *
 * @example
 * const { q, r } = qrDense(block);
 */
export function qrDense(x: Nd): { q: Float64Array; r: Float64Array; m: number; n: number } {
  const { d: a, m, n } = dense(x);
  const vs: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const v = new Float64Array(m - k);
    let norm = 0;
    for (let i = k; i < m; i++) {
      v[i - k] = a[i * n + k];
      norm += v[i - k] * v[i - k];
    }
    norm = Math.sqrt(norm);
    const alpha = v[0] > 0 ? -norm : norm;
    v[0] -= alpha;
    let vn = 0;
    for (let i = 0; i < v.length; i++) vn += v[i] * v[i];
    vs.push(v);
    if (vn === 0) continue;
    const scale = 2 / vn;
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * a[i * n + j];
      dot *= scale;
      for (let i = k; i < m; i++) a[i * n + j] -= dot * v[i - k];
    }
  }
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r[i * n + j] = a[i * n + j];
  const q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    let vn = 0;
    for (let i = 0; i < v.length; i++) vn += v[i] * v[i];
    if (vn === 0) continue;
    const scale = 2 / vn;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * q[i * n + j];
      dot *= scale;
      for (let i = k; i < m; i++) q[i * n + j] -= dot * v[i - k];
    }
  }
  return { q, r, m, n };
}

/**
 * The SVD of a square n x n matrix (row-major) by one-sided Jacobi: `a = U diag(s) V^T`, the
 * singular values in descending order.
 *
 * @example
 * const { u, s, vt } = svdSquare(r, n);
 */
export function svdSquare(
  a: Float64Array,
  n: number,
): { u: Float64Array; s: Float64Array; vt: Float64Array } {
  // Columns stored contiguously: U[j] is column j.
  const U = Array.from({ length: n }, (_, j) =>
    Float64Array.from({ length: n }, (_, i) => a[i * n + j]),
  );
  const V = Array.from({ length: n }, (_, j) =>
    Float64Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)),
  );
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const up = U[p];
        const uq = U[q];
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < n; i++) {
          alpha += up[i] * up[i];
          beta += uq[i] * uq[i];
          gamma += up[i] * uq[i];
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (const M of [U, V]) {
          const x = M[p];
          const y = M[q];
          for (let i = 0; i < n; i++) {
            const xi = x[i];
            const yi = y[i];
            x[i] = c * xi - s * yi;
            y[i] = s * xi + c * yi;
          }
        }
      }
    }
    if (!rotated) break;
  }
  const norms = U.map((col) => Math.sqrt(col.reduce((acc, v) => acc + v * v, 0)));
  const order = norms.map((_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const u = new Float64Array(n * n);
  const s = new Float64Array(n);
  const vt = new Float64Array(n * n);
  order.forEach((j, k) => {
    s[k] = norms[j];
    for (let i = 0; i < n; i++) {
      u[i * n + k] = norms[j] > 0 ? U[j][i] / norms[j] : i === k ? 1 : 0;
      vt[k * n + i] = V[j][i];
    }
  });
  return { u, s, vt };
}
