// The kernels of cumulative sums and products along one axis: a scan of each block (a running
// total per line along the axis, NaN skipped by the nan forms), the carry of the blocks before
// one (the previous carry combined with the last slice of the previous block's scan), and the
// scan combined with its carry (broadcast along the axis). The same loops run over bigints for
// int64 and uint64 (the typed array's store wraps at 64 bits; NaN never occurs in them).
import type { Dtype } from './dtype.js';
import { dtypeOfTypedArray } from './dtype.js';
import { compactCopy, forRows, isBigData, makeNd, type Nd } from './nd.js';

/**
 * The cumulative operations.
 *
 * @example
 * const op: ScanOp = 'cumsum';
 */
export type ScanOp = 'cumsum' | 'cumprod' | 'nancumsum' | 'nancumprod';

const isSum = (op: ScanOp): boolean => op === 'cumsum' || op === 'nancumsum';

/**
 * The running totals of a block along `axis`, as dtype `t`.
 *
 * @example
 * scan('cumsum', 0, 'float64', chunk);
 */
export function scan(op: ScanOp, axis: number, t: Dtype, chunk: Nd): Nd {
  const out = compactCopy(chunk, t);
  const d = out.data;
  const sum = isSum(op);
  if (op === 'nancumsum' || op === 'nancumprod') {
    // NaN counts as the identity: replacing it first gives NumPy's nan forms.
    const id = sum ? 0 : 1;
    for (let i = 0; i < d.length; i++) if (d[i] !== d[i]) d[i] = id;
  }
  // C order: the axis splits the elements into `outer` runs of `len` slices of `inner` elements;
  // slice i accumulates slice i-1 with contiguous inner loops.
  const shape = out.shape;
  const len = shape[axis];
  let inner = 1;
  for (let a = axis + 1; a < shape.length; a++) inner *= shape[a];
  let outer = 1;
  for (let a = 0; a < axis; a++) outer *= shape[a];
  const run = len * inner;
  for (let o = 0; o < outer; o++) {
    const base = o * run;
    if (inner === 1) {
      if (sum) for (let i = base + 1; i < base + len; i++) d[i] += d[i - 1];
      else for (let i = base + 1; i < base + len; i++) d[i] *= d[i - 1];
      continue;
    }
    for (let i = 1; i < len; i++) {
      const p = base + i * inner;
      const q = p - inner;
      if (sum) for (let j = 0; j < inner; j++) d[p + j] += d[q + j];
      else for (let j = 0; j < inner; j++) d[p + j] *= d[q + j];
    }
  }
  return out;
}

/**
 * The carry into the next block: `prev` (the carry into the previous block, or null) combined
 * with the last slice along `axis` of that block's scan `s`.
 *
 * @example
 * carry('cumsum', 0, null, s0);
 */
export function carry(op: ScanOp, axis: number, prev: Nd | null, s: Nd): Nd {
  const shape = s.shape.map((v, a) => (a === axis ? 1 : v));
  // The carry has the scan's dtype (64-bit integers stay bigints, their identities too).
  const big = isBigData(s.data);
  const out = makeNd(dtypeOfTypedArray(s.data) ?? 'float64', shape);
  const d = out.data;
  const id = (isSum(op) ? (big ? 0n : 0) : big ? 1n : 1) as number;
  const last = s.shape[axis] - 1;
  let k = 0;
  const stride = s.stride.map((v, a) => (a === axis ? 0 : v));
  const n = shape.length;
  const len = n === 0 ? 1 : shape[n - 1];
  const st = n === 0 ? 0 : stride[n - 1];
  forRows(shape, [{ stride, offset: s.offset + Math.max(0, last) * s.stride[axis] }], ([p]) => {
    for (let i = 0; i < len; i++, p += st) d[k++] = last < 0 ? id : s.data[p];
  });
  if (prev !== null) {
    const pd = prev.data;
    for (let i = 0; i < d.length; i++) d[i] = isSum(op) ? d[i] + pd[i] : d[i] * pd[i];
  }
  return out;
}

/**
 * A block's scan combined with its carry (null: the first block, copied).
 *
 * @example
 * applyCarry('cumsum', 0, s1, c1);
 */
export function applyCarry(op: ScanOp, axis: number, s: Nd, c: Nd | null): Nd {
  const out = compactCopy(s);
  if (c === null) return out;
  const d = out.data;
  const cd = c.data;
  const shape = out.shape;
  const n = shape.length;
  const cstride = c.stride.map((v, a) => (a === axis ? 0 : v));
  const len = shape[n - 1];
  const cs = cstride[n - 1];
  let k = 0;
  const sum = isSum(op);
  forRows(shape, [{ stride: cstride, offset: 0 }], ([q]) => {
    for (let i = 0; i < len; i++, q += cs, k++) d[k] = sum ? d[k] + cd[q] : d[k] * cd[q];
  });
  return out;
}
