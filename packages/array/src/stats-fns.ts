// The counting and ordering operations as public functions (see stats.ts): unique, isin,
// bincount, histogram, topk, diff.
import { DaskArray, type ArrayValue } from './array.js';
import * as stats from './stats.js';

type A = DaskArray<ArrayValue>;

function check(op: string, x: unknown): A {
  if (!(x instanceof DaskArray)) {
    throw new TypeError(`${op}: expected a DaskArray, got ${x === null ? 'null' : typeof x}`);
  }
  return x;
}

/**
 * The sorted distinct values of `x` (flattened); their number is unknown (NaN) until computed.
 *
 * @example
 * await unique(x).compute(); // a 1-d ndarray
 */
export function unique(x: A): DaskArray {
  return DaskArray.of(stats.unique(check('unique', x)));
}

/**
 * Whether each element of `x` is one of `values` (bool); `invert` asks the opposite.
 *
 * @example
 * isin(x, [1, 2, 3]);
 */
export function isin(
  x: A,
  values: ArrayLike<number>,
  options: { readonly invert?: boolean } = {},
): DaskArray {
  return DaskArray.of(stats.isin(check('isin', x), values, options.invert ?? false));
}

/**
 * How often each non-negative integer occurs in 1-d `x` (or the sum of `weights` there), at least
 * `minlength` long (int32 counts, float64 sums of weights); the length is unknown until computed.
 *
 * @example
 * await bincount(x, { minlength: 5 }).compute();
 */
export function bincount(
  x: A,
  options: { readonly weights?: A; readonly minlength?: number } = {},
): DaskArray {
  return DaskArray.of(stats.bincount(check('bincount', x), options));
}

/**
 * Counts of `x`'s elements in `bins` equal bins over `range` (NumPy's `histogram`; the range is
 * required, as in dask), and the bin edges.
 *
 * @example
 * const { counts, edges } = histogram(x, { bins: 10, range: [0, 1] });
 */
export function histogram(
  x: A,
  options: {
    readonly bins: number;
    readonly range: readonly [number, number];
    readonly weights?: A;
  },
): { counts: DaskArray; edges: number[] } {
  const { counts, edges } = stats.histogram(check('histogram', x), options);
  return { counts: DaskArray.of(counts), edges };
}

/**
 * The `k` largest elements along `axis` (default the last), largest first; negative `k`: the
 * `-k` smallest, smallest first (dask.array's `topk`).
 *
 * @example
 * topk(x, 3);
 */
export function topk(x: A, k: number, options: { readonly axis?: number } = {}): DaskArray {
  return DaskArray.of(stats.topk(check('topk', x), k, options.axis ?? -1));
}

/**
 * The `n`-th differences along `axis` (default the last).
 *
 * @example
 * diff(x, { n: 2, axis: 0 });
 */
export function diff(
  x: A,
  options: { readonly n?: number; readonly axis?: number } = {},
): DaskArray {
  return DaskArray.of(stats.diff(check('diff', x), options.n ?? 1, options.axis ?? -1));
}

/**
 * The bin of each element among increasing `bins` (NumPy's `digitize`; `right` closes bins on
 * the right), int32.
 *
 * @example
 * digitize(x, [0, 0.25, 0.5, 1]);
 */
export function digitize(
  x: A,
  bins: ArrayLike<number>,
  options: { readonly right?: boolean } = {},
): DaskArray {
  return DaskArray.of(stats.digitize(check('digitize', x), bins, options.right ?? false));
}
