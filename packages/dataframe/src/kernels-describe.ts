// Kernels of `describe()`: per partition, each numeric column's non-null values sorted; combined
// by merging sorted runs; finished into count, mean, std (ddof 1), min, the 25 / 50 / 75 %
// quantiles (linear interpolation, as pandas) and max. Exact, at the cost of holding each
// column's values in the final task.
import type { Table } from 'apache-arrow';
import { colsOf, tableOf, type Col } from './columns.js';
import { present } from './kernels-ops.js';
import { utf8Of } from './columns.js';

type Sorted = Record<string, Float64Array>;

function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** Linear-interpolated quantile of sorted values. @internal */
export function quantileSorted(v: Float64Array, q: number): number {
  if (v.length === 0) return NaN;
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

const STATS = ['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max'];

/** The kernels of this file. @internal */
export const describeKernels = {
  describePartial: (t: Table, cols: readonly string[]): Sorted => {
    const all = colsOf(t);
    const out: Sorted = {};
    for (const name of cols) {
      const c = all.get(name)! as Exclude<Col, { type: 'utf8' }>;
      let n = 0;
      for (let i = 0; i < c.length; i++) if (present(c, i)) n++;
      const v = new Float64Array(n);
      for (let i = 0, k = 0; i < c.length; i++) if (present(c, i)) v[k++] = c.values[i];
      out[name] = v.sort();
    }
    return out;
  },
  describeCombine: (...states: Sorted[]): Sorted => {
    const out: Sorted = {};
    for (const name of Object.keys(states[0] ?? {}))
      out[name] = states.map((s) => s[name]).reduce(mergeSorted);
    return out;
  },
  /** Quantiles of one column (a number for one q, an array for several). */
  quantileFinal: (
    name: string,
    qs: number | readonly number[],
    ...states: Sorted[]
  ): number | number[] => {
    const v = states.map((s) => s[name]).reduce(mergeSorted);
    return typeof qs === 'number' ? quantileSorted(v, qs) : qs.map((q) => quantileSorted(v, q));
  },
  describeFinal: (cols: readonly string[], ...states: Sorted[]): Table => {
    const m = new Map<string, Col>([['stat', utf8Of(STATS)]]);
    for (const name of cols) {
      const v = states.map((s) => s[name]).reduce(mergeSorted);
      const n = v.length;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += v[i];
      const mean = n === 0 ? NaN : sum / n;
      let m2 = 0;
      for (let i = 0; i < n; i++) m2 += (v[i] - mean) * (v[i] - mean);
      const values = Float64Array.from([
        n,
        mean,
        n < 2 ? NaN : Math.sqrt(m2 / (n - 1)),
        n === 0 ? NaN : v[0],
        quantileSorted(v, 0.25),
        quantileSorted(v, 0.5),
        quantileSorted(v, 0.75),
        n === 0 ? NaN : v[n - 1],
      ]);
      m.set(name, { type: 'float64', length: STATS.length, values });
    }
    return tableOf(m);
  },
};
