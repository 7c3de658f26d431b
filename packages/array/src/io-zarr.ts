// Zarr v3 directories (local, or `s3://` prefixes of an S3-compatible store) as arrays: `fromZarr` reads the array's metadata when the array is made
// and one block per task (by default one Zarr chunk per block) from the chunk files. `toZarr`
// creates the array with the blocks as its chunks (rechunking first to a regular grid when the
// blocks are uneven: Zarr's grid is regular), so every block writes whole chunks of its own and
// no two tasks write the same chunk.
import { tokenize } from '@dask-ts/graph';
import type { StorageOptions } from '@dask-ts/graph/fs';
import { normalizeChunks, offsets, shapeOf, type ChunksLike } from './chunks.js';
import { itemsize } from './dtype.js';
import { ioKernels } from './io-kernels.js';
import { writes } from './io-store.js';
import { createZarr, readZarrMeta, type ZarrWriteOptions } from './io-zarr-store.js';
import { sourceLayer } from './layers.js';
import { rechunk } from './rechunk.js';
import type { ArraySpec } from './spec.js';

/**
 * Options of {@link fromZarr}.
 *
 * @example
 * fromZarr('/data/x.zarr', { chunks: [2000, -1] });
 */
export interface FromZarrOptions {
  /** How to cut the array (default: the Zarr chunks). */
  readonly chunks?: ChunksLike;
  /** How to reach an `s3://` store, over the environment (endpoint, region, credentials). */
  readonly storage?: StorageOptions;
}

/**
 * The array over the Zarr v3 array in directory `dir` (see `fromZarr`).
 *
 * @example
 * fromZarrSpec('/data/x.zarr');
 */
export function fromZarrSpec(dir: string, options: FromZarrOptions = {}): ArraySpec {
  const so = options.storage;
  const meta = readZarrMeta(dir, so);
  const dtype = meta.dtype;
  const shape = meta.shape;
  const chunks = normalizeChunks(
    shape,
    options.chunks ?? meta.chunkShape,
    itemsize(dtype),
    'fromZarr',
  );
  const starts = chunks.map((c) => offsets(c));
  const layer = sourceLayer(
    `from-zarr-${tokenize(dir, shape, dtype, chunks, so?.endpoint ?? '')}`,
    chunks.map((c) => c.length),
    (idx) =>
      ioKernels.task('readZarr', [
        dir,
        meta,
        idx.map((i, a) => starts[a][i]),
        idx.map((i, a) => chunks[a][i]),
        ...(so !== undefined ? [so] : []),
      ]),
  );
  return { layer, chunks, dtype };
}

/**
 * Creates the Zarr v3 array in `dir` for `x` (its blocks as the chunks, made regular first when
 * they are not); returns the writes of the blocks (a 0-d array: the bytes written).
 *
 * @example
 * const w = await zarrWrites(x, '/out/x.zarr');
 */
export async function zarrWrites(
  x: ArraySpec,
  dir: string,
  options: ZarrWriteOptions = {},
): Promise<ArraySpec> {
  const regular = x.chunks.every((c) => c.slice(0, -1).every((s) => s === c[0]));
  const src = regular
    ? x
    : rechunk(
        x,
        x.chunks.map((c) => Math.max(...c)),
      );
  const chunkShape = src.chunks.map((c) => Math.max(1, c[0]));
  await createZarr(dir, src.dtype, shapeOf(src.chunks), chunkShape, options);
  const dtype = src.dtype;
  const so = options.storage;
  return writes(src, 'to-zarr', dir, (start, ref) =>
    ioKernels.task('writeZarr', [dir, start, dtype, ref, ...(so !== undefined ? [so] : [])]),
  );
}
