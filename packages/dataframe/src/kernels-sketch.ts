// Kernels of approximate quantiles: each partition is summarised by its row count and its values
// at K + 1 evenly spaced quantile levels (exact within the partition), or by all its values when
// it has no more than that (then its part of the answer is exact); summaries are only
// concatenated when combined; the final task inverts the mixture of the partitions' piecewise-linear
// CDFs. Each partition's CDF is off by at most 1/K between its points, so the answer's rank is
// within 1/K of `q` (K = 200: half a percent), whatever the size of the data, and the final task
// holds K + 1 numbers per partition instead of every value.
import type { Table } from 'apache-arrow';
import { colsOf, type Col } from './columns.js';
import { present } from './kernels-ops.js';
import { quantileSorted } from './kernels-describe.js';

/** Summary points per partition, minus one. @internal */
export const SKETCH_K = 200;

/** A partition's summary of one column: row count and quantile points. */
interface Summary {
  readonly n: number;
  readonly points: Float64Array;
  /** Whether `points` are all the partition's values (a step CDF) rather than quantile levels. */
  readonly all: boolean;
}
type Sketch = Record<string, Summary[]>;

/**
 * A summary's CDF at x: the share of values <= x, or < x when `left` (they differ where values
 * repeat: a point mass, which the answer may land on).
 */
function cdf(s: Summary, x: number, left: boolean): number {
  const p = s.points;
  if (s.all) {
    // The share of values < x (left) or <= x.
    let lo = 0;
    let hi = p.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (left ? p[mid] < x : p[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo / p.length;
  }
  const k = p.length - 1;
  if (left ? x <= p[0] : x < p[0]) return 0;
  if (left ? x > p[k] : x >= p[k]) return 1;
  // lo: the last point below x (or at most x), hi = lo + 1.
  let lo = 0;
  let hi = k;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (left ? p[mid] < x : p[mid] <= x) lo = mid;
    else hi = mid;
  }
  const w = p[hi] - p[lo];
  return (lo + (w > 0 ? (x - p[lo]) / w : 1)) / k;
}

/** The `q`-quantile of a mixture of summaries. @internal */
export function sketchQuantile(parts: readonly Summary[], q: number): number {
  const live = parts.filter((s) => s.n > 0);
  const total = live.reduce((a, s) => a + s.n, 0);
  if (total === 0) return NaN;
  const f = (x: number, left: boolean): number =>
    live.reduce((a, s) => a + s.n * cdf(s, x, left), 0) / total;
  const xs = [...new Set(live.flatMap((s) => [...s.points]))].sort((a, b) => a - b);
  if (q <= 0) return xs[0];
  let prevX = xs[0];
  let prevF = f(prevX, false);
  if (prevF >= q) return prevX;
  for (let i = 1; i < xs.length; i++) {
    const below = f(xs[i], true);
    // q falls in the mass at xs[i], or on the slope between prevX and xs[i].
    if (below >= q) return prevX + ((xs[i] - prevX) * (q - prevF)) / (below - prevF);
    const upTo = f(xs[i], false);
    if (upTo >= q) return xs[i];
    prevX = xs[i];
    prevF = upTo;
  }
  return xs[xs.length - 1];
}

/** The kernels of this file. @internal */
export const sketchKernels = {
  sketchPartial: (t: Table, cols: readonly string[]): Sketch => {
    const all = colsOf(t);
    const out: Sketch = {};
    for (const name of cols) {
      const c = all.get(name)! as Exclude<Col, { type: 'utf8' | 'category' }>;
      let n = 0;
      for (let i = 0; i < c.length; i++) if (present(c, i)) n++;
      const v = new Float64Array(n);
      for (let i = 0, k = 0; i < c.length; i++) if (present(c, i)) v[k++] = c.values[i];
      v.sort();
      out[name] = [
        n <= SKETCH_K + 1
          ? { n, points: v, all: true }
          : {
              n,
              points: Float64Array.from({ length: SKETCH_K + 1 }, (_, j) =>
                quantileSorted(v, j / SKETCH_K),
              ),
              all: false,
            },
      ];
    }
    return out;
  },
  sketchCombine: (...states: Sketch[]): Sketch => {
    const out: Sketch = {};
    for (const name of Object.keys(states[0] ?? {})) out[name] = states.flatMap((s) => s[name]);
    return out;
  },
  /** Per column, its approximate quantile(s): a number for one q, an array for several. */
  sketchFinal: (
    cols: readonly string[],
    qs: number | readonly number[],
    series: boolean,
    ...states: Sketch[]
  ): number | number[] | Record<string, number | number[]> => {
    const all = sketchKernels.sketchCombine(...states);
    const out: Record<string, number | number[]> = {};
    for (const name of cols) {
      const parts = all[name] ?? [];
      out[name] =
        typeof qs === 'number'
          ? sketchQuantile(parts, qs)
          : qs.map((q) => sketchQuantile(parts, q));
    }
    return series ? out[cols[0]] : out;
  },
};
