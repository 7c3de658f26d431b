// Cumulative sums and products along an axis (dask.array's `cumsum`, `cumprod` and nan forms):
// each block is scanned on its own; the carry into block k along the axis is the carry into
// block k-1 combined with the last slice of block k-1's scan (a chain of small tasks, one slice
// each); each output block is its scan combined with its carry. Without an axis the array is
// flattened first (NumPy's). Dtypes as the sums: float32, int64 and uint64 stay (64-bit integers
// wrap as NumPy's do), the rest give float64.
import { tokenize } from '@dask-ts/graph';
import type { Dtype } from './dtype.js';
import type { ScanOp } from './kernels-scan.js';
import { kernels } from './kernels.js';
import { requireKnownChunks } from './known-chunks.js';
import { checkDtype, isBig } from './dtype.js';
import { bigAsFloat } from './elementwise.js';
import { BlockLayer, blockKey, type BlockInput } from './layers.js';
import { normalizeAxes } from './reductions.js';
import { reshape } from './shape-ops.js';
import type { ArraySpec } from './spec.js';

/**
 * Options of the cumulative operations.
 *
 * @example
 * x.cumsum({ axis: 1 });
 */
export interface ScanOptions {
  /** The axis to accumulate along; the flattened array when not given. */
  readonly axis?: number;
  /** The result's dtype (default float64, or float32 for float32). */
  readonly dtype?: Dtype;
}

/**
 * The cumulative `op` of `x` along an axis.
 *
 * @example
 * cumulative(x, 'cumsum', { axis: 0 });
 */
export function cumulative(x: ArraySpec, op: ScanOp, options: ScanOptions = {}): ArraySpec {
  if (isBig(x.dtype) && options.dtype !== undefined && !isBig(options.dtype)) {
    return cumulative(bigAsFloat(x), op, options);
  }
  if (options.axis === undefined) {
    if (x.chunks.length > 1) requireKnownChunks(x, op);
    const flat = x.chunks.length === 1 ? x : reshape(x, [-1]);
    return cumulative(flat, op, { ...options, axis: 0 });
  }
  if (typeof options.axis !== 'number') {
    throw new TypeError(`${op}: axis must be one integer (or not given, for the flattened array)`);
  }
  const [axis] = normalizeAxes(options.axis, x.chunks.length, op);
  const t: Dtype =
    options.dtype === undefined
      ? x.dtype === 'float32' || isBig(x.dtype)
        ? x.dtype
        : 'float64'
      : checkDtype(options.dtype, op);
  const token = tokenize(x.layer.name, op, axis, t);
  const grid = x.layer.numblocks;
  const scans = new BlockLayer(
    `${op}-scan-${token}`,
    [x.layer],
    grid,
    (idx) => [[0, idx]],
    (_idx, [r]) => kernels.task('scan', [op, axis, t, r]),
  );
  const at = (idx: readonly number[], j: number): number[] =>
    idx.map((b, a) => (a === axis ? j : b));
  const upTo = (idx: readonly number[], from: number, to: number): number[][] =>
    Array.from({ length: Math.max(0, to - from) }, (_, j) => at(idx, from + j));
  // The carry into block idx (idx[axis] >= 1) reads the carry into the block before it (a task of
  // this same layer) and that block's scan; its inputs list every scan before it, so culling
  // keeps the whole chain.
  const carryName = `${op}-carry-${token}`;
  const carries = new BlockLayer(
    carryName,
    [scans],
    grid,
    (idx): BlockInput[] => upTo(idx, 0, idx[axis]).map((j) => [0, j] as const),
    (idx, refs) => {
      const k = idx[axis];
      if (k === 0) return kernels.task('full', ['float64', [0], 0]);
      const prev = k === 1 ? null : { $ref: blockKey(carryName, at(idx, k - 1)) };
      return kernels.task('carry', [op, axis, prev, refs[refs.length - 1]]);
    },
  );
  // Output block k reads its scan and the carry into it; it lists every carry before it too, so
  // culling keeps the chain of carries.
  const layer = new BlockLayer(
    `${op}-${token}`,
    [scans, carries],
    grid,
    (idx): BlockInput[] => [[0, idx], ...upTo(idx, 1, idx[axis] + 1).map((j) => [1, j] as const)],
    (idx, refs) =>
      kernels.task('applyCarry', [
        op,
        axis,
        refs[0],
        idx[axis] === 0 ? null : refs[refs.length - 1],
      ]),
  );
  return { layer, chunks: x.chunks.map((c) => [...c]), dtype: t };
}
