// toTextFiles: one file per partition, written by the task that holds the partition (so the data
// never travels back to the caller), fused with the element-wise stages before it. Paths come from
// a directory (`<dir>/<i>.part`), a pattern with one `*` (replaced by `nameFunction(i)`; by default
// the index zero-padded to the width of the largest, as Dask does, so files sort in partition
// order), or an explicit list; compression follows each path's suffix unless one is given. Lines
// are joined with '\n', and the last one gets it only with `lastEndline` (Dask's default too). The
// compute returns the written paths in partition order; `compute: false` returns one Delayed value
// per file instead, which writes it and gives its path.
import { resolve } from 'node:path';
import { compute, tokenize, type Delayed, type GraphComputeOptions } from '@dask-ts/graph';
import { codecFor, compressionOption, type Compression } from './compression.js';
import { sinkLayer } from './pipeline.js';
import { partitionsToDelayed } from './partition.js';
import { writeEncodingOption } from './text-codec.js';
import type { Src } from './aggregations.js';

/**
 * Options of `toTextFiles`.
 *
 * @example
 * await b.toTextFiles('out/part-*.txt.gz', { nameFunction: (i) => String(i).padStart(4, '0') });
 */
export interface ToTextFilesOptions extends GraphComputeOptions {
  /** The compression (default 'infer': from each path's suffix). */
  readonly compression?: Compression;
  /** Turns a partition index into the text that replaces `*` (default: zero-padded index). */
  readonly nameFunction?: (i: number) => string;
  /** Text encoding: 'utf-8' (default), 'utf-16le', 'latin1' or 'ascii'. */
  readonly encoding?: string;
  /** End the last line of each file with '\n' too (default false, as Dask). */
  readonly lastEndline?: boolean;
  /** false: return one Delayed value per file instead of writing now. */
  readonly compute?: boolean;
}

/**
 * The default names of `n` partitions: indices zero-padded to the same width.
 *
 * @example
 * defaultNames(12)(3); // '03'
 */
export function defaultNames(n: number): (i: number) => string {
  const width = String(Math.max(0, n - 1)).length;
  return (i) => String(i).padStart(width, '0');
}

/**
 * The file paths `toTextFiles` writes for `n` partitions.
 *
 * @example
 * textFilePaths('out/*.txt', 2); // ['/abs/out/0.txt', '/abs/out/1.txt']
 */
export function textFilePaths(
  path: string | readonly string[],
  n: number,
  nameFunction: (i: number) => string = defaultNames(n),
): string[] {
  if (Array.isArray(path)) {
    if (path.length !== n) {
      throw new Error(
        `toTextFiles: got ${path.length} paths for a bag of ${n} partitions; give one path per partition`,
      );
    }
    return path.map((p) => resolve(p));
  }
  if (typeof path !== 'string') {
    throw new TypeError(
      `toTextFiles: the path must be a string or an array of strings, got ${typeof path}`,
    );
  }
  const p = path;
  const stars = p.split('*').length - 1;
  if (stars > 1)
    throw new Error(`toTextFiles: the path pattern '${p}' has ${stars} '*'; use at most one`);
  const pattern = stars === 1 ? p : `${p.replace(/[\\/]+$/, '')}/*.part`;
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const name = nameFunction(i);
    const full = resolve(pattern.replace('*', name));
    if (seen.has(full)) {
      throw new Error(
        `toTextFiles: nameFunction gives the same file '${full}' for two partitions (${i} and an earlier one)`,
      );
    }
    seen.add(full);
    out.push(full);
  }
  return out;
}

function prepare(b: Src, path: string | readonly string[], options: ToTextFilesOptions) {
  const {
    compression,
    nameFunction,
    encoding,
    lastEndline,
    compute: _now,
    ...computeOptions
  } = options;
  const c = compressionOption(compression, 'toTextFiles');
  const enc = writeEncodingOption(encoding, 'toTextFiles');
  const paths = textFilePaths(path, b.npartitions, nameFunction);
  const comps = paths.map((p) => codecFor(p, c, 'toTextFiles'));
  const last = lastEndline === true;
  const name = `to-text-files-${tokenize(b.name, paths, comps, enc, last)}`;
  const layer = sinkLayer(name, paths.length, b.layer, (i) => [
    'write',
    paths[i],
    comps[i],
    enc,
    last,
  ]);
  return { written: b.derive<string>(name, b.npartitions, layer), computeOptions };
}

/** `Bag.toTextFiles`. @example await toTextFiles(b, 'out/', {}) */
export function toTextFiles(
  b: Src,
  path: string | readonly string[],
  options: ToTextFilesOptions,
): Promise<string[]> | Delayed<string>[] {
  if (options.compute === false) {
    return partitionsToDelayed(
      prepare(b, path, options).written,
      true,
    ) as unknown as Delayed<string>[];
  }
  // The promise form reports bad options as a rejection, like any failure of the write.
  try {
    const { written, computeOptions } = prepare(b, path, options);
    return compute(written, computeOptions).then(([r]) => r);
  } catch (err) {
    return Promise.reject(err);
  }
}
