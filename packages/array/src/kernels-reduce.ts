// The reduction kernels, the three steps of a tree reduction (dask.array's chunk / combine /
// aggregate). `partial` reduces one block along the reduced axes, keeping them with length 1;
// `combine` merges partials of neighbouring blocks (they have one shape, so merging is
// elementwise); `final` merges the last group, finishes (mean, var, std) and casts to the result
// dtype, dropping the reduced axes unless `keepdims`. Partials accumulate in float64; moments
// (mean, var, std) are a count, a mean and a sum of squared deviations, merged with Chan's
// formula so that the variance of large arrays stays accurate.
import type { Dtype } from './dtype.js';
import { cStrides, forRows, isBigData, makeNd, sizeOfShape, type Nd } from './nd.js';

/**
 * The reductions.
 *
 * @example
 * const op: ReduceOp = 'mean';
 */
export type ReduceOp =
  'sum' | 'prod' | 'min' | 'max' | 'any' | 'all' | 'mean' | 'var' | 'std' | NanReduceOp;

/**
 * The reductions that skip NaN (NumPy's `nansum`...): an all-NaN cell gives 0 (nansum), 1
 * (nanprod) or NaN (the others).
 *
 * @example
 * const op: NanReduceOp = 'nanmean';
 */
export type NanReduceOp =
  'nansum' | 'nanprod' | 'nanmin' | 'nanmax' | 'nanmean' | 'nanvar' | 'nanstd';

/** A partial of nanmean/nanvar/nanstd: per cell, the count of non-NaN elements too. */
interface NanMoments {
  readonly counts: Nd;
  readonly mean: Nd;
  readonly m2: Nd | null;
}

const isNanMoment = (op: ReduceOp): boolean =>
  op === 'nanmean' || op === 'nanvar' || op === 'nanstd';

/** A partial of mean/var/std: `n` elements per cell, their means and squared deviations. */
interface Moments {
  readonly n: number;
  readonly mean: Nd;
  readonly m2: Nd | null;
}

type Partial = Nd | Moments | NanMoments;

const INIT: Record<string, number> = {
  sum: 0,
  prod: 1,
  min: Infinity,
  max: -Infinity,
  any: 0,
  all: 1,
  nansum: 0,
  nanprod: 1,
  nanmin: NaN,
  nanmax: NaN,
};

/** Folds `x` into accumulator `acc` for the simple reductions (NaN propagates in min/max). */
function step(op: ReduceOp): (acc: number, x: number) => number {
  switch (op) {
    case 'sum':
      return (a, x) => a + x;
    case 'prod':
      return (a, x) => a * x;
    case 'min':
      return (a, x) => (x < a || x !== x ? x : a);
    case 'max':
      return (a, x) => (x > a || x !== x ? x : a);
    case 'any':
      return (a, x) => (a !== 0 || x !== 0 ? 1 : 0);
    case 'nansum':
      return (a, x) => (x !== x ? a : a + x);
    case 'nanprod':
      return (a, x) => (x !== x ? a : a * x);
    case 'nanmin':
      return (a, x) => (x !== x ? a : a !== a || x < a ? x : a);
    case 'nanmax':
      return (a, x) => (x !== x ? a : a !== a || x > a ? x : a);
    default:
      return (a, x) => (a !== 0 && x !== 0 ? 1 : 0);
  }
}

/** The chunk's shape with the reduced axes kept at length 1, and its strides over the chunk. */
function target(chunk: Nd, axes: readonly number[]): { shape: number[]; over: number[] } {
  const shape = chunk.shape.map((s, i) => (axes.includes(i) ? 1 : s));
  const c = cStrides(shape);
  return { shape, over: shape.map((_, i) => (axes.includes(i) ? 0 : c[i])) };
}

/** Applies `body(accOffset, x)` to every element of the chunk. */
function walk(chunk: Nd, over: number[], body: (o: number, x: number) => void): void {
  rows(chunk, over, (d, p, st, q, ot, len) => {
    for (let i = 0; i < len; i++, p += st, q += ot) body(q, d[p]);
  });
}

type Row = (d: Nd['data'], p: number, st: number, q: number, ot: number, len: number) => void;

/** Calls `row` once per row of the chunk (element offset and stride, accumulator offset and stride). */
function rows(chunk: Nd, over: number[], row: Row): void {
  const n = chunk.shape.length;
  const len = n === 0 ? 1 : chunk.shape[n - 1];
  const st = n === 0 ? 0 : chunk.stride[n - 1];
  const ot = n === 0 ? 0 : over[n - 1];
  const d = chunk.data;
  forRows(chunk.shape, [chunk, { stride: over, offset: 0 }], ([p, q]) => row(d, p, st, q, ot, len));
}

/** Adds every element into its accumulator (a plain loop per row). */
function sumInto(chunk: Nd, over: number[], acc: Float64Array | Nd['data']): void {
  rows(chunk, over, (d, p, st, q, ot, len) => {
    if (ot === 0) {
      let s = 0;
      for (let i = 0; i < len; i++, p += st) s += d[p];
      acc[q] += s;
    } else {
      for (let i = 0; i < len; i++, p += st, q += ot) acc[q] += d[p];
    }
  });
}

