// Reductions as tree reductions, like dask.array's: a partial per block (reduced axes kept with
// length 1), then rounds of combining groups of neighbouring partials along the reduced axes
// (`splitEvery` partials per group in all: its k-th root per axis when k axes are reduced, at
// least 2), then a final step that finishes the statistic and casts. Result dtypes: min and max
// keep the dtype; any and all give bool; sum and prod keep float dtypes and give float64 for
// integers and bool up to 32 bits (NumPy gives int64; float64 holds integers up to 2^53) and keep
// int64 and uint64 (wrapping at 64 bits as NumPy's do); mean, var and std give float32 for float32
// and float64 otherwise (int64 and uint64 converted to float64 first, as NumPy does).
import type { GraphNode, Ref } from '@dask-ts/protocol';
import { tokenize } from '@dask-ts/graph';
import { blockIndices, blockShape, formatShape, shapeOf } from './chunks.js';
import { checkDtype, isBig, type Dtype } from './dtype.js';
import { bigAsFloat } from './elementwise.js';
import type { ReduceOp } from './kernels-reduce.js';
import { kernels } from './kernels.js';
import { BlockLayer, type ArrayLayer, type BlockInput } from './layers.js';
import { PartialLayer } from './partial-layer.js';
import type { ArraySpec } from './spec.js';

/**
 * Options of the reductions.
 *
 * @example
 * x.sum({ axis: [0, 2], keepdims: true, splitEvery: 8 });
 */
export interface ReduceOptions {
  /** The axes to reduce (negative counts from the end); all of them by default. */
  readonly axis?: number | readonly number[];
  /** Keep the reduced axes, with length 1. */
  readonly keepdims?: boolean;
  /** How many partials one combining task merges (default 4). */
  readonly splitEvery?: number;
  /** The result's dtype (partials accumulate in float64; the result is cast to it). */
  readonly dtype?: Dtype;
}

/**
 * Options of `var` and `std`.
 *
 * @example
 * x.std({ axis: 0, ddof: 1 });
 */
export interface VarOptions extends ReduceOptions {
  /** Delta degrees of freedom: the divisor is `n - ddof` (default 0). */
  readonly ddof?: number;
}

/**
 * The axes an `axis` argument names, checked against `ndim` (NumPy's errors).
 *
 * @example
 * normalizeAxes(-1, 3, 'sum'); // [2]
 */
export function normalizeAxes(
  axis: number | readonly number[] | undefined,
  ndim: number,
  op: string,
): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -ndim || a >= ndim) {
      throw new RangeError(`${op}: axis ${a} is out of bounds for array of dimension ${ndim}`);
    }
    return a < 0 ? a + ndim : a;
  });
  if (new Set(out).size !== out.length)
    throw new RangeError(`${op}: duplicate value in 'axis': [${list.join(', ')}]`);
  return out.sort((a, b) => a - b);
}

const MOMENTS = new Set<ReduceOp>(['mean', 'var', 'std', 'nanmean', 'nanvar', 'nanstd']);

function resultDtype(op: ReduceOp, t: Dtype): Dtype {
  switch (op) {
    case 'min':
    case 'max':
    case 'nanmin':
    case 'nanmax':
      return t;
    case 'any':
    case 'all':
      return 'bool';
    default:
      // Sums of int64 and uint64 stay 64-bit integers (NumPy's).
      return t === 'float32' || isBig(t) ? t : 'float64';
  }
}

/**
 * A layer over `grid` whose block `idx` reads, along the reduced axes, blocks [idx*f, idx*f+f)
 * (`make` gets the references in C order over that box, and the box's size per axis).
 *
 * @example
 * groupLayer('sum-combine1-x', partial, [4, 4], [0], [2, 1], (idx, refs) => task(refs));
 */
export function groupLayer(
  name: string,
  input: ArrayLayer,
  grid: readonly number[],
  axes: readonly number[],
  factor: readonly number[],
  make: (idx: readonly number[], refs: readonly Ref[], count: readonly number[]) => GraphNode,
  outIdx: (idx: readonly number[]) => number[] = (idx) => [...idx],
): { layer: BlockLayer; grid: number[] } {
  const inGrid = input.numblocks;
  const next = grid.map((g, a) => (axes.includes(a) ? Math.ceil(g / factor[a]) : g));
  const span = next.map((_, a) => (axes.includes(a) ? factor[a] : 1));
  const outGrid = outIdx(next);
  const toNext = (idx: readonly number[]): number[] => {
    // Inverse of outIdx: the reduced axes of the final layer may be dropped.
    if (idx.length === next.length) return [...idx];
    let k = 0;
    return next.map((_, a) => (axes.includes(a) ? 0 : idx[k++]));
  };
  const box = (idx: readonly number[]): { lo: number[]; count: number[] } => {
    const lo = toNext(idx).map((j, a) => j * span[a]);
    return { lo, count: lo.map((l, a) => Math.min(span[a], inGrid[a] - l)) };
  };
  const inputs = (idx: readonly number[]): BlockInput[] => {
    const { lo, count } = box(idx);
    return [...blockIndices(count)].map((o) => [0, o.map((v, a) => v + lo[a])] as const);
  };
  const node = (idx: readonly number[], refs: readonly Ref[]): GraphNode =>
    make(idx, refs, box(idx).count);
  return { layer: new BlockLayer(name, [input], outGrid, inputs, node), grid: next };
}

/**
 * The reduction `op` of `x` (a tree reduction, see the module comment).
 *
 * @example
 * reduction(x, 'mean', { axis: 1 });
 */
