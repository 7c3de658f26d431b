// The kernels of the counting and ordering operations: sorted unique values (a block's, then
// merged), membership in a sorted set, bin counts (bincount, histogram; partial counts summed
// elementwise, the shorter padded), and the k largest or smallest elements along an axis (a
// block's, then of the concatenated partials). Counts accumulate in float64. int64 and uint64
// elements stay bigints where order or identity matters (unique, isin, topk).
import { dtypeOfTypedArray, type Dtype } from './dtype.js';
import { concatGrid } from './kernels-blocks.js';
import { compactCopy, forRows, isBigData, makeNd, type Nd } from './nd.js';

/** The distinct values of sorted numbers (NaN last, kept once as NumPy's unique does). */
function distinct(sorted: Float64Array): number[] {
  const out: number[] = [];
  let nan = false;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i];
    if (v !== v) nan = true;
    else if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  }
  if (nan) out.push(NaN);
  return out;
}

/**
 * The sorted distinct values of chunks (any shapes), as a 1-d chunk of `dtype`.
 *
 * @example
 * uniqueOf('int32', a, b);
 */
export function uniqueOf(dtype: Dtype, ...chunks: Nd[]): Nd {
  let n = 0;
  for (const c of chunks) n += c.size;
  if (chunks.some((c) => isBigData(c.data))) return bigUnique(dtype, n, chunks);
  const all = new Float64Array(n);
  let k = 0;
  for (const c of chunks) {
    const d = compactCopy(c).data;
    for (let i = 0; i < d.length; i++) all[k++] = d[i];
  }
  all.sort();
  const u = distinct(all);
  const out = makeNd(dtype, [u.length]);
  u.forEach((v, i) => (out.data[i] = v));
  return out;
}

/** `uniqueOf` for int64 / uint64 chunks: sorted as bigints (exact past 2^53). */
function bigUnique(dtype: Dtype, n: number, chunks: readonly Nd[]): Nd {
  const all = makeNd(dtype, [n]).data as unknown as BigInt64Array;
  let k = 0;
  for (const c of chunks) {
    const d = compactCopy(c, dtype).data as unknown as BigInt64Array;
    all.set(d, k);
    k += d.length;
  }
  all.sort();
  let m = 0;
  for (let i = 0; i < n; i++) if (m === 0 || all[m - 1] !== all[i]) all[m++] = all[i];
  return makeNd(dtype, [m], all.slice(0, m) as unknown as Nd['data']);
}

/**
 * Whether each element is in `values` (sorted, distinct), as a bool chunk (`invert`: is not).
 *
 * @example
 * isinBlock(chunk, [1, 3, 5], false);
 */
export function isinBlock(chunk: Nd, values: readonly number[], invert: boolean): Nd {
  const out = makeNd('bool', chunk.shape);
  const d = out.data;
  const n = chunk.shape.length;
  const len = n === 0 ? 1 : chunk.shape[n - 1];
  const st = n === 0 ? 0 : chunk.stride[n - 1];
  const src = chunk.data;
  let k = 0;
  // int64 / uint64 elements are bigints: the integer values match them as bigints.
  const set = new Set<number | bigint>(
    isBigData(src) ? values.filter(Number.isInteger).map(BigInt) : values,
  );
  forRows(chunk.shape, [chunk], ([p]) => {
    for (let i = 0; i < len; i++, p += st) d[k++] = set.has(src[p]) !== invert ? 1 : 0;
  });
  return out;
}

/**
 * Counts (or sums of weights) per non-negative integer value of a 1-d chunk, at least
 * `minlength` long.
 *
 * @example
 * bincountBlock(3, chunk, null);
 */
export function bincountBlock(minlength: number, chunk: Nd, weights: Nd | null): Nd {
  const x = compactCopy(chunk).data;
  const w = weights === null ? null : compactCopy(weights).data;
  let max = minlength - 1;
  const big = isBigData(x);
  for (let i = 0; i < x.length; i++) {
    const v = big ? Number(x[i]) : x[i];
    if (!(v >= 0) || !Number.isInteger(v)) {
      throw new RangeError(`bincount: the input must hold non-negative integers, found ${v}`);
    }
    if (v > max) max = v;
  }
  const out = makeNd('float64', [max + 1]);
  const d = out.data;
  for (let i = 0; i < x.length; i++) d[big ? Number(x[i]) : x[i]] += w === null ? 1 : w[i];
  return out;
}

