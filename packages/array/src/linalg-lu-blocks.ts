// The block kernels of the blocked LU (linalg-lu.ts builds the graph): a left-looking LU by
// column panels with partial pivoting over the whole height (LAPACK's getrf order of pivots, so
// it is as stable as a one-block LU), and blocked triangular solves. Step k reads panel k of `a`
// (all rows, original order) and the steps before it; it applies their row swaps and their
// updates, solves for its part of U, then factors what is left of the panel with row swaps. A
// step hands on its multipliers indexed by original row (later swaps never move them there), its
// column of U, and the row order so far (`perm[r]`: the original row now at position r). All in
// float64. Kernel side.
import { makeNd, type Nd } from './nd.js';
import { dense } from './linalg-dense.js';

/**
 * What step k of the LU gives: the multipliers of its columns by original row (`l`, n x b, zero
 * where none), its column of U (`u`, (offset + b) x b), and the row order after it.
 *
 * @example
 * const s: LuStep = { offset: 0, b: 2, n: 4, l, u, perm };
 */
export interface LuStep {
  readonly offset: number;
  readonly b: number;
  readonly n: number;
  readonly l: Float64Array;
  readonly u: Float64Array;
  readonly perm: Int32Array;
}

/**
 * Step k of the LU: `panel` is columns [offset, offset + b) of `a` (all n rows), `prev` the
 * steps before.
 *
 * @example
 * luStep(0, panel0); // the first step
 */
export function luStep(offset: number, panel: Nd, ...prev: LuStep[]): LuStep {
  const { d: a, m: n, n: b } = dense(panel);
  const perm =
    prev.length > 0
      ? prev[prev.length - 1].perm.slice()
      : Int32Array.from({ length: n }, (_, i) => i);
  // x: the panel in the current row order.
  const x = new Float64Array(n * b);
  for (let r = 0; r < n; r++) x.set(a.subarray(perm[r] * b, perm[r] * b + b), r * b);
  // Earlier steps: U_jk = L_jj^-1 x_j, then the rows below lose L_j U_jk.
  for (const s of prev) {
    const { offset: o, b: bj, l } = s;
    for (let c = 0; c < bj; c++) {
      // row o + c of U_jk: x[o + c] -= sum over earlier rows of the diagonal block
      for (let r = o + c + 1; r < n; r++) {
        const m = l[perm[r] * bj + c];
        if (m === 0) continue;
        const dst = r * b;
        const src = (o + c) * b;
        for (let j = 0; j < b; j++) x[dst + j] -= m * x[src + j];
      }
    }
  }
  // Factor rows [offset, n) of the panel, swapping rows over the whole height.
  const l = new Float64Array(n * b);
  for (let c = 0; c < b; c++) {
    const col = offset + c;
    let p = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(x[r * b + c]) > Math.abs(x[p * b + c])) p = r;
    if (p !== col) {
      for (let j = 0; j < b; j++) {
        const t = x[p * b + j];
        x[p * b + j] = x[col * b + j];
        x[col * b + j] = t;
      }
      const t = perm[p];
      perm[p] = perm[col];
      perm[col] = t;
    }
    const pivot = x[col * b + c];
    if (pivot === 0 || !Number.isFinite(pivot)) continue; // singular: U gets a zero pivot
    for (let r = col + 1; r < n; r++) {
      const m = (x[r * b + c] /= pivot);
      if (m === 0) continue;
      for (let j = c + 1; j < b; j++) x[r * b + j] -= m * x[col * b + j];
    }
  }
  // Multipliers (below the diagonal of the panel's square) by original row; U above.
  for (let r = offset; r < n; r++) {
    const q = perm[r];
    for (let c = 0; c < b && c < r - offset; c++) l[q * b + c] = x[r * b + c];
  }
  const u = new Float64Array((offset + b) * b);
  for (let r = 0; r < offset + b; r++) {
    for (let c = 0; c < b; c++) if (r < offset || c >= r - offset) u[r * b + c] = x[r * b + c];
  }
  return { offset, b, n, l, u, perm };
}