export function reduction(x: ArraySpec, op: ReduceOp, options: VarOptions = {}): ArraySpec {
  const ndim = x.chunks.length;
  const axes = normalizeAxes(options.axis, ndim, op);
  const keepdims = options.keepdims ?? false;
  const splitEvery = options.splitEvery ?? 4;
  const ddof = options.ddof ?? 0;
  if (!Number.isInteger(splitEvery) || splitEvery < 2) {
    throw new RangeError(`${op}: splitEvery must be an integer of at least 2, got ${splitEvery}`);
  }
  const shape = shapeOf(x.chunks);
  if (/^(nan)?m(in|ax)$/.test(op) && axes.some((a) => shape[a] === 0)) {
    throw new RangeError(
      `${op}: zero-size array to reduction operation ${op.endsWith('min') ? 'minimum' : 'maximum'} which has no identity (shape ${formatShape(shape)}, axis ${axes.join(', ')})`,
    );
  }
  if (isBig(x.dtype) && (MOMENTS.has(op) || (options.dtype !== undefined && !isBig(options.dtype))))
    // NumPy's: the moments of int64, and any reduction asked for a float dtype, in float64.
    x = bigAsFloat(x);
  const t = options.dtype === undefined ? resultDtype(op, x.dtype) : checkDtype(options.dtype, op);
  const per = Math.max(2, Math.floor(splitEvery ** (1 / Math.max(1, axes.length)) + 1e-9));
  const factor = shape.map((_, a) => (axes.includes(a) ? per : 1));
  const token = tokenize(x.layer.name, op, axes, keepdims, splitEvery, ddof, t);
  const grid0 = x.layer.numblocks;
  const partial = new PartialLayer(`${op}-partial-${token}`, x.layer, op, axes);
  let layer: ArrayLayer = partial;
  let grid = [...grid0];
  let level = 0;
  while (axes.some((a) => grid[a] > factor[a])) {
    const step = groupLayer(
      `${op}-combine${++level}-${token}`,
      layer,
      grid,
      axes,
      factor,
      (_idx, refs) => kernels.task('combine', [op, ...refs]),
    );
    layer = step.layer;
    grid = step.grid;
  }
  const outChunks = x.chunks.flatMap((c, a) => (axes.includes(a) ? (keepdims ? [[1]] : []) : [c]));
  const keep = (idx: readonly number[]): number[] =>
    keepdims ? [...idx] : idx.filter((_, a) => !axes.includes(a));
  const last = groupLayer(
    `${op}-${token}`,
    layer,
    grid,
    axes,
    grid.map((g, a) => (axes.includes(a) ? g : 1)),
    (idx, refs) => kernels.task('final', [op, t, ddof, blockShape(outChunks, idx), ...refs]),
    keep,
  );
  return { layer: last.layer, chunks: outChunks, dtype: t };
}

/**
 * The steps of a tree reduction as tasks: the partial of one block (given the block's index),
 * the merge of a group of partials (C order over a box of `count` partials per axis), and the
 * final merge making the output block of `shape`.
 *
 * @example
 * const steps: TreeSteps = { partial: (i, r) => t1(r), combine: (rs) => t2(rs), final: (rs, c, s) => t3(rs, s) };
 */
export interface TreeSteps {
  partial(idx: readonly number[], ref: Ref): GraphNode;
  combine(refs: readonly Ref[], count: readonly number[]): GraphNode;
  final(refs: readonly Ref[], count: readonly number[], shape: readonly number[]): GraphNode;
}

/**
 * A tree reduction of `x` along `axes` (already normalized) with the given steps: the layers and
 * chunks of the result (the reduced axes dropped, or kept with length 1 with `keepdims`).
 *
 * @example
 * treeReduction(x, [0], false, 4, 'argmax', token, steps);
 */
export function treeReduction(
  x: ArraySpec,
  axes: readonly number[],
  keepdims: boolean,
  splitEvery: number,
  op: string,
  token: string,
  steps: TreeSteps,
  dtype: Dtype,
): ArraySpec {
  if (!Number.isInteger(splitEvery) || splitEvery < 2) {
    throw new RangeError(`${op}: splitEvery must be an integer of at least 2, got ${splitEvery}`);
  }
  const per = Math.max(2, Math.floor(splitEvery ** (1 / Math.max(1, axes.length)) + 1e-9));
  const factor = x.chunks.map((_, a) => (axes.includes(a) ? per : 1));
  let layer: ArrayLayer = new BlockLayer(
    `${op}-partial-${token}`,
    [x.layer],
    x.layer.numblocks,
    (idx) => [[0, idx]],
    (idx, [r]) => steps.partial(idx, r),
  );
  let grid = [...x.layer.numblocks];
  let level = 0;
  while (axes.some((a) => grid[a] > factor[a])) {
    const step = groupLayer(
      `${op}-combine${++level}-${token}`,
      layer,
      grid,
      axes,
      factor,
      (_i, refs, count) => steps.combine(refs, count),
    );
    layer = step.layer;
    grid = step.grid;
  }
  const outChunks = x.chunks.flatMap((c, a) => (axes.includes(a) ? (keepdims ? [[1]] : []) : [c]));
  const keep = (idx: readonly number[]): number[] =>
    keepdims ? [...idx] : idx.filter((_, a) => !axes.includes(a));
  const last = groupLayer(
    `${op}-${token}`,
    layer,
    grid,
    axes,
    grid.map((g, a) => (axes.includes(a) ? g : 1)),
    (idx, refs, count) => steps.final(refs, count, blockShape(outChunks, idx)),
    keep,
  );
  return { layer: last.layer, chunks: outChunks, dtype };
}