/**
 * Sums 1-d count chunks of any lengths (the shorter as if padded with zeros), cast to `dtype`.
 *
 * @example
 * sumCounts('float64', a, b);
 */
export function sumCounts(dtype: Dtype, ...parts: Nd[]): Nd {
  const n = Math.max(...parts.map((p) => p.shape[0]));
  const out = makeNd(dtype, [n]);
  const acc = new Float64Array(n);
  for (const p of parts) for (let i = 0; i < p.shape[0]; i++) acc[i] += p.get(i);
  out.data.set(acc);
  return out;
}

/**
 * Counts (or sums of weights) of a chunk's elements in `bins` equal bins over `[lo, hi]` (the
 * last bin includes `hi`; values outside are not counted), NumPy's `histogram`.
 *
 * @example
 * histogramBlock(10, 0, 1, chunk, null);
 */
export function histogramBlock(
  bins: number,
  lo: number,
  hi: number,
  chunk: Nd,
  weights: Nd | null,
): Nd {
  const x = compactCopy(chunk).data;
  const w = weights === null ? null : compactCopy(weights).data;
  const out = makeNd('float64', [bins]);
  const d = out.data;
  const scale = bins / (hi - lo);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!(v >= lo && v <= hi)) continue;
    let b = Math.floor((v - lo) * scale);
    if (b >= bins) b = bins - 1;
    d[b] += w === null ? 1 : w[i];
  }
  return out;
}

/**
 * The `|k|` largest (k > 0, descending) or smallest (k < 0, ascending) elements along `axis` of
 * partials concatenated along it (`counts` per axis, C order).
 *
 * @example
 * topkOf(3, 1, [1, 2], a, b);
 */
export function topkOf(k: number, axis: number, counts: readonly number[], ...parts: Nd[]): Nd {
  const whole = concatGrid(parts, counts);
  const m = Math.min(Math.abs(k), whole.shape[axis]);
  const shape = whole.shape.map((s, a) => (a === axis ? m : s));
  const out = makeNd(dtypeOfTypedArray(whole.data) ?? 'float64', shape);
  const others = whole.shape.map((s, a) => (a === axis ? 1 : s));
  const len = whole.shape[axis];
  const st = whole.stride[axis];
  const ost = out.stride[axis];
  const line = new Array<number>(len);
  // Largest first: NaN counts as the largest (NumPy sorts NaN last). int64 / uint64 elements are
  // bigints, compared as such (a difference would not be a number).
  const cmp = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);
  const desc = (a: number, b: number): number => (b !== b ? 1 : a !== a ? -1 : cmp(b, a));
  const asc = (a: number, b: number): number => (a !== a ? 1 : b !== b ? -1 : cmp(a, b));
  forRows(others, [whole, out], ([p, q]) => {
    const n = others.length;
    const inner = n === 0 ? 1 : others[n - 1];
    const ws = n === 0 ? 0 : axis === n - 1 ? 0 : whole.stride[n - 1];
    const os = n === 0 ? 0 : axis === n - 1 ? 0 : out.stride[n - 1];
    for (let j = 0; j < inner; j++, p += ws, q += os) {
      for (let i = 0; i < len; i++) line[i] = whole.data[p + i * st];
      const sorted = line.slice().sort(k > 0 ? desc : asc);
      for (let i = 0; i < m; i++) out.data[q + i * ost] = sorted[i];
    }
  });
  return out;
}

/**
 * The index of the bin each element falls in (NumPy's `digitize` over increasing `bins`):
 * `i` such that `bins[i-1] <= x < bins[i]` (with `right`: `bins[i-1] < x <= bins[i]`).
 *
 * @example
 * digitizeBlock(chunk, [0, 1, 2], false);
 */
export function digitizeBlock(chunk: Nd, bins: readonly number[], right: boolean): Nd {
  const out = makeNd('int32', chunk.shape);
  const d = out.data;
  const n = chunk.shape.length;
  const len = n === 0 ? 1 : chunk.shape[n - 1];
  const st = n === 0 ? 0 : chunk.stride[n - 1];
  const src = chunk.data;
  let k = 0;
  forRows(chunk.shape, [chunk], ([p]) => {
    for (let i = 0; i < len; i++, p += st) {
      const x = src[p];
      // The number of edges below x (or at most x): a binary search.
      let lo = 0;
      let hi = bins.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (right ? bins[mid] < x : bins[mid] <= x) lo = mid + 1;
        else hi = mid;
      }
      d[k++] = x !== x ? bins.length : lo;
    }
  });
  return out;
}
