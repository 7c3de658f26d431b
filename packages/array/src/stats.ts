// Counting and ordering, NumPy's: `unique` (sorted distinct values; their number is unknown until
// computed, so its chunk size is NaN, as in dask), `isin` (test elements given in memory),
// `bincount` and `histogram` (tree reductions of per-block counts), `topk` (dask.array's: the k
// largest along an axis, or the smallest for negative k, by a tree reduction of per-block top-k)
// and `diff` (differences of neighbours, from two slices).
import { tokenize } from '@dask-ts/graph';
import { formatShape, shapeOf } from './chunks.js';
import { isInteger, type Dtype } from './dtype.js';
import { bigAsFloat, binary } from './elementwise.js';
import { kernels } from './kernels.js';
import { requireKnownChunks } from './known-chunks.js';
import { BlockLayer } from './layers.js';
import { rechunk } from './rechunk.js';
import { normalizeAxes, treeReduction } from './reductions.js';
import { ravel } from './shape-more.js';
import { getitem } from './slicing.js';
import type { ArraySpec } from './spec.js';

const SPLIT = 4;

/**
 * The sorted distinct values of `x` (flattened), a 1-d array of unknown length.
 *
 * @example
 * unique(x);
 */
export function unique(x: ArraySpec): ArraySpec {
  const flat = ravel(x);
  const token = tokenize(flat.layer.name);
  const r = treeReduction(
    flat,
    [0],
    true,
    SPLIT,
    'unique',
    token,
    {
      partial: (_i, ref) => kernels.task('uniqueOf', [x.dtype, ref]),
      combine: (refs) => kernels.task('uniqueOf', [x.dtype, ...refs]),
      final: (refs) => kernels.task('uniqueOf', [x.dtype, ...refs]),
    },
    x.dtype,
  );
  return { ...r, chunks: [[NaN]] };
}

/**
 * Whether each element of `x` is one of `values` (bool, x's shape); `invert` asks the opposite.
 *
 * @example
 * isin(x, [1, 2, 3]);
 */
export function isin(x: ArraySpec, values: ArrayLike<number>, invert = false): ArraySpec {
  const set = [...new Set(Array.from(values))].sort((a, b) => a - b);
  const name = `isin-${tokenize(x.layer.name, set, invert)}`;
  const layer = new BlockLayer(
    name,
    [x.layer],
    x.chunks.map((c) => c.length),
    (idx) => [[0, idx]],
    (_idx, [r]) => kernels.task('isinBlock', [r, set, invert]),
  );
  return { layer, chunks: x.chunks.map((c) => [...c]), dtype: 'bool' };
}

/** `x` and `weights` checked 1-d (and of one shape) and aligned. */
function withWeights(
  x: ArraySpec,
  weights: ArraySpec | undefined,
  op: string,
): { x: ArraySpec; w: ArraySpec | null } {
  const xs = shapeOf(x.chunks);
  if (weights === undefined) return { x, w: null };
  const ws = shapeOf(weights.chunks);
  if (ws.length !== xs.length || ws.some((s, a) => s !== xs[a])) {
    throw new RangeError(
      `${op}: weights of shape ${formatShape(ws)} should have the same shape as the input ${formatShape(xs)}`,
    );
  }
  // Weights of int64 / uint64 are summed in float64, as NumPy does.
  return { x, w: rechunk(bigAsFloat(weights), x.chunks) };
}

/** A tree sum of per-block count vectors (`block` makes one from a block and its weights). */
function countTree(
  x: ArraySpec,
  w: ArraySpec | null,
  op: string,
  params: readonly unknown[],
  kernel: 'bincountBlock' | 'histogramBlock',
  dtype: Dtype,
  length: number,
): ArraySpec {
  const token = tokenize(x.layer.name, w?.layer.name ?? null, op, params);
  const axes = x.chunks.map((_, a) => a);
  // The partial layer reads x's block and, with weights, the weights' block.
  const parts = new BlockLayer(
    `${op}-counts-${token}`,
    w === null ? [x.layer] : [x.layer, w.layer],
    x.chunks.map((c) => c.length),
    (idx) =>
      w === null
        ? [[0, idx]]
        : [
            [0, idx],
            [1, idx],
          ],
    (_idx, [r, q]) => kernels.task(kernel, [...params, r, q ?? null]),
  );
  const spec: ArraySpec = { layer: parts, chunks: x.chunks, dtype: 'float64' };
  const r = treeReduction(
    spec,
    axes,
    true,
    SPLIT,
    `${op}-tree`,
    token,
    {
      partial: (_i, ref) => kernels.task('sumCounts', ['float64', ref]),
      combine: (refs) => kernels.task('sumCounts', ['float64', ...refs]),
      final: (refs) => kernels.task('sumCounts', [dtype, ...refs]),
    },
    dtype,
  );
  // The tree's output is one block: give it its 1-d shape.
  const grid = r.layer.numblocks;
  const one = new BlockLayer(
    `${op}-${token}`,
    [r.layer],
    [1],
    () => [[0, grid.map(() => 0)]],
    (_idx, [ref]) => kernels.task('sumCounts', [dtype, ref]),
  );
  return { layer: one, chunks: [[length]], dtype };
}

/**
 * How often each non-negative integer occurs in 1-d `x` (or the sum of `weights` there), at least
 * `minlength` long; the length is unknown (NaN) until computed unless every value is known to be
 * below `minlength` (it is not checked here).
 *
 * @example
 * bincount(x, { minlength: 10 });
 */
