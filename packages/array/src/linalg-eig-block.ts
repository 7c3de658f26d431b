// The eigenvalues of a general (nonsymmetric) square block: the matrix is reduced to upper
// Hessenberg form by Gaussian elimination with pivoting (similarity transforms, so eigenvalues
// are kept), then the Hessenberg matrix is driven to quasi-triangular (real Schur) form by
// Francis' implicit double-shift QR iteration, deflating one real eigenvalue or one complex
// conjugate pair at a time from the bottom (the classic EISPACK `hqr` scheme, with exceptional
// shifts after 10 and 20 stalled iterations). Eigenvalues come out in the order of the Schur
// form's diagonal, as LAPACK's do (which NumPy's `eigvals` returns), conjugate pairs with the
// positive imaginary part first. Indices run from 1 to n inside (row i is `a[i * (n + 1) + j]`),
// which keeps the scheme's bounds readable. Kernel side.
import { dense } from './linalg-dense.js';
import { makeNd, type Nd } from './nd.js';

/** Iterations allowed per eigenvalue before the matrix is called non-convergent (LAPACK: 30). */
const MAX_ITS = 60;

const sign = (a: number, b: number): number => (b >= 0 ? Math.abs(a) : -Math.abs(a));

/**
 * The eigenvalues of a square block as (real, imaginary) pairs: an n x 2 float64 chunk.
 *
 * @example
 * eigvalsBlock(a); // [[re0, im0], [re1, im1], ...]
 */
export function eigvalsBlock(a: Nd): Nd {
  const { d: src, n } = dense(a);
  const w = n + 1;
  const m = new Float64Array(w * w);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[(i + 1) * w + j + 1] = src[i * n + j];
  for (let i = 0; i < m.length; i++) {
    if (!Number.isFinite(m[i]))
      throw new RangeError('eigvals: array must not contain infs or NaNs');
  }
  hessenberg(m, n);
  const wr = new Float64Array(n + 1);
  const wi = new Float64Array(n + 1);
  hqr(m, n, wr, wi);
  const out = makeNd('float64', [n, 2]);
  for (let i = 1; i <= n; i++) {
    out.data[(i - 1) * 2] = wr[i];
    out.data[(i - 1) * 2 + 1] = wi[i];
  }
  return out;
}

/** Reduces `a` (1-based, n x n) to upper Hessenberg form in place; below it is zeroed. */
function hessenberg(a: Float64Array, n: number): void {
  const w = n + 1;
  const at = (i: number, j: number): number => i * w + j;
  for (let m = 2; m < n; m++) {
    let x = 0;
    let piv = m;
    for (let j = m; j <= n; j++) {
      if (Math.abs(a[at(j, m - 1)]) > Math.abs(x)) {
        x = a[at(j, m - 1)];
        piv = j;
      }
    }
    if (piv !== m) {
      for (let j = m - 1; j <= n; j++) swap(a, at(piv, j), at(m, j));
      for (let j = 1; j <= n; j++) swap(a, at(j, piv), at(j, m));
    }
    if (x === 0) continue;
    for (let i = m + 1; i <= n; i++) {
      let y = a[at(i, m - 1)];
      if (y === 0) continue;
      y /= x;
      a[at(i, m - 1)] = y;
      for (let j = m; j <= n; j++) a[at(i, j)] -= y * a[at(m, j)];
      for (let j = 1; j <= n; j++) a[at(j, m)] += y * a[at(j, i)];
    }
  }
  for (let i = 3; i <= n; i++) for (let j = 1; j <= i - 2; j++) a[at(i, j)] = 0;
}

function swap(a: Float64Array, p: number, q: number): void {
  const t = a[p];
  a[p] = a[q];
  a[q] = t;
}

