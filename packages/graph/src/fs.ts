// `@dask-ts/graph/fs`: the file-system layer every collection's file readers and writers go
// through (dataframe's CSV, JSON, Parquet and Arrow files, array's Zarr stores): local paths
// (fs-local.ts) and `s3://bucket/key` objects in S3-compatible stores (fs-s3.ts), behind one
// synchronous interface (a read may be fused into the task that consumes it).
// Policy: a path names a file or a directory (every file under it, sorted, skipping names that
// start with `.` or `_`); a glob may use `*` and `?` within a path segment and `**` for any number
// of directories; a list expands each entry in order. Every error names the path.
import * as local from './fs-local.js';
import { isS3, s3Get, s3Head, s3List, s3Put, type StorageOptions } from './fs-s3.js';

export type { StorageOptions } from './fs-s3.js';
export { closeS3, isS3 } from './fs-s3.js';

export type { ListedFile } from './fs-local.js';
import type { ListedFile } from './fs-local.js';

const GLOB = /[*?[]/;

function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const hiddenUnder = (root: string, path: string): boolean =>
  path
    .slice(root.length)
    .split('/')
    .some((seg) => seg.startsWith('.') || seg.startsWith('_'));

function expandS3(pattern: string, what: string, so?: StorageOptions): ListedFile[] {
  const g = pattern.search(GLOB);
  if (g >= 0) {
    const re = globRegExp(pattern);
    const prefix = pattern.slice(0, g);
    const found = s3List(prefix, what, so).filter((o) => re.test(o.path));
    if (found.length === 0) throw new Error(`${what}: no object matches '${pattern}'`);
    return found.map((o) => ({ path: o.path }));
  }
  if (!pattern.endsWith('/') && s3Head(pattern, what, so) !== undefined) return [{ path: pattern }];
  const root = pattern.replace(/\/+$/, '');
  const under = s3List(`${root}/`, what, so).filter((o) => !hiddenUnder(root, o.path));
  if (under.length === 0) throw new Error(`${what}: no such object or prefix '${pattern}'`);
  return under.map((o) => ({ path: o.path, root }));
}

/**
 * The files a path, a directory, a glob or a list of them names, in order (each listed once).
 *
 * @example
 * expandPaths('s3://bucket/data/*.parquet', 'readParquet');
 */
export function expandPaths(
  paths: string | readonly string[],
  what: string,
  so?: StorageOptions,
): ListedFile[] {
  const list = typeof paths === 'string' ? [paths] : paths;
  if (!Array.isArray(list) || list.length === 0)
    throw new Error(`${what}: give a path, a glob or a non-empty list of paths`);
  const seen = new Set<string>();
  const out: ListedFile[] = [];
  for (const p of list) {
    const files =
      typeof p === 'string' && isS3(p) ? expandS3(p, what, so) : local.expandPaths(p, what);
    for (const f of files)
      if (!seen.has(f.path)) {
        seen.add(f.path);
        out.push(f);
      }
  }
  return out;
}

/**
 * The part of `path` below the directory `root` it was listed from.
 *
 * @example
 * relativeTo('s3://b/data', 's3://b/data/year=2024/part-0.parquet'); // 'year=2024/part-0.parquet'
 */
export function relativeTo(root: string, path: string): string {
  return path.slice(root.length).replace(/^[\\/]+/, '');
}

/**
 * A file's path, size and modification time (what a reader's token is made from).
 *
 * @example
 * const [path, size, mtime] = fileStamp('/data/x.csv');
 */
export function fileStamp(path: string, so?: StorageOptions): readonly [string, number, number] {
  if (!isS3(path)) return local.fileStamp(path);
  const o = s3Head(path, 'stat', so);
  if (o === undefined) throw new Error(`no such object '${path}'`);
  return [path, o.size, o.mtime];
}

/**
 * Bytes [start, end) of a file (fewer at its end).
 *
 * @example
 * const head = readRange('s3://bucket/x.parquet', 0, 4); // 'PAR1'
 */
export function readRange(
  path: string,
  start: number,
  end: number,
  so?: StorageOptions,
): Uint8Array {
  if (!isS3(path)) return local.readRange(path, start, end);
  const size = fileStamp(path, so)[1];
  return s3Get(path, 'read', so, Math.min(start, size), Math.min(end, size));
}

/**
 * For each `[start, out]`, bytes [start, start + out.length) of a file read into `out` (fewer at
 * its end); returns how many bytes each read. A caller that reads often reuses its buffers: fresh
 * memory costs more to fill than a local file costs to read.
 *
 * @example
 * const [n] = readRangesInto('/data/x.parquet', [[0, new Uint8Array(4)]]); // 4: 'PAR1'
 */
export function readRangesInto(
  path: string,
  reads: readonly (readonly [start: number, out: Uint8Array])[],
  so?: StorageOptions,
): number[] {
  if (!isS3(path)) return local.readRangesInto(path, reads);
  return reads.map(([start, out]) => {
    const bytes = readRange(path, start, start + out.length, so);
    out.set(bytes);
    return bytes.length;
  });
}

/**
 * The last `n` bytes of a file, and its size.
 *
 * @example
 * const [footer, size] = readTail('/data/x.parquet', 8);
 */
export function readTail(path: string, n: number, so?: StorageOptions): [Uint8Array, number] {
  if (!isS3(path)) return local.readTail(path, n);
  const size = fileStamp(path, so)[1];
  return [s3Get(path, 'read', so, Math.max(0, size - n), size), size];
}

/**
 * A whole file.
 *
 * @example
 * const bytes = readWhole('s3://bucket/x.zarr/zarr.json');
 */
export function readWhole(path: string, so?: StorageOptions): Uint8Array {
  return isS3(path) ? s3Get(path, 'read', so) : local.readWhole(path);
}

/**
 * The lines of a file that start in [start, end), as `[bytes, begin, limit]`: lines start in
 * [begin, limit) of `bytes`, and the last one runs to its newline (or the end of the file).
 *
 * @example
 * const [bytes, begin, limit] = readLines('/data/x.csv', 0, 1 << 20);
 */
export function readLines(
  path: string,
  start: number,
  end: number,
  so?: StorageOptions,
): [Uint8Array, number, number] {
  const from = Math.max(0, start - 1);
  const parts = [readRange(path, from, end, so)];
  let total = parts[0].length;
  let pos = from + total;
  // Read on to the end of the last line (unless the block ends just after a newline).
  if (total > 0 && parts[0][total - 1] !== 10 && pos >= end) {
    for (;;) {
      const chunk = readRange(path, pos, pos + (1 << 16), so);
      if (chunk.length === 0) break;
      const nl = chunk.indexOf(10);
      const take = nl < 0 ? chunk : chunk.subarray(0, nl + 1);
      parts.push(take);
      total += take.length;
      pos += chunk.length;
      if (nl >= 0) break;
    }
  }
  const bytes = parts.length === 1 ? parts[0] : new Uint8Array(total);
  if (parts.length > 1) {
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
  }
  let begin = 0;
  if (start > 0) {
    const nl = bytes.indexOf(10);
    begin = nl < 0 ? bytes.length : nl + 1;
  }
  return [bytes, begin, Math.min(bytes.length, end - from)];
}

/**
 * Writes a file (making its directory first) or an object.
 *
 * @example
 * writeWhole('s3://bucket/out/part-0.csv', 'a,b\n1,2\n');
 */
export function writeWhole(path: string, bytes: Uint8Array | string, so?: StorageOptions): void {
  if (!isS3(path)) return local.writeWhole(path, bytes);
  s3Put(path, typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes, 'write', so);
}

/**
 * Whether a file or object exists at `path`.
 *
 * @example
 * exists('s3://bucket/x.zarr/c/0/0'); // false: a chunk never written
 */
export function exists(path: string, so?: StorageOptions): boolean {
  return isS3(path) ? s3Head(path, 'stat', so) !== undefined : local.exists(path);
}

/**
 * `path` and `parts` joined with `/` (an `s3://` path) or the platform's separator.
 *
 * @example
 * joinPath('s3://bucket/x.zarr', 'c', '0', '1'); // 's3://bucket/x.zarr/c/0/1'
 */
export function joinPath(path: string, ...parts: string[]): string {
  return isS3(path)
    ? [path.replace(/\/+$/, ''), ...parts].join('/')
    : local.joinPath(path, ...parts);
}
