// toTextFiles: one file per partition, written by the task that holds the partition (so the data
// never travels back to the caller), fused with the element-wise stages before it. Paths come from a directory (`<dir>/<i>.part`), a pattern with
// one `*` (replaced by `nameFunction(i)`), or an explicit list; compression follows each path's
// suffix unless one is given. The compute returns the written paths, in partition order.
import { resolve } from 'node:path';
import { compute, tokenize, type GraphComputeOptions } from '@dask-ts/graph';
import { checkCompression, compressionOf, type Compression } from './compression.js';
import { sinkLayer } from './pipeline.js';
import type { Src } from './aggregations.js';

/**
 * Options of `toTextFiles`.
 *
 * @example
 * await b.toTextFiles('out/part-*.txt.gz', { nameFunction: (i) => String(i).padStart(4, '0') });
 */
export interface ToTextFilesOptions extends GraphComputeOptions {
  /** Overrides the compression implied by each path's suffix. */
  readonly compression?: Compression;
  /** Turns a partition index into the text that replaces `*` (default `String(i)`). */
  readonly nameFunction?: (i: number) => string;
  /** Text encoding (default 'utf8'). */
  readonly encoding?: BufferEncoding;
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
  nameFunction: (i: number) => string = String,
): string[] {
  if (Array.isArray(path)) {
    if (path.length !== n) {
      throw new Error(
        `toTextFiles: got ${path.length} paths for a bag of ${n} partitions; give one path per partition`,
      );
    }
    return path.map((p) => resolve(p));
  }
  const p = path as string;
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

/** `Bag.toTextFiles`. @example await toTextFiles(b, 'out/', {}) */
export async function toTextFiles(
  b: Src,
  path: string | readonly string[],
  options: ToTextFilesOptions,
): Promise<string[]> {
  const { compression, nameFunction, encoding = 'utf8', ...computeOptions } = options;
  const paths = textFilePaths(path, b.npartitions, nameFunction);
  const comps = paths.map((p) => compression ?? compressionOf(p));
  paths.forEach((p, i) => checkCompression(comps[i]!, p));
  const name = `to-text-files-${tokenize(b.name, paths, comps, encoding)}`;
  const layer = sinkLayer(name, paths.length, b.layer, (i) => [
    'write',
    paths[i],
    comps[i],
    encoding,
  ]);
  const written = b.derive<string>(name, b.npartitions, layer);
  const [result] = await compute(written, computeOptions);
  return result as string[];
}
