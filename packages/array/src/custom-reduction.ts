// A reduction from user functions (dask.array's `reduction`): `chunk` reduces one block along the
// reduced axes (keeping them, any length), then groups of neighbouring partials are concatenated
// along those axes and reduced by `combine` (default: `aggregate`) in a tree, and `aggregate`
// makes the last one a block with length 1 along the reduced axes, which are then dropped unless
// `keepdims`. Both functions receive `{ axis, keepdims: true }` after the block. The output's
// other axes keep the input's chunks, so the functions must reduce only the axes named.
import { fnKeyPrefix, tokenize } from '@dask-ts/graph';
import { checkDtype } from './dtype.js';
import { arrayFns, type BlockwiseOptions } from './blockwise.js';
import { kernels } from './kernels.js';
import { normalizeAxes, treeReduction, type ReduceOptions } from './reductions.js';
import type { ArraySpec } from './spec.js';

/**
 * Options of a custom reduction.
 *
 * @example
 * reduction(x, chunkMax, aggMax, { axis: 0, dtype: 'float64', combine: aggMax });
 */
export interface CustomReduceOptions
  extends ReduceOptions, Pick<BlockwiseOptions, 'scope' | 'name' | 'dtype'> {
  /** Merges concatenated partials in the tree's middle rounds (default: `aggregate`). */
  readonly combine?: unknown;
}

/**
 * The custom reduction of `x` (see the module comment).
 *
 * @example
 * customReductionSpec(x, chunkFn, aggFn, { axis: 1 });
 */
export function customReductionSpec(
  x: ArraySpec,
  chunk: unknown,
  aggregate: unknown,
  options: CustomReduceOptions = {},
): ArraySpec {
  const axes = normalizeAxes(options.axis, x.chunks.length, 'reduction');
  const keepdims = options.keepdims ?? false;
  const dtype = options.dtype === undefined ? x.dtype : checkDtype(options.dtype, 'reduction');
  const c = arrayFns.arg(chunk, options, 'reduction');
  const g = arrayFns.arg(aggregate, options, 'reduction');
  const m = options.combine === undefined ? g : arrayFns.arg(options.combine, options, 'reduction');
  const prefix = fnKeyPrefix(chunk, options) ?? 'reduction';
  const token = tokenize(
    x.layer.name,
    c.token,
    g.token,
    m.token,
    axes,
    keepdims,
    dtype,
    options.splitEvery ?? 4,
  );
  return treeReduction(
    x,
    axes,
    keepdims,
    options.splitEvery ?? 4,
    prefix,
    token,
    {
      partial: (_idx, r) => kernels.task('userPartial', [c.arg, axes, r]),
      combine: (refs, count) =>
        kernels.task('userCombine', [m.arg, axes, count, null, null, ...refs]),
      final: (refs, count, shape) =>
        kernels.task('userCombine', [g.arg, axes, count, shape, dtype, ...refs]),
    },
    dtype,
  );
}
