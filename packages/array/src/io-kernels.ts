// The I/O kernels, registered as builtins `array-io.<name>` when this module loads: reading and
// writing a block of a .npy file at its byte positions, and of a Zarr v3 array through zarrita.
// A write returns a block of ones' shape holding the bytes written (its sum is what `store`
// computes). The module imports kernels.ts so that a worker meeting these tasks also knows the
// ndarray codec. Kernel side only.
import { defineKernels } from '@dask-ts/graph/kernels';
import './kernels.js';
import { readNpyBlock, writeNpyBlock } from './io-npy-format.js';
import { readZarrBlock, writeZarrBlock } from './io-zarr-store.js';
import type { StorageOptions } from '@dask-ts/graph/fs';
import { compactCopy, isCompact, makeNd, type Nd } from './nd.js';
import type { Dtype } from './dtype.js';

/** A block of `ndim` axes of length 1 holding `n`. */
function written(ndim: number, n: number): Nd {
  return makeNd('float64', new Array<number>(ndim).fill(1), Float64Array.of(n));
}

function writeNpy(
  path: string,
  dataOffset: number,
  shape: readonly number[],
  start: readonly number[],
  dtype: Dtype,
  block: Nd,
): Nd {
  const c = isCompact(block) ? block : compactCopy(block, dtype);
  return written(shape.length, writeNpyBlock(path, dataOffset, shape, start, c));
}

async function writeZarr(
  dir: string,
  start: readonly number[],
  dtype: Dtype,
  block: Nd,
  so?: StorageOptions,
): Promise<Nd> {
  const c = isCompact(block) ? block : compactCopy(block, dtype);
  return written(start.length, await writeZarrBlock(dir, start, c, so));
}

/**
 * The I/O kernels and their references.
 *
 * @example
 * ioKernels.task('readNpy', ['/data/x.npy', 128, 'float64', [10, 10], [0, 0], [5, 10]]);
 */
export const ioKernels = defineKernels('array-io', import.meta.url, {
  readNpy: readNpyBlock,
  writeNpy,
  readZarr: readZarrBlock,
  writeZarr,
});
