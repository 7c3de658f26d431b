// Whole-column reductions (a series' or a frame's sum, mean, min, max, var, std, count) over one
// typed array without nulls: one loop per array type, with the running values in locals, then a
// second loop for the squared deviations from the mean (var / std), skipped where only the count
// and the sum are asked for. Columns with nulls or of other types take kernels-agg.ts's general
// loop. NaN is skipped, as a null is.
import type { Acc } from './kernels-agg.js';

/** The count and sum of a whole float64 column without nulls into `acc` (group 0). @internal */
export function sumF64(acc: Acc, v: Float64Array): void {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) continue;
    n++;
    sum += x;
  }
  acc.count[0] = n;
  acc.sum[0] = sum;
}

/**
 * A whole float64 column without nulls into `acc` (group 0): one loop, then one for m2.
 * @internal
 */
export function wholeF64(acc: Acc, v: Float64Array): void {
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) continue;
    n++;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / n;
  let m2 = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) continue;
    const d = x - mean;
    m2 += d * d;
  }
  setWhole(acc, n, sum, min, max, m2);
}

/** A whole int32 column without nulls into `acc` (group 0). @internal */
export function wholeI32(acc: Acc, v: Int32Array): void {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / v.length;
  let m2 = 0;
  for (let i = 0; i < v.length; i++) {
    const d = v[i] - mean;
    m2 += d * d;
  }
  setWhole(acc, v.length, sum, min, max, m2);
}

function setWhole(acc: Acc, n: number, sum: number, min: number, max: number, m2: number): void {
  acc.count[0] = n;
  acc.sum[0] = sum;
  acc.min[0] = min;
  acc.max[0] = max;
  acc.m2[0] = n === 0 ? 0 : m2;
}
