// Running aggregates per group: count, sum, min, max and m2 (the sum of squared deviations, for
// var / std) as one Float64Array each. Policy: a groupby keeps only the statistics its outputs
// read (a sum keeps sums, a mean counts and sums; `Stat` lists, planned in ops-agg.ts); the others
// are empty arrays, so a partial of a million groups carries and merges one array, not five.
// Each statistic is accumulated and merged in a loop of its own over known array types (one
// memory stream per loop), but for a sum with its count (a mean), which share one pass over the
// rows; values that are NaN or null are skipped, as pandas does.
import { isValid, type Col } from './columns.js';

/**
 * A statistic a groupby keeps per group and value column.
 *
 * @example
 * const s: Stat = 'sum';
 */
export type Stat = 'count' | 'sum' | 'min' | 'max' | 'm2';

/** Every statistic (what whole-column aggregates and unplanned groupbys keep). @internal */
export const ALL_STATS: readonly Stat[] = ['count', 'sum', 'min', 'max', 'm2'];

/**
 * Per-column running aggregates, one entry per group (or one for a whole column); `m2` is the sum
 * of squared deviations from the mean (Welford), combined with Chan's formula, for var / std. A
 * statistic that is not kept is an empty array.
 * @internal
 */
export interface Acc {
  readonly count: Float64Array;
  readonly sum: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly m2: Float64Array;
}

const EMPTY = new Float64Array(0);

/** Accumulators for `n` groups keeping `stats` (m2 needs count and sum too). @internal */
export function newAcc(n: number, stats: readonly Stat[] = ALL_STATS): Acc {
  const has = (s: Stat): boolean =>
    stats.includes(s) || (stats.includes('m2') && s !== 'min' && s !== 'max');
  return {
    count: has('count') ? new Float64Array(n) : EMPTY,
    sum: has('sum') ? new Float64Array(n) : EMPTY,
    min: has('min') ? new Float64Array(n).fill(Infinity) : EMPTY,
    max: has('max') ? new Float64Array(n).fill(-Infinity) : EMPTY,
    m2: has('m2') ? new Float64Array(n) : EMPTY,
  };
}

type NumCol = Exclude<Col, { type: 'utf8' }>;

/** Whether a kept statistic is there (an empty array is one not kept; n > 0 groups). */
const kept = (a: Float64Array, n: number): boolean => n > 0 && a.length === n;

/** Adds a float64 or int32 column without nulls into `acc` at groups `ids` (-1: skip). */
function accumulateDense(acc: Acc, v: NumCol['values'], ids: Int32Array, g: number): void {
  const n = ids.length;
  const { count, sum, min, max } = acc;
  if (kept(sum, g) && kept(count, g))
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      const x = v[i];
      if (id >= 0 && x === x) {
        sum[id] += x;
        count[id]++;
      }
    }
  else if (kept(sum, g))
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      const x = v[i];
      if (id >= 0 && x === x) sum[id] += x;
    }
  else if (kept(count, g))
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      if (id >= 0 && v[i] === v[i]) count[id]++;
    }
  if (kept(min, g))
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      const x = v[i];
      if (id >= 0 && x < min[id]) min[id] = x;
    }
  if (kept(max, g))
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      const x = v[i];
      if (id >= 0 && x > max[id]) max[id] = x;
    }
}

/**
 * Adds a column's rows into `acc` at groups `ids` (-1: skip; undefined: all into group 0), then
 * (when m2 is kept) their squared deviations from the group means in a second pass.
 * @internal
 */
export function accumulate(acc: Acc, c: Col, ids: Int32Array | undefined): void {
  const g = groupsOf(acc);
  if (c.type === 'utf8') {
    if (!kept(acc.count, g)) return;
    for (let i = 0; i < c.length; i++) {
      const id = ids === undefined ? 0 : ids[i];
      if (id >= 0 && isValid(c.valid, i)) acc.count[id]++;
    }
    return;
  }
  const v = c.values;
  if (c.valid === undefined && ids !== undefined && ids.length === c.length)
    accumulateDense(acc, v, ids, g);
  else {
    const { count, sum, min, max } = acc;
    const [hc, hs, hn, hx] = [kept(count, g), kept(sum, g), kept(min, g), kept(max, g)];
    for (let i = 0; i < c.length; i++) {
      const id = ids === undefined ? 0 : ids[i];
      if (id < 0 || !isValid(c.valid, i)) continue;
      const x = v[i];
      if (x !== x) continue;
      if (hc) count[id]++;
      if (hs) sum[id] += x;
      if (hn && x < min[id]) min[id] = x;
      if (hx && x > max[id]) max[id] = x;
    }
  }
  if (!kept(acc.m2, g)) return;
  const { count, sum, m2 } = acc;
  for (let i = 0; i < c.length; i++) {
    const id = ids === undefined ? 0 : ids[i];
    if (id < 0 || !isValid(c.valid, i)) continue;
    const x = v[i];
    if (x !== x) continue;
    const d = x - sum[id] / count[id];
    m2[id] += d * d;
  }
}

/**
 * Merges the states `srcs` (in order; source j holds `rows[j]` groups) into `dst`: row r of the
 * sources (counted across them) goes to group `ids[r]` of `dst`. A statistic a source does not
 * keep adds nothing. Source by source, m2 first: Chan's formula reads the counts and sums merged
 * so far, before this source's are added. @internal
 */
export function mergeAccs(
  dst: Acc,
  srcs: readonly Acc[],
  rows: readonly number[],
  ids: Int32Array,
): void {
  const g = groupsOf(dst);
  const { count, sum, min, max, m2 } = dst;
  let r = 0;
  for (let j = 0; j < srcs.length; j++) {
    const s = srcs[j];
    const n = rows[j];
    if (kept(m2, g) && s.m2.length === n)
      for (let i = 0; i < n; i++) {
        const id = ids[r + i];
        const na = count[id];
        const nb = s.count[i];
        if (nb === 0) continue;
        if (na === 0) m2[id] = s.m2[i];
        else {
          const d = s.sum[i] / nb - sum[id] / na;
          m2[id] += s.m2[i] + (d * d * na * nb) / (na + nb);
        }
      }
    if (kept(count, g) && s.count.length === n)
      for (let i = 0; i < n; i++) count[ids[r + i]] += s.count[i];
    if (kept(sum, g) && s.sum.length === n) for (let i = 0; i < n; i++) sum[ids[r + i]] += s.sum[i];
    if (kept(min, g) && s.min.length === n)
      for (let i = 0; i < n; i++) {
        const id = ids[r + i];
        if (s.min[i] < min[id]) min[id] = s.min[i];
      }
    if (kept(max, g) && s.max.length === n)
      for (let i = 0; i < n; i++) {
        const id = ids[r + i];
        if (s.max[i] > max[id]) max[id] = s.max[i];
      }
    r += n;
  }
}

/** The number of groups of an accumulator. @internal */
export function groupsOf(acc: Acc): number {
  return Math.max(acc.count.length, acc.sum.length, acc.min.length, acc.max.length, acc.m2.length);
}

/** The statistics an accumulator keeps (to make a merged one alike). @internal */
export function statsOf(acc: Acc): Stat[] {
  const g = groupsOf(acc);
  return g === 0 ? [...ALL_STATS] : ALL_STATS.filter((s) => acc[s].length === g);
}