/**
 * Column panel k of L (n x b, unit diagonal) in the final row order `last.perm`.
 *
 * @example
 * luL(step, lastStep);
 */
export function luL(step: LuStep, last: LuStep): Nd {
  const { offset, b, n, l } = step;
  const out = makeNd('float64', [n, b]);
  const d = out.data;
  for (let r = offset; r < n; r++) {
    const q = last.perm[r];
    for (let c = 0; c < b; c++) d[r * b + c] = l[q * b + c];
    if (r < offset + b) d[r * b + (r - offset)] = 1;
  }
  return out;
}

/**
 * Column panel k of U (n x b).
 *
 * @example
 * luU(step);
 */
export function luU(step: LuStep): Nd {
  const { offset, b, n, u } = step;
  const out = makeNd('float64', [n, b]);
  out.data.set(u.subarray(0, (offset + b) * b));
  return out;
}

/**
 * Column panel [offset, offset + b) of P, with `a = P L U` (`P[perm[r], r] = 1`).
 *
 * @example
 * luP(lastStep, 0, 2);
 */
export function luP(last: LuStep, offset: number, b: number): Nd {
  const out = makeNd('float64', [last.n, b]);
  for (let c = 0; c < b; c++) out.data[last.perm[offset + c] * b + c] = 1;
  return out;
}

/**
 * The determinant from every step: the product of U's diagonal times the sign of the row order.
 *
 * @example
 * luDet(s0, s1); // a 0-d block
 */
export function luDet(...steps: LuStep[]): Nd {
  let det = 1;
  for (const { offset, b, u } of steps) {
    for (let c = 0; c < b; c++) det *= u[(offset + c) * b + c];
  }
  const perm = steps[steps.length - 1].perm;
  const seen = new Uint8Array(perm.length);
  for (let i = 0; i < perm.length; i++) {
    if (seen[i] === 1) continue;
    let len = 0;
    for (let j = i; seen[j] === 0; j = perm[j]) {
      seen[j] = 1;
      len++;
    }
    if (len % 2 === 0) det = -det;
  }
  const out = makeNd('float64', []);
  out.data[0] = det;
  return out;
}

/**
 * Block i of the solution of a triangular system: `x_i = T_ii^-1 (b_i - sum_j T_ij x_j)`, where
 * `rest` alternates T_ij and x_j; `lower` picks forward or back substitution.
 *
 * @example
 * triSolve(true, false, t00, b0); // the first block, lower triangular
 */
export function triSolve(lower: boolean, unit: boolean, tii: Nd, bi: Nd, ...rest: Nd[]): Nd {
  const { d: t, m: n } = dense(tii);
  const { d: x, n: k } = dense(bi);
  for (let p = 0; p < rest.length; p += 2) {
    const { d: tij, n: w } = dense(rest[p]);
    const { d: xj } = dense(rest[p + 1]);
    for (let r = 0; r < n; r++) {
      for (let s = 0; s < w; s++) {
        const v = tij[r * w + s];
        if (v === 0) continue;
        for (let j = 0; j < k; j++) x[r * k + j] -= v * xj[s * k + j];
      }
    }
  }
  for (let q = 0; q < n; q++) {
    const r = lower ? q : n - 1 - q;
    for (let s = lower ? 0 : r + 1; lower ? s < r : s < n; s++) {
      const v = t[r * n + s];
      if (v === 0) continue;
      for (let j = 0; j < k; j++) x[r * k + j] -= v * x[s * k + j];
    }
    if (!unit) {
      const piv = t[r * n + r];
      if (piv === 0) throw new Error('LinAlgError: Singular matrix');
      for (let j = 0; j < k; j++) x[r * k + j] /= piv;
    }
  }
  return makeNd('float64', bi.shape, x);
}
