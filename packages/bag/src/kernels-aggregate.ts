// Kernels of the aggregations. Each aggregation is a per-partition step (a pipeline sink,
// kernels-sinks.ts) and a combine step that a tree applies to groups of `splitEvery` partial
// results (see tree.ts); the combine steps live here. A partial result that may
// be empty is an "option": `[]` (nothing yet) or `[value]`, so folds of empty partitions need no
// initial value. Grouping results are Maps from a grouping key (group-key.ts) to `[key, value]`.
import { withFns } from '@dask-ts/graph/kernels';
import { groupKey } from './group-key.js';

type Part = readonly unknown[];
type Opt = [] | [unknown];
type Groups = Map<unknown, [unknown, unknown]>;

/** `reduction` step: `f(partition)`. @example applyTo(f, [1, 2]) */
export function applyTo(f: unknown, part: Part): unknown {
  return withFns([f], ([fn]) => fn(part));
}

/** `reduction` combine: `f([...partials])`. @example applyToList(f, 1, 2) */
export function applyToList(f: unknown, ...values: unknown[]): unknown {
  return withFns([f], ([fn]) => fn(values));
}

/** `fold` combine: reduce partial options with `combine`. @example foldCombine(add, false, undefined, [1], [], [2]) // [3] */
export function foldCombine(
  f: unknown,
  hasInit: boolean,
  init: unknown,
  ...opts: Opt[]
): Opt | Promise<Opt> {
  return withFns([f], ([fn]) => {
    let has = hasInit;
    let acc = init;
    for (const o of opts) {
      if (o.length === 0) continue;
      acc = has ? fn(acc, o[0]) : o[0];
      has = true;
    }
    return has ? [acc] : [];
  });
}

/** The value of an option, or an error naming the operation when the bag was empty. @example unwrap([3], 'max') // 3 */
export function unwrap(o: Opt, what: string): unknown {
  if (o.length === 0) {
    throw new Error(`${what} of an empty bag${what === 'fold' ? ': pass an initial value' : ''}`);
  }
  return o[0];
}

/** `foldby` combine: merges per-key accumulators with `combine`. @example foldbyCombine(add, false, undefined, m1, m2) */
export function foldbyCombine(
  f: unknown,
  hasInit: boolean,
  init: unknown,
  ...maps: Groups[]
): Groups | Promise<Groups> {
  return withFns([f], ([fn]) => {
    const out: Groups = new Map();
    for (const m of maps) {
      for (const [gk, [k, v]] of m) {
        const e = out.get(gk);
        if (e !== undefined) e[1] = fn(e[1], v);
        else out.set(gk, [k, hasInit ? fn(init, v) : v]);
      }
    }
    return out;
  });
}

/** The `[key, value]` pairs of grouped results; with `sort`, by value descending. @example entries(m, false) */
export function entries(m: Groups, sort: boolean): [unknown, unknown][] {
  const out = [...m.values()].map(([k, v]) => [k, v] as [unknown, unknown]);
  if (sort) out.sort((a, b) => (b[1] as number) - (a[1] as number));
  return out;
}

/** `frequencies` combine: sums the counts (fresh entries, so the inputs are left as they are). @example countCombine(m1, m2) */
export function countCombine(...maps: Groups[]): Groups {
  const out: Groups = new Map();
  for (const m of maps) {
    for (const [gk, e] of m) {
      const o = out.get(gk);
      if (o !== undefined) (o[1] as number) += e[1] as number;
      else out.set(gk, [e[0], e[1]]);
    }
  }
  return out;
}

/** `distinct` combine: keeps the first element of each key. @example distinctCombine(m1, m2) */
export function distinctCombine(...maps: Groups[]): Groups {
  const out: Groups = new Map();
  for (const m of maps) for (const [gk, e] of m) if (!out.has(gk)) out.set(gk, e);
  return out;
}

/** The elements kept by `distinct`. @example distinctValues(m) */
export function distinctValues(m: Groups): unknown[] {
  return [...m.values()].map((e) => e[0]);
}

/**
 * Orders two comparable values (numbers, strings, bigints, Dates, booleans): negative, zero or positive.
 *
 * @example
 * compare(1, 2); // -1
 */