/** Francis double-shift QR on the upper Hessenberg `a` (1-based): eigenvalues into wr, wi. */
function hqr(a: Float64Array, n: number, wr: Float64Array, wi: Float64Array): void {
  const w = n + 1;
  const at = (i: number, j: number): number => i * w + j;
  let anorm = 0;
  for (let i = 1; i <= n; i++)
    for (let j = Math.max(i - 1, 1); j <= n; j++) anorm += Math.abs(a[at(i, j)]);
  let nn = n;
  let t = 0;
  let p = 0;
  let q = 0;
  let r = 0;
  let s = 0;
  let x = 0;
  let y = 0;
  let z = 0;
  while (nn >= 1) {
    let its = 0;
    let l = 1;
    do {
      // The bottom of the unreduced block: a negligible subdiagonal element splits it.
      for (l = nn; l >= 2; l--) {
        s = Math.abs(a[at(l - 1, l - 1)]) + Math.abs(a[at(l, l)]);
        if (s === 0) s = anorm;
        if (Math.abs(a[at(l, l - 1)]) + s === s) {
          a[at(l, l - 1)] = 0;
          break;
        }
      }
      x = a[at(nn, nn)];
      if (l === nn) {
        // One real eigenvalue.
        wr[nn] = x + t;
        wi[nn--] = 0;
      } else {
        y = a[at(nn - 1, nn - 1)];
        const ww = a[at(nn, nn - 1)] * a[at(nn - 1, nn)];
        if (l === nn - 1) {
          // A 2 x 2 block: two real eigenvalues or a conjugate pair.
          p = 0.5 * (y - x);
          q = p * p + ww;
          z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) {
            z = p + sign(z, p);
            wr[nn - 1] = wr[nn] = x + z;
            if (z !== 0) wr[nn] = x - ww / z;
            wi[nn - 1] = wi[nn] = 0;
          } else {
            wr[nn - 1] = wr[nn] = x + p;
            wi[nn - 1] = z;
            wi[nn] = -z;
          }
          nn -= 2;
        } else {
          if (its === MAX_ITS)
            throw new RangeError('eigvals: LinAlgError: eigenvalues did not converge');
          let wShift = ww;
          if (its === 10 || its === 20) {
            // An exceptional shift, to break a cycle.
            t += x;
            for (let i = 1; i <= nn; i++) a[at(i, i)] -= x;
            s = Math.abs(a[at(nn, nn - 1)]) + Math.abs(a[at(nn - 1, nn - 2)]);
            y = x = 0.75 * s;
            wShift = -0.4375 * s * s;
          }
          ++its;
          // Two consecutive small subdiagonal elements: where the double-shift sweep starts.
          let m = nn - 2;
          for (; m >= l; m--) {
            z = a[at(m, m)];
            r = x - z;
            s = y - z;
            p = (r * s - wShift) / a[at(m + 1, m)] + a[at(m, m + 1)];
            q = a[at(m + 1, m + 1)] - z - r - s;
            r = a[at(m + 2, m + 1)];
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s;
            q /= s;
            r /= s;
            if (m === l) break;
            const u = Math.abs(a[at(m, m - 1)]) * (Math.abs(q) + Math.abs(r));
            const v =
              Math.abs(p) *
              (Math.abs(a[at(m - 1, m - 1)]) + Math.abs(z) + Math.abs(a[at(m + 1, m + 1)]));
            if (u + v === v) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            a[at(i, i - 2)] = 0;
            if (i !== m + 2) a[at(i, i - 3)] = 0;
          }
          // The sweep: Householder reflections chase the bulge down the block.
          for (let k = m; k <= nn - 1; k++) {
            if (k !== m) {
              p = a[at(k, k - 1)];
              q = a[at(k + 1, k - 1)];
              r = k !== nn - 1 ? a[at(k + 2, k - 1)] : 0;
              x = Math.abs(p) + Math.abs(q) + Math.abs(r);
              if (x !== 0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            s = sign(Math.sqrt(p * p + q * q + r * r), p);
            if (s === 0) continue;
            if (k === m) {
              if (l !== m) a[at(k, k - 1)] = -a[at(k, k - 1)];
            } else a[at(k, k - 1)] = -s * x;
            p += s;
            x = p / s;
            y = q / s;
            z = r / s;
            q /= p;
            r /= p;
            for (let j = k; j <= nn; j++) {
              p = a[at(k, j)] + q * a[at(k + 1, j)];
              if (k !== nn - 1) {
                p += r * a[at(k + 2, j)];
                a[at(k + 2, j)] -= p * z;
              }
              a[at(k + 1, j)] -= p * y;
              a[at(k, j)] -= p * x;
            }
            const mmin = nn < k + 3 ? nn : k + 3;
            for (let i = l; i <= mmin; i++) {
              p = x * a[at(i, k)] + y * a[at(i, k + 1)];
              if (k !== nn - 1) {
                p += z * a[at(i, k + 2)];
                a[at(i, k + 2)] -= p * r;
              }
              a[at(i, k + 1)] -= p * q;
              a[at(i, k)] -= p;
            }
          }
        }
      }
    } while (l < nn - 1);
  }
}