/**
 * Reduces one block along `axes`, keeping them (length 1).
 *
 * @example
 * partial('sum', [1], chunk); // float64, shape [rows, 1]
 */
export function partial(op: ReduceOp, axes: readonly number[], chunk: Nd): Partial {
  if (isBigData(chunk.data)) return bigPartial(op, axes, chunk);
  const { shape, over } = target(chunk, axes);
  const size = sizeOfShape(shape);
  const n = size === 0 ? 0 : sizeOfShape(chunk.shape) / size;
  if (isNanMoment(op)) {
    const counts = makeNd('float64', shape);
    const mean = makeNd('float64', shape);
    const cd = counts.data;
    const md = mean.data;
    walk(chunk, over, (o, x) => {
      if (x === x) {
        cd[o]++;
        md[o] += x;
      }
    });
    for (let i = 0; i < size; i++) md[i] = cd[i] > 0 ? md[i] / cd[i] : 0;
    if (op === 'nanmean') return { counts, mean, m2: null };
    const m2 = makeNd('float64', shape);
    const sd = m2.data;
    walk(chunk, over, (o, x) => {
      if (x === x) {
        const dx = x - md[o];
        sd[o] += dx * dx;
      }
    });
    return { counts, mean, m2 };
  }
  if (op === 'mean' || op === 'var' || op === 'std') {
    const mean = makeNd('float64', shape);
    const md = mean.data;
    sumInto(chunk, over, md);
    if (n > 0) for (let i = 0; i < size; i++) md[i] /= n;
    if (op === 'mean') return { n, mean, m2: null };
    const m2 = makeNd('float64', shape);
    const sd = m2.data;
    walk(chunk, over, (o, x) => {
      const dx = x - md[o];
      sd[o] += dx * dx;
    });
    return { n, mean, m2 };
  }
  const acc = makeNd('float64', shape);
  const ad = acc.data;
  ad.fill(INIT[op]);
  const f = step(op);
  if (op === 'sum') {
    sumInto(chunk, over, ad);
  } else {
    walk(chunk, over, (o, x) => {
      ad[o] = f(ad[o], x);
    });
  }
  return acc;
}

/**
 * Merges the partials of neighbouring blocks (same shapes) into one.
 *
 * @example
 * combine('max', p0, p1, p2);
 */
export function combine(op: ReduceOp, ...parts: Partial[]): Partial {
  if (isNanMoment(op)) return combineNan(parts as NanMoments[]);
  if (op === 'mean' || op === 'var' || op === 'std') {
    const ms = parts as Moments[];
    const first = ms[0];
    const mean = makeNd('float64', first.mean.shape);
    const m2 = first.m2 === null ? null : makeNd('float64', first.mean.shape);
    mean.data.set(first.mean.data);
    if (m2 !== null && first.m2 !== null) m2.data.set(first.m2.data);
    let n = first.n;
    const md = mean.data;
    for (let k = 1; k < ms.length; k++) {
      const b = ms[k];
      if (b.n === 0) continue;
      const total = n + b.n;
      const bm = b.mean.data;
      for (let i = 0; i < md.length; i++) {
        const delta = bm[i] - md[i];
        md[i] += (delta * b.n) / total;
        if (m2 !== null && b.m2 !== null)
          m2.data[i] += b.m2.data[i] + (delta * delta * n * b.n) / total;
      }
      n = total;
    }
    return { n, mean, m2 };
  }
  const ps = parts as Nd[];
  if (isBigData(ps[0].data)) return bigCombine(op, ps);
  const out = makeNd('float64', ps[0].shape);
  const od = out.data;
  od.set(ps[0].data);
  const f = step(op);
  for (let k = 1; k < ps.length; k++) {
    const pd = ps[k].data;
    for (let i = 0; i < od.length; i++) od[i] = f(od[i], pd[i]);
  }
  return out;
}

/**
 * The last step: merges `parts`, finishes the statistic (`ddof` for var and std) and gives a chunk
 * of dtype `t` of shape `shape` (the reduced axes dropped, or kept with length 1).
 *
 * @example
 * final('mean', 'float64', 0, [4], p0, p1);
 */
