// The public I/O functions (they wrap io-npy.ts, io-zarr.ts and io-store.ts in DaskArray):
// fromNpy, toNpy, fromZarr, toZarr and store.
import { compute, type GraphComputeOptions } from '@dask-ts/graph';
import { DaskArray, type ArrayValue } from './array.js';
import { existsSync, statSync } from 'node:fs';
import { fromNpySpec, npyWrites, type FromNpyOptions } from './io-npy.js';
import { fromZarrSpec, zarrWrites, type FromZarrOptions } from './io-zarr.js';
import { totalWritten } from './io-store.js';
import type { ArraySpec } from './spec.js';
import type { ZarrWriteOptions } from './io-zarr-store.js';

/** The writes of `x` to `path` (the target is created now). */
function writesTo(x: ArraySpec, path: string, kind?: 'npy' | 'zarr'): Promise<ArraySpec> {
  const isNpy =
    kind === 'npy' ||
    (kind === undefined &&
      (path.endsWith('.npy') || (existsSync(path) && statSync(path).isFile())));
  return isNpy ? Promise.resolve(npyWrites(x, path)) : zarrWrites(x, path);
}

/**
 * A lazy array over one .npy file, or the concatenation along axis 0 of several with the same
 * dtype and trailing shape (one block per file along axis 0). The header is read at once; each
 * block reads only its own bytes, with positional reads, when computed.
 *
 * @example
 * const x = fromNpy('/data/x.npy', { chunks: 1000 });
 * const y = fromNpy(['/data/part-0.npy', '/data/part-1.npy']);
 */
export function fromNpy(
  paths: string | readonly string[],
  options: FromNpyOptions = {},
): DaskArray {
  return DaskArray.of(fromNpySpec(paths, options));
}

/**
 * A lazy array over the Zarr v3 array in directory `dir` (metadata read at once; one task per
 * block, by default one block per Zarr chunk). Chunks may be uncompressed (as `toZarr` writes), or
 * compressed with gzip or zstd. `dir` may be an `s3://bucket/prefix` of an S3-compatible store
 * (`@aws-sdk/client-s3` installed; endpoint and credentials from `storage` or the environment).
 *
 * @example
 * const x = fromZarr('/data/x.zarr');
 * const y = fromZarr('s3://bucket/y.zarr', { storage: { endpoint: 'http://127.0.0.1:9000' } });
 */
export function fromZarr(dir: string, options: FromZarrOptions = {}): DaskArray {
  return DaskArray.of(fromZarrSpec(dir, options));
}

/**
 * Writes `x` to the .npy file `path` (C order, little-endian), each block by the thread that
 * computed it, in place; resolves to the bytes of elements written.
 *
 * @example
 * await toNpy(x, '/out/x.npy', { scheduler: 'threads' });
 */
export function toNpy(
  x: DaskArray<ArrayValue>,
  path: string,
  options: GraphComputeOptions = {},
): Promise<number> {
  return store([x], [path], options, 'npy');
}

/**
 * Writes `x` as a Zarr v3 array in directory `dir` (created or replaced), its blocks as the Zarr
 * chunks, uncompressed or with `compression: 'zstd'`; resolves to the bytes of elements written.
 * `dir` may be an `s3://bucket/prefix` (see {@link fromZarr}).
 *
 * @example
 * await toZarr(x, '/out/x.zarr', { compression: 'zstd' });
 * await toZarr(x, 's3://bucket/x.zarr');
 */
export function toZarr(
  x: DaskArray<ArrayValue>,
  dir: string,
  options: GraphComputeOptions & ZarrWriteOptions = {},
): Promise<number> {
  return x.toZarr(dir, options);
}

/**
 * Writes several arrays in one computation (blocks they share are computed once), as dask's
 * `store`: `sources[i]` to `paths[i]`, a .npy file when the path ends in `.npy`, a Zarr v3
 * directory otherwise (`kind` forces one). Resolves to the bytes written.
 *
 * @example
 * await store([x, x.mul(2)], ['/out/x.npy', '/out/y.zarr'], { scheduler: 'threads' });
 */
export async function store(
  sources: readonly DaskArray<ArrayValue>[],
  paths: readonly string[],
  options: GraphComputeOptions = {},
  kind?: 'npy' | 'zarr',
): Promise<number> {
  if (sources.length !== paths.length) {
    throw new RangeError(
      `store: ${sources.length} sources but ${paths.length} targets; give one target per source`,
    );
  }
  sources.forEach((x, i) => {
    if (!(x instanceof DaskArray)) throw new TypeError(`store: source ${i} is not a DaskArray`);
  });
  const jobs = await Promise.all(sources.map((x, i) => writesTo(x, paths[i], kind)));
  const totals = await compute(...jobs.map((j) => DaskArray.of<ArrayValue>(j)), options);
  return totals.reduce((a: number, v) => a + totalWritten(v), 0);
}
