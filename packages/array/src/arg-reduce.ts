// argmin / argmax and nanargmin / nanargmax: the index of the smallest or largest element along
// one axis, or in the flattened array when no axis is given (dask.array's tree reduction carrying
// (value, index) pairs, see kernels-arg.ts). The result is int32 (NumPy's int64 is not available
// here), or float64 when an index may not fit in int32.
import { tokenize } from '@dask-ts/graph';
import { formatShape, offsets, shapeOf } from './chunks.js';
import type { Dtype } from './dtype.js';
import type { ArgOp } from './kernels-arg.js';
import { kernels } from './kernels.js';
import { normalizeAxes, treeReduction } from './reductions.js';
import type { ArraySpec } from './spec.js';

/**
 * Options of argmin and argmax.
 *
 * @example
 * x.argmax({ axis: 1, keepdims: true });
 */
export interface ArgOptions {
  /** The axis to reduce; the flattened array when not given. */
  readonly axis?: number;
  /** Keep the reduced axis with length 1. */
  readonly keepdims?: boolean;
  /** How many partials one combining task merges (default 4). */
  readonly splitEvery?: number;
}

/**
 * The arg reduction `op` of `x`.
 *
 * @example
 * argReduction(x, 'argmin', { axis: 0 });
 */
export function argReduction(x: ArraySpec, op: ArgOp, options: ArgOptions = {}): ArraySpec {
  const ndim = x.chunks.length;
  if (options.axis !== undefined && typeof options.axis !== 'number') {
    throw new TypeError(`${op}: axis must be one integer (or not given, for the flattened array)`);
  }
  const axes = normalizeAxes(options.axis, ndim, op);
  const shape = shapeOf(x.chunks);
  if (axes.some((a) => shape[a] === 0)) {
    throw new RangeError(
      `${op}: attempt to get ${op.replace('nan', '')} of an empty sequence (shape ${formatShape(shape)})`,
    );
  }
  const span = axes.reduce((p, a) => p * shape[a], 1);
  const t: Dtype = span < 2 ** 31 ? 'int32' : 'float64';
  const keepdims = options.keepdims ?? false;
  const starts = x.chunks.map(offsets);
  const token = tokenize(x.layer.name, op, axes, keepdims, options.splitEvery ?? 4);
  return treeReduction(
    x,
    axes,
    keepdims,
    options.splitEvery ?? 4,
    op,
    token,
    {
      partial: (idx, r) =>
        kernels.task('argPartial', [op, axes, idx.map((b, a) => starts[a][b]), shape, r]),
      combine: (refs) => kernels.task('argCombine', [op, ...refs]),
      final: (refs, _count, s) => kernels.task('argFinal', [op, t, s, ...refs]),
    },
    t,
  );
}
