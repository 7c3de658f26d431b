// The block kernels of tensordot and matmul. A contraction is described by axis labels (as in
// einsum): each axis of the two blocks has a label; labels of both blocks and of the output are
// batch axes (a length 1 broadcasts), labels of one block only and of the output are free, labels
// of both blocks and not of the output are summed over. Each pair of blocks is laid out as
// [batch, free of a, contracted] and [batch, contracted, free of b] (copied only when the axes
// are not already so), each batch element is one `gemm` over every pair of the group, and the
// result is permuted to the output's label order. Partial sums are float64 (int64 when 64-bit
// integers meet only integers: a plain bigint loop, exact and wrapping as NumPy's); the last step
// casts to the result dtype. Kernel side.
import ndarray from 'ndarray';
import { dtypeOfTypedArray, isBig, resultType, type Dtype } from './dtype.js';
import { gemm, type Mat } from './matmul-kernel.js';
import { compactCopy, cStrides, isBigData, isCompact, makeNd, sizeOfShape, type Nd } from './nd.js';

/**
 * The labels of a contraction: per axis of a, of b and of the output.
 *
 * @example
 * const mm: Contraction = { a: [0, 1], b: [1, 2], out: [0, 2] };
 */
export interface Contraction {
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly out: readonly number[];
}

/** The groups of labels of a contraction, in kernel order. */
export function labelGroups(c: Contraction): {
  batch: number[];
  freeA: number[];
  freeB: number[];
  summed: number[];
} {
  const inB = new Set(c.b);
  const inA = new Set(c.a);
  const inOut = new Set(c.out);
  return {
    batch: c.out.filter((l) => inA.has(l) && inB.has(l)),
    freeA: c.a.filter((l) => !inB.has(l) && inOut.has(l)),
    freeB: c.b.filter((l) => !inA.has(l) && inOut.has(l)),
    summed: c.a.filter((l) => inB.has(l) && !inOut.has(l)),
  };
}

/** `x` (axes labelled `own`) with its axes in the order of `labels`: a view. */
function arrange(x: Nd, own: readonly number[], labels: readonly number[]): Nd {
  const perm = labels.map((l) => own.indexOf(l));
  if (perm.every((p, i) => p === i)) return x;
  return x.transpose(...perm);
}

const prod = (xs: readonly number[]): number => xs.reduce((p, v) => p * v, 1);

/** A view of `x` (axes [batch..., rowAxes..., colAxes...]) at batch offset `at` as a matrix. */
function mat(x: Nd, nb: number, nr: number, at: number): Mat {
  const shape = x.shape;
  const rows = prod(shape.slice(nb, nb + nr));
  const cols = prod(shape.slice(nb + nr));
  // Mergeable into (rows, cols) by strides: one axis each, or compact runs.
  const rs = nr === 0 ? 0 : x.stride[nb + nr - 1];
  const cs = shape.length === nb + nr ? 0 : x.stride[shape.length - 1];
  return { data: x.data, offset: at, rows, cols, rs, cs };
}

/** Whether the row axes and the column axes of `x` each merge into one strided axis. */
function mergeable(x: Nd, nb: number, nr: number): boolean {
  const ok = (from: number, to: number): boolean => {
    for (let i = from; i < to - 1; i++) {
      if (x.stride[i] !== x.stride[i + 1] * x.shape[i + 1]) return false;
    }
    return true;
  };
  return ok(nb, nb + nr) && ok(nb + nr, x.shape.length);
}

/**
 * The sum over pairs of blocks `(a, b)` of their contraction (float64, axes in the output's
 * label order); `dtype` casts the result (the last step), null keeps float64 (a partial sum).
 *
 * @example
 * contract({ a: [0, 1], b: [1, 2], out: [0, 2] }, null, a00, b00, a01, b10);
 */