export function compare(a: unknown, b: unknown): number {
  // JavaScript's relational operators order numbers, strings, bigints, Dates and booleans alike.
  const x = a as number;
  const y = b as number;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `topk` step and combine: the `k` largest (by key), largest first. @example topk(2, null, [1, 5, 3]) // [5, 3] */
export function topk(k: number, key: unknown, ...parts: Part[]): unknown[] | Promise<unknown[]> {
  return withFns([key], ([kf]) => {
    const all = parts.length === 1 ? parts[0] : parts.flat();
    const keyed = all.map((x, i) => [kf(x), i, x] as const);
    keyed.sort((a, b) => compare(b[0], a[0]) || a[1] - b[1]);
    return keyed.slice(0, k).map((e) => e[2]);
  });
}

/** Sum of the elements (or of partial sums). @example sum([1, 2]) // 3 */
export function sum(part: Part): number {
  let s = 0;
  for (let i = 0; i < part.length; i++) s += part[i] as number;
  return s;
}

/** Sum of partial sums. @example sumAll(1, 2) // 3 */
export function sumAll(...xs: number[]): number {
  return sum(xs);
}

/** The smallest (`max` false) or largest element, as an option. @example extreme(true, [1, 3]) // [3] */
export function extreme(max: boolean, part: Part): Opt {
  if (part.length === 0) return [];
  let best = part[0];
  for (let i = 1; i < part.length; i++) {
    const c = compare(part[i], best);
    if (max ? c > 0 : c < 0) best = part[i];
  }
  return [best];
}

/** Combines extreme options. @example extremeAll(true, [1], [], [4]) // [4] */
export function extremeAll(max: boolean, ...opts: Opt[]): Opt {
  return extreme(max, opts.flat());
}

/** Whether every (`every` true) or some element is truthy. @example truthy(true, [1, 0]) // false */
export function truthy(every: boolean, part: Part): boolean {
  return every ? part.every(Boolean) : part.some(Boolean);
}

/** Combines `truthy` results. @example truthyAll(false, false, true) // true */
export function truthyAll(every: boolean, ...xs: boolean[]): boolean {
  return truthy(every, xs);
}

/** Combines moments (Chan et al.). @example momentsAll([1, 1, 0], [1, 3, 0]) // [2, 2, 2] */
export function momentsAll(...ms: [number, number, number][]): [number, number, number] {
  let [n, mean, m2] = [0, 0, 0];
  for (const [nb, mb, m2b] of ms) {
    if (nb === 0) continue;
    const total = n + nb;
    const d = mb - mean;
    mean += (d * nb) / total;
    m2 += m2b + (d * d * n * nb) / total;
    n = total;
  }
  return [n, mean, m2];
}

/** A statistic from moments: 'mean', 'var' or 'std' (with `ddof`). @example fromMoments([3, 2, 2], 'var', 1) // 1 */
export function fromMoments(m: [number, number, number], stat: string, ddof: number): number {
  const [n, mean, m2] = m;
  if (stat === 'mean') return n === 0 ? NaN : mean;
  const v = n - ddof > 0 ? m2 / (n - ddof) : NaN;
  return stat === 'std' ? Math.sqrt(v) : v;
}

/** A later stage of a multi-stage shuffle: triples in `base` buckets by digit `s` of their target. @example digitSplit([['a', 1, 5]], 2, 1) */
export function digitSplit(
  part: readonly [unknown, unknown, number][],
  base: number,
  s: number,
): unknown[][] {
  const buckets: unknown[][] = Array.from({ length: base }, () => []);
  const w = base ** s;
  for (const e of part) buckets[Math.floor(e[2] / w) % base].push(e);
  return buckets;
}

/** `groupby` collect step: the groups of one output partition, elements in input order. @example groupCollect(b0, b1) */
export function groupCollect(...buckets: [unknown, unknown][][]): [unknown, unknown[]][] {
  const m = new Map<unknown, [unknown, unknown[]]>();
  for (const b of buckets) {
    for (const [k, x] of b) {
      const gk = groupKey(k);
      const e = m.get(gk);
      if (e !== undefined) e[1].push(x);
      else m.set(gk, [k, [x]]);
    }
  }
  return [...m.values()];
}