export function final(
  op: ReduceOp,
  t: Dtype,
  ddof: number,
  shape: readonly number[],
  ...parts: Partial[]
): Nd {
  const merged = parts.length === 1 ? parts[0] : combine(op, ...parts);
  const out = makeNd(t, shape);
  const od = out.data;
  if ('counts' in merged) {
    const { counts, mean, m2 } = merged;
    const cd = counts.data;
    const md = mean.data;
    for (let i = 0; i < od.length; i++) {
      const n = cd[i];
      if (op === 'nanmean') od[i] = n === 0 ? NaN : md[i];
      else {
        const v = n - ddof <= 0 ? NaN : m2!.data[i] / (n - ddof);
        od[i] = op === 'nanstd' ? Math.sqrt(v) : v;
      }
    }
    return out;
  }
  if ('n' in merged) {
    const { n, mean, m2 } = merged;
    const md = mean.data;
    for (let i = 0; i < od.length; i++) {
      if (op === 'mean') od[i] = n === 0 ? NaN : md[i];
      else {
        const v = n - ddof <= 0 ? NaN : m2!.data[i] / (n - ddof);
        od[i] = op === 'std' ? Math.sqrt(v) : v;
      }
    }
    return out;
  }
  const pd = merged.data;
  if (isBigData(pd) !== isBigData(od)) {
    // 64-bit integer partials into a number dtype (a `dtype` option), or the other way.
    const o = od as unknown as { [i: number]: number | bigint };
    const p = pd as unknown as { [i: number]: number | bigint };
    const big = isBigData(od);
    for (let i = 0; i < od.length; i++) o[i] = big ? BigInt(p[i]) : Number(p[i]);
    return out;
  }
  for (let i = 0; i < od.length; i++) od[i] = pd[i];
  return out;
}

/** The 64-bit integer extremes, to start min and max from. */
const BIG_RANGE = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
} as const;

type BigArr = { [i: number]: bigint; length: number };

/** The fold of one 64-bit integer into an accumulator (the store wraps at 64 bits). */
function bigStep(op: ReduceOp): (acc: bigint, x: bigint) => bigint {
  switch (op) {
    case 'sum':
    case 'nansum':
      return (a, x) => a + x;
    case 'prod':
    case 'nanprod':
      return (a, x) => a * x;
    case 'min':
    case 'nanmin':
      return (a, x) => (x < a ? x : a);
    case 'max':
    case 'nanmax':
      return (a, x) => (x > a ? x : a);
    case 'any':
      return (a, x) => (a !== 0n || x !== 0n ? 1n : 0n);
    case 'all':
      return (a, x) => (a !== 0n && x !== 0n ? 1n : 0n);
    default:
      throw new TypeError(`${op}: not a reduction of 64-bit integers (convert to float64 first)`);
  }
}

const bigDtype = (d: unknown): 'int64' | 'uint64' =>
  Object.prototype.toString.call(d) === '[object BigInt64Array]' ? 'int64' : 'uint64';

/**
 * `partial` of a block of 64-bit integers (sum, prod, min, max, any, all and the nan forms, which
 * are the same on integers): the partial keeps its dtype.
 */
function bigPartial(op: ReduceOp, axes: readonly number[], chunk: Nd): Nd {
  const { shape, over } = target(chunk, axes);
  const t = bigDtype(chunk.data);
  const acc = makeNd(t, shape);
  const ad = acc.data as unknown as BigArr;
  const [lo, hi] = BIG_RANGE[t];
  const init = /min$/.test(op) ? hi : /max$/.test(op) ? lo : /prod$|^all$/.test(op) ? 1n : 0n;
  for (let i = 0; i < ad.length; i++) ad[i] = init;
  const f = bigStep(op);
  rows(chunk, over, (d0, p, st, q, ot, len) => {
    const d = d0 as unknown as BigArr;
    for (let i = 0; i < len; i++, p += st, q += ot) ad[q] = f(ad[q], d[p]);
  });
  return acc;
}

/** `combine` of 64-bit integer partials. */
function bigCombine(op: ReduceOp, ps: readonly Nd[]): Nd {
  const first = ps[0];
  const out = makeNd(bigDtype(first.data), first.shape);
  const od = out.data as unknown as BigArr;
  (out.data as unknown as BigInt64Array).set(first.data as unknown as BigInt64Array);
  const f = bigStep(op);
  for (let k = 1; k < ps.length; k++) {
    const pd = ps[k].data as unknown as BigArr;
    for (let i = 0; i < od.length; i++) od[i] = f(od[i], pd[i]);
  }
  return out;
}

/** Chan's merge of nan moments, cell by cell (each cell has its own count). */
function combineNan(ms: readonly NanMoments[]): NanMoments {
  const first = ms[0];
  const counts = makeNd('float64', first.mean.shape);
  const mean = makeNd('float64', first.mean.shape);
  const m2 = first.m2 === null ? null : makeNd('float64', first.mean.shape);
  counts.data.set(first.counts.data);
  mean.data.set(first.mean.data);
  if (m2 !== null) m2.data.set(first.m2!.data);
  const cd = counts.data;
  const md = mean.data;
  for (let k = 1; k < ms.length; k++) {
    const b = ms[k];
    const bc = b.counts.data;
    const bm = b.mean.data;
    for (let i = 0; i < md.length; i++) {
      const nb = bc[i];
      if (nb === 0) continue;
      const na = cd[i];
      const total = na + nb;
      const delta = bm[i] - md[i];
      md[i] += (delta * nb) / total;
      if (m2 !== null) m2.data[i] += b.m2!.data[i] + (delta * delta * na * nb) / total;
      cd[i] = total;
    }
  }
  return { counts, mean, m2 };
}
