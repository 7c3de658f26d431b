// Writing arrays: each block of an array becomes a task that writes it where it belongs in a
// target (a .npy file or a Zarr directory) and gives back a block of length-1 axes holding the
// bytes it wrote. Computing the writes gives those blocks, which the caller adds up (see
// `totalWritten`): no task reads a write's result, so an asynchronous write (Zarr's) is never
// fused into a reader that would receive its promise.
import { tokenize } from '@dask-ts/graph';
import type { GraphNode, Ref } from '@dask-ts/protocol';
import { offsets } from './chunks.js';
import { BlockLayer } from './layers.js';
import type { Nd } from './nd.js';
import type { ArraySpec } from './spec.js';

/**
 * The writes of `x`: an array with one element per block of `x` (the bytes it wrote); block `idx`
 * runs `task(start of the block, reference to it)`.
 *
 * @example
 * writes(x, 'to-npy', path, (start, ref) => ioKernels.task('writeNpy', [path, 128, shape, start, x.dtype, ref]));
 */
export function writes(
  x: ArraySpec,
  op: string,
  target: string,
  task: (start: readonly number[], ref: Ref) => GraphNode,
): ArraySpec {
  const starts = x.chunks.map((c) => offsets(c));
  const layer = new BlockLayer(
    `${op}-${tokenize(x.layer.name, target)}`,
    [x.layer],
    x.layer.numblocks,
    (idx) => [[0, idx]],
    (idx, [r]) =>
      task(
        idx.map((i, a) => starts[a][i]),
        r,
      ),
  );
  return { layer, chunks: x.chunks.map((c) => c.map(() => 1)), dtype: 'float64' };
}

/**
 * The bytes written, from the computed writes.
 *
 * @example
 * totalWritten(await DaskArray.of(w).compute());
 */
export function totalWritten(v: Nd | number | boolean): number {
  if (typeof v !== 'object') return Number(v);
  let n = 0;
  for (let i = 0; i < v.data.length; i++) n += v.data[i];
  return n;
}
