// The eigenvectors of a general square block, given its eigenvalues (linalg-eig-block.ts), by
// inverse iteration: for each eigenvalue l, a few solves of (A - l I) x = b from b = ones, each
// x normalized, converge to the eigenvector (the error shrinks by the ratio of l's distance to
// the nearest other eigenvalue each step). A complex l = a + bi is solved in real arithmetic as
// the 2n x 2n system [[A - aI, bI], [-bI, A - aI]] [xr; xi] = [br; bi], and its conjugate takes
// the conjugate vector. The elimination replaces a zero pivot by a tiny one (A - l I is singular
// up to rounding, which is what makes the iteration work). Vectors are scaled as LAPACK's
// (NumPy's `eig`): Euclidean norm 1, the component of largest modulus real and positive.
// Repeated eigenvalues of a defective matrix get (nearly) parallel vectors, as in NumPy. Kernel side.
import { dense } from './linalg-dense.js';
import { eigvalsBlock } from './linalg-eig-block.js';
import { makeNd, type Nd } from './nd.js';

/** Inverse-iteration steps per eigenvector (each is one solve). */
const STEPS = 3;

/**
 * Eigenvalues and eigenvectors of a square block, stacked as an (n + 1) x n x 2 float64 chunk
 * of (real, imaginary) pairs: row 0 the eigenvalues, rows 1..n the vectors as columns.
 *
 * @example
 * eigBlock(a); // [w; v]
 */
export function eigBlock(a: Nd): Nd {
  const { d: src, n } = dense(a);
  const w = eigvalsBlock(a).data;
  const out = makeNd('float64', [n + 1, n, 2]);
  const o = out.data;
  let norm = 0;
  for (let i = 0; i < src.length; i++) norm = Math.max(norm, Math.abs(src[i]));
  const tiny = Math.max(norm, 1) * 2 ** -52 * Math.max(n, 1);
  for (let j = 0; j < n; j++) {
    const re = w[2 * j];
    const im = w[2 * j + 1];
    o[2 * j] = re;
    o[2 * j + 1] = im;
    if (im < 0 && j > 0 && w[2 * j - 2] === re && w[2 * j - 1] === -im) {
      // The conjugate of the pair's first vector.
      for (let i = 0; i < n; i++) {
        const at = ((i + 1) * n + j) * 2;
        const prev = ((i + 1) * n + j - 1) * 2;
        o[at] = o[prev];
        o[at + 1] = -o[prev + 1];
      }
      continue;
    }
    const [xr, xi] =
      im === 0
        ? [realVector(src, n, re, tiny), new Float64Array(n)]
        : complexVector(src, n, re, im, tiny);
    scale(xr, xi);
    for (let i = 0; i < n; i++) {
      const at = ((i + 1) * n + j) * 2;
      o[at] = xr[i];
      o[at + 1] = xi[i];
    }
  }
  return out;
}

/** Inverse iteration for a real eigenvalue `l`. */
function realVector(a: Float64Array, n: number, l: number, tiny: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) m[i * n + k] = a[i * n + k] - (i === k ? l : 0);
  const lu = factor(m, n, tiny);
  let x: Float64Array = new Float64Array(n).fill(1);
  for (let s = 0; s < STEPS; s++) {
    x = lu(x);
    normalize(x);
  }
  return x;
}

/** Inverse iteration for a complex eigenvalue `re + i im`, through the real 2n x 2n system. */
function complexVector(
  a: Float64Array,
  n: number,
  re: number,
  im: number,
  tiny: number,
): [Float64Array, Float64Array] {
  const N = 2 * n;
  const m = new Float64Array(N * N);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const v = a[i * n + k] - (i === k ? re : 0);
      m[i * N + k] = v;
      m[(i + n) * N + k + n] = v;
    }
    m[i * N + i + n] = im;
    m[(i + n) * N + i] = -im;
  }
  const lu = factor(m, N, tiny);
  let x: Float64Array = new Float64Array(N).fill(1);
  for (let s = 0; s < STEPS; s++) {
    x = lu(x);
    normalize(x);
  }
  return [x.slice(0, n), x.slice(n)];
}

/** LU with partial pivoting of `m` (n x n, in place), zero pivots made tiny: a solver. */
function factor(m: Float64Array, n: number, tiny: number): (b: Float64Array) => Float64Array {
  const piv = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]) > Math.abs(m[p * n + k])) p = i;
    piv[k] = p;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = m[k * n + j];
        m[k * n + j] = m[p * n + j];
        m[p * n + j] = t;
      }
    }
    if (Math.abs(m[k * n + k]) < tiny) m[k * n + k] = m[k * n + k] < 0 ? -tiny : tiny;
    const d = m[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = (m[i * n + k] /= d);
      if (f !== 0) for (let j = k + 1; j < n; j++) m[i * n + j] -= f * m[k * n + j];
    }
  }
  return (b) => {
    const x = b.slice();
    for (let k = 0; k < n; k++) {
      const p = piv[k];
      if (p !== k) [x[k], x[p]] = [x[p], x[k]];
    }
    for (let i = 1; i < n; i++) for (let k = 0; k < i; k++) x[i] -= m[i * n + k] * x[k];
    for (let i = n - 1; i >= 0; i--) {
      for (let k = i + 1; k < n; k++) x[i] -= m[i * n + k] * x[k];
      x[i] /= m[i * n + i];
    }
    return x;
  };
}

/** Scales `x` to Euclidean norm 1 (the largest element first, so huge values do not overflow). */
function normalize(x: Float64Array): void {
  let big = 0;
  for (let i = 0; i < x.length; i++) big = Math.max(big, Math.abs(x[i]));
  if (big === 0 || !Number.isFinite(big)) return;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] / big) ** 2;
  const f = 1 / (big * Math.sqrt(s));
  for (let i = 0; i < x.length; i++) x[i] *= f;
}

/** Norm 1 and the component of largest modulus real and positive (LAPACK's convention). */
function scale(xr: Float64Array, xi: Float64Array): void {
  let k = 0;
  let best = -1;
  let s = 0;
  for (let i = 0; i < xr.length; i++) {
    const m2 = xr[i] * xr[i] + xi[i] * xi[i];
    s += m2;
    if (m2 > best * (1 + 1e-12)) [best, k] = [m2, i];
  }
  const r = Math.sqrt(best);
  const [cr, ci] = [xr[k] / r, -xi[k] / r]; // the conjugate phase of component k
  const f = 1 / Math.sqrt(s);
  for (let i = 0; i < xr.length; i++) {
    const [a, b] = [xr[i], xi[i]];
    xr[i] = (a * cr - b * ci) * f;
    xi[i] = (a * ci + b * cr) * f;
  }
}