export function contract(c: Contraction, dtype: Dtype | null, ...blocks0: Nd[]): Nd {
  const g = labelGroups(c);
  const big = bigMode(blocks0);
  // 64-bit integers with only integers: all in int64 (exact, wrapping); with floats: float64.
  const blocks = blocks0.map((b) =>
    isBigData(b.data) === (big === 'int') ? b : compactCopy(b, big === 'int' ? 'int64' : 'float64'),
  );
  const lenOf = (l: number): number => {
    let n = 1;
    for (let k = 0; k < blocks.length; k++) {
      const own = k % 2 === 0 ? c.a : c.b;
      const i = own.indexOf(l);
      if (i >= 0) n = Math.max(n, blocks[k].shape[i]);
    }
    return n;
  };
  const batchShape = g.batch.map(lenOf);
  const shapeA = g.freeA.map(lenOf);
  const shapeB = g.freeB.map(lenOf);
  const m = prod(shapeA);
  const n = prod(shapeB);
  const nb = g.batch.length;
  const kernelShape = [...batchShape, ...shapeA, ...shapeB];
  const out =
    big === 'int'
      ? (new BigInt64Array(sizeOfShape(kernelShape)) as unknown as Float64Array)
      : new Float64Array(sizeOfShape(kernelShape));
  const views: [Nd, Nd][] = [];
  for (let k = 0; k < blocks.length; k += 2) {
    let a = arrange(blocks[k], c.a, [...g.batch, ...g.freeA, ...g.summed]);
    let b = arrange(blocks[k + 1], c.b, [...g.batch, ...g.summed, ...g.freeB]);
    if (!mergeable(a, nb, g.freeA.length)) a = compactCopy(a);
    if (!mergeable(b, nb, g.summed.length)) b = compactCopy(b);
    views.push([a, b]);
  }
  const nBatch = prod(batchShape);
  const bStrides = cStrides(batchShape);
  for (let t = 0; t < nBatch; t++) {
    const pairs = views.map(([a, b]): [Mat, Mat] => {
      let oa = a.offset;
      let ob = b.offset;
      for (let i = 0; i < nb; i++) {
        const j = Math.floor(t / bStrides[i]) % batchShape[i];
        if (a.shape[i] !== 1) oa += j * a.stride[i];
        if (b.shape[i] !== 1) ob += j * b.stride[i];
      }
      return [mat(a, nb, g.freeA.length, oa), mat(b, nb, g.summed.length, ob)];
    });
    if (big === 'int') bigGemm(pairs, out as unknown as BigInt64Array, t * m * n);
    else
      out.set(
        pairs.length > 0 && pairs[0][0].cols > 0 ? gemm(pairs) : new Float64Array(m * n),
        t * m * n,
      );
  }
  let res: Nd = ndarray(out, kernelShape);
  const order = [...g.batch, ...g.freeA, ...g.freeB];
  res = arrange(res, order, c.out);
  if (dtype === null || dtype === (big === 'int' ? 'int64' : 'float64'))
    return isCompact(res) ? res : compactCopy(res);
  return compactCopy(res, dtype);
}

/**
 * How blocks holding 64-bit integers are multiplied: 'int' when their dtypes promote to int64 or
 * uint64 (in int64: uint64 has the same bits), 'float' when they promote to float64 (NumPy's, for
 * int64 with a float or with uint64); null when no block holds 64-bit integers.
 */
function bigMode(blocks: readonly Nd[]): 'int' | 'float' | null {
  if (!blocks.some((b) => isBigData(b.data))) return null;
  const t = blocks.map((b) => dtypeOfTypedArray(b.data) ?? 'float64').reduce(resultType);
  return isBig(t) ? 'int' : 'float';
}

/** The sum of the products of `pairs` of int64 matrices, into `out` at `at` (wrapping at 64 bits). */
function bigGemm(pairs: readonly (readonly [Mat, Mat])[], out: BigInt64Array, at: number): void {
  const rows = pairs[0][0].rows;
  const n = pairs[0][1].cols;
  for (const [a, b] of pairs) {
    const ad = a.data as unknown as BigInt64Array;
    const bd = b.data as unknown as BigInt64Array;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0n;
        let p = a.offset + i * a.rs;
        let q = b.offset + j * b.cs;
        for (let k = 0; k < a.cols; k++, p += a.cs, q += b.rs) s += ad[p] * bd[q];
        out[at + i * n + j] += s;
      }
    }
  }
}

/**
 * The sum of float64 partial blocks of the same shape; `dtype` casts the result (null: float64).
 *
 * @example
 * sumParts('float32', p0, p1, p2);
 */
export function sumParts(dtype: Dtype | null, ...parts: Nd[]): Nd {
  // int64 partial sums (of 64-bit integer products) stay int64.
  const inner = isBigData(parts[0].data) ? 'int64' : 'float64';
  const acc = makeNd(inner, parts[0].shape);
  const d = acc.data;
  for (const p of parts) {
    const c = isCompact(p) ? p : compactCopy(p);
    const s = c.data;
    for (let i = 0; i < d.length; i++) d[i] += s[i];
  }
  if (dtype === null || dtype === inner) return acc;
  return compactCopy(acc, dtype);
}