export function bincount(
  x: ArraySpec,
  options: { readonly weights?: ArraySpec; readonly minlength?: number } = {},
): ArraySpec {
  const xs = shapeOf(x.chunks);
  if (xs.length !== 1)
    throw new RangeError(
      `bincount: object too deep for desired array (shape ${formatShape(xs)}; 1-d needed)`,
    );
  if (!isInteger(x.dtype) && x.dtype !== 'bool') {
    throw new TypeError(
      `bincount: cannot cast array data from dtype('${x.dtype}') to an integer type`,
    );
  }
  const minlength = options.minlength ?? 0;
  if (!Number.isInteger(minlength) || minlength < 0) {
    throw new RangeError(`bincount: minlength must be a non-negative integer, got ${minlength}`);
  }
  const { w } = withWeights(x, options.weights, 'bincount');
  return countTree(
    x,
    w,
    'bincount',
    [minlength],
    'bincountBlock',
    w === null ? 'int32' : 'float64',
    NaN,
  );
}

/**
 * Counts of `x`'s elements in `bins` equal bins over `range` (NumPy's `histogram`, with the
 * range given as dask requires): the counts as an array, and the bin edges.
 *
 * @example
 * const { counts, edges } = histogram(x, { bins: 10, range: [0, 1] });
 */
export function histogram(
  x: ArraySpec,
  options: {
    readonly bins: number;
    readonly range: readonly [number, number];
    readonly weights?: ArraySpec;
  },
): { counts: ArraySpec; edges: number[] } {
  const { bins, range } = options;
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`histogram: bins must be a positive integer, got ${bins}`);
  }
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    !(range[0] <= range[1]) ||
    !range.every(Number.isFinite)
  ) {
    throw new RangeError(
      `histogram: range must be [min, max] with min <= max, finite, got ${JSON.stringify(range)}`,
    );
  }
  const [lo0, hi0] = range;
  const [lo, hi] = lo0 === hi0 ? [lo0 - 0.5, hi0 + 0.5] : [lo0, hi0];
  // int64 / uint64 values are binned in float64, as NumPy does.
  const { x: xf, w } = withWeights(bigAsFloat(x), options.weights, 'histogram');
  const counts = countTree(
    xf,
    w,
    'histogram',
    [bins, lo, hi],
    'histogramBlock',
    w === null ? 'int32' : 'float64',
    bins,
  );
  const edges = Array.from({ length: bins + 1 }, (_, i) =>
    i === bins ? hi : lo + ((hi - lo) * i) / bins,
  );
  return { counts, edges };
}

/**
 * The `k` largest elements along `axis` (default the last), largest first; a negative `k` gives
 * the `-k` smallest, smallest first (dask.array's `topk`).
 *
 * @example
 * topk(x, 5);
 */
export function topk(x: ArraySpec, k: number, axis = -1): ArraySpec {
  requireKnownChunks(x, 'topk');
  if (!Number.isInteger(k) || k === 0)
    throw new RangeError(`topk: k must be a non-zero integer, got ${k}`);
  const [ax] = normalizeAxes(axis, x.chunks.length, 'topk');
  const n = shapeOf(x.chunks)[ax];
  if (Math.abs(k) > n) {
    throw new RangeError(`topk: k=${k} is larger than the length ${n} of axis ${ax}`);
  }
  const token = tokenize(x.layer.name, k, ax);
  const r = treeReduction(
    x,
    [ax],
    true,
    SPLIT,
    'topk',
    token,
    {
      partial: (_i, ref) => kernels.task('topkOf', [k, ax, x.chunks.map(() => 1), ref]),
      combine: (refs, count) => kernels.task('topkOf', [k, ax, count, ...refs]),
      final: (refs, count) => kernels.task('topkOf', [k, ax, count, ...refs]),
    },
    x.dtype,
  );
  return { ...r, chunks: r.chunks.map((c, a) => (a === ax ? [Math.abs(k)] : c)) };
}

/**
 * The `n`-th differences along `axis` (default the last): `x[1:] - x[:-1]`, `n` times (bool
 * gives `x[1:] != x[:-1]`, as NumPy).
 *
 * @example
 * diff(x, 1, 0);
 */
export function diff(x: ArraySpec, n = 1, axis = -1): ArraySpec {
  requireKnownChunks(x, 'diff');
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`diff: order must be non-negative but got ${n}`);
  }
  const ndim = x.chunks.length;
  if (ndim === 0) throw new RangeError('diff: requires input that is at least one dimensional');
  const [ax] = normalizeAxes(axis, ndim, 'diff');
  let out = x;
  for (let i = 0; i < n; i++) {
    const hi = getitem(
      out,
      out.chunks.map((_, a) => (a === ax ? { start: 1 } : {})),
    );
    const lo = getitem(
      out,
      out.chunks.map((_, a) => (a === ax ? { stop: -1 } : {})),
    );
    out = binary(out.dtype === 'bool' ? 'ne' : 'sub', hi, lo);
  }
  return out;
}

/**
 * The bin of each element of `x` among increasing `bins` (NumPy's `digitize`), int32.
 *
 * @example
 * digitize(x, [0, 0.5, 1]);
 */
export function digitize(x: ArraySpec, bins: ArrayLike<number>, right = false): ArraySpec {
  // NumPy compares int64 with the (float) edges in float64.
  x = bigAsFloat(x);
  const edges = Array.from(bins);
  for (let k = 1; k < edges.length; k++) {
    if (!(edges[k] >= edges[k - 1])) {
      throw new RangeError('digitize: bins must be monotonically increasing');
    }
  }
  const name = `digitize-${tokenize(x.layer.name, edges, right)}`;
  const layer = new BlockLayer(
    name,
    [x.layer],
    x.chunks.map((c) => c.length),
    (idx) => [[0, idx]],
    (_idx, [r]) => kernels.task('digitizeBlock', [r, edges, right]),
  );
  return { layer, chunks: x.chunks.map((c) => [...c]), dtype: 'int32' };
}
