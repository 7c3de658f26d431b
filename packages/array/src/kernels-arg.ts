// The kernels of argmin and argmax (and their nan forms) as tree reductions: a partial holds, per
// output cell, the best value seen and its index (along the reduced axis, or the flat C-order
// index over the whole array when every axis is reduced); merging keeps the better value and, on
// ties, the smaller index, so the first occurrence wins as in NumPy. NaN wins in argmin/argmax
// (NumPy returns the first NaN); the nan forms skip NaN and fail on a cell that is all NaN.
// int64 and uint64 values are compared as bigints (exact past 2^53; they hold no NaN).
import { dtypeOfTypedArray, type Dtype } from './dtype.js';
import { cStrides, forRows, isBigData, makeNd, sizeOfShape, type Nd } from './nd.js';

/**
 * The arg reductions.
 *
 * @example
 * const op: ArgOp = 'nanargmax';
 */
export type ArgOp = 'argmin' | 'argmax' | 'nanargmin' | 'nanargmax';

/** Per cell: the best value and its index (-1: none yet). */
export interface ArgPartial {
  readonly v: Nd;
  readonly i: Nd;
}

/** Whether (x, j) beats (v, i) (i = -1 means nothing yet). */
function beats(op: ArgOp, x: number, j: number, v: number, i: number): boolean {
  const nan = op === 'nanargmin' || op === 'nanargmax';
  if (x !== x) return !nan && (i < 0 || (v === v ? true : j < i));
  if (i < 0) return true;
  if (v !== v) return false;
  const max = op === 'argmax' || op === 'nanargmax';
  return (max ? x > v : x < v) || (x === v && j < i);
}

/**
 * One block's partial: `axes` reduced, `start` the block's global offsets in an array of `shape`.
 *
 * @example
 * argPartial('argmax', [1], [0, 4], [6, 8], chunk);
 */
export function argPartial(
  op: ArgOp,
  axes: readonly number[],
  start: readonly number[],
  shape: readonly number[],
  chunk: Nd,
): ArgPartial {
  const tshape = chunk.shape.map((s, a) => (axes.includes(a) ? 1 : s));
  const c = cStrides(tshape);
  const over = tshape.map((_, a) => (axes.includes(a) ? 0 : c[a]));
  const rs = cStrides(axes.map((a) => shape[a]));
  const istride = chunk.shape.map((_, a) => (axes.includes(a) ? rs[axes.indexOf(a)] : 0));
  const base = istride.reduce((s, st, a) => s + st * start[a], 0);
  // Values keep the chunk's dtype when it is int64 / uint64 (exact past 2^53), float64 otherwise.
  const big = isBigData(chunk.data);
  const v = makeNd(big ? dtypeOfTypedArray(chunk.data)! : 'float64', tshape);
  const i = makeNd('float64', tshape);
  if (!big) v.data.fill(NaN);
  i.data.fill(-1);
  const vd = v.data;
  const id = i.data;
  const n = chunk.shape.length;
  const len = n === 0 ? 1 : chunk.shape[n - 1];
  const st = n === 0 ? 0 : chunk.stride[n - 1];
  const ot = n === 0 ? 0 : over[n - 1];
  const gt = n === 0 ? 0 : istride[n - 1];
  const d = chunk.data;
  forRows(
    chunk.shape,
    [chunk, { stride: over, offset: 0 }, { stride: istride, offset: base }],
    ([p, q, g]) => {
      // Within a block the indices only grow, so a strict comparison keeps the first of equals.
      // One loop per operation (no per-element dispatch).
      if (op === 'argmax') {
        for (let k = 0; k < len; k++, p += st, q += ot, g += gt) {
          const x = d[p];
          const v = vd[q];
          if (id[q] < 0 || x > v || (x !== x && v === v)) {
            vd[q] = x;
            id[q] = g;
          }
        }
      } else if (op === 'argmin') {
        for (let k = 0; k < len; k++, p += st, q += ot, g += gt) {
          const x = d[p];
          const v = vd[q];
          if (id[q] < 0 || x < v || (x !== x && v === v)) {
            vd[q] = x;
            id[q] = g;
          }
        }
      } else if (op === 'nanargmax') {
        for (let k = 0; k < len; k++, p += st, q += ot, g += gt) {
          const x = d[p];
          if (x === x && (id[q] < 0 || x > vd[q])) {
            vd[q] = x;
            id[q] = g;
          }
        }
      } else {
        for (let k = 0; k < len; k++, p += st, q += ot, g += gt) {
          const x = d[p];
          if (x === x && (id[q] < 0 || x < vd[q])) {
            vd[q] = x;
            id[q] = g;
          }
        }
      }
    },
  );
  return { v, i };
}

/**
 * Merges partials of neighbouring blocks.
 *
 * @example
 * argCombine('argmin', p0, p1);
 */
export function argCombine(op: ArgOp, ...parts: ArgPartial[]): ArgPartial {
  const v = makeNd(dtypeOfTypedArray(parts[0].v.data) ?? 'float64', parts[0].v.shape);
  const i = makeNd('float64', parts[0].v.shape);
  v.data.set(parts[0].v.data);
  i.data.set(parts[0].i.data);
  const vd = v.data;
  const id = i.data;
  for (let k = 1; k < parts.length; k++) {
    const pv = parts[k].v.data;
    const pi = parts[k].i.data;
    for (let q = 0; q < vd.length; q++) {
      if (pi[q] >= 0 && beats(op, pv[q], pi[q], vd[q], id[q])) {
        vd[q] = pv[q];
        id[q] = pi[q];
      }
    }
  }
  return { v, i };
}

/**
 * The indices of the merged partials as a block of `shape` and dtype `t`.
 *
 * @example
 * argFinal('argmax', 'int32', [4], p0, p1);
 */
export function argFinal(
  op: ArgOp,
  t: Dtype,
  shape: readonly number[],
  ...parts: ArgPartial[]
): Nd {
  const m = parts.length === 1 ? parts[0] : argCombine(op, ...parts);
  const out = makeNd(t, shape);
  const od = out.data;
  const id = m.i.data;
  for (let q = 0; q < sizeOfShape(shape); q++) {
    if (id[q] < 0) throw new RangeError(`${op}: All-NaN slice encountered`);
    od[q] = id[q];
  }
  return out;
}
