// Local files for the file-system layer (fs.ts, which also reaches S3 stores). Policy: a
// path names a file or a directory (a directory means every file under it, recursively, in sorted
// order, skipping names that start with `.` or `_` such as `_SUCCESS`); a glob may use `*` and `?`
// within a path segment and `**` for any number of directories; a list of paths expands each one
// in order. Planning (listing, sizes, footers) is synchronous, so a reader's dataframe and schema
// exist as soon as it returns; tasks read byte ranges or whole files. Every error names the path.
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, sep } from 'node:path';

/** One listed file: its path, and the directory it was found under (for hive partitions). */
export interface ListedFile {
  readonly path: string;
  /** The directory the listing started from, when the file was found inside one. */
  readonly root?: string;
}

const GLOB = /[*?[]/;
const hidden = (name: string): boolean => name.startsWith('.') || name.startsWith('_');

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (hidden(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
}

function segmentRegExp(seg: string): RegExp {
  return new RegExp(
    `^${seg
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}$`,
  );
}

function globFrom(dir: string, segs: readonly string[], out: string[]): void {
  if (segs.length === 0) {
    if (existsSync(dir) && statSync(dir).isFile()) out.push(dir);
    return;
  }
  const [seg, ...rest] = segs;
  if (seg === '**') {
    globFrom(dir, rest, out);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (!hidden(name) && statSync(p).isDirectory()) globFrom(p, segs, out);
    }
    return;
  }
  if (!GLOB.test(seg)) {
    globFrom(join(dir, seg), rest, out);
    return;
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
  const re = segmentRegExp(seg);
  for (const name of readdirSync(dir).sort()) {
    if (re.test(name) && !(hidden(name) && !seg.startsWith(name[0]))) {
      globFrom(join(dir, name), rest, out);
    }
  }
}

function expandOne(pattern: string, what: string): ListedFile[] {
  if (typeof pattern !== 'string' || pattern === '')
    throw new TypeError(`${what}: a path must be a non-empty string, got ${String(pattern)}`);
  if (GLOB.test(pattern)) {
    const segs = pattern.split(/[\\/]/);
    const first = GLOB.test(segs[0]) ? '.' : segs[0] === '' ? sep : segs[0];
    const out: string[] = [];
    globFrom(first, GLOB.test(segs[0]) ? segs : segs.slice(1), out);
    if (out.length === 0) throw new Error(`${what}: no file matches '${pattern}'`);
    return [...new Set(out)].map((path) => ({ path }));
  }
  if (!existsSync(pattern)) throw new Error(`${what}: no such file or directory '${pattern}'`);
  if (statSync(pattern).isDirectory()) {
    const out: string[] = [];
    walk(pattern, out);
    if (out.length === 0) throw new Error(`${what}: the directory '${pattern}' holds no files`);
    return out.map((path) => ({ path, root: pattern }));
  }
  return [{ path: pattern }];
}

/**
 * The files a path, a directory, a glob or a list of them names, in order (each listed once).
 *
 * @example
 * expandPaths('data/*.parquet', 'readParquet'); // [{ path: 'data/a.parquet' }, ...]
 */
export function expandPaths(paths: string | readonly string[], what: string): ListedFile[] {
  const list = typeof paths === 'string' ? [paths] : paths;
  if (!Array.isArray(list) || list.length === 0)
    throw new Error(`${what}: give a path, a glob or a non-empty list of paths`);
  const seen = new Set<string>();
  const out: ListedFile[] = [];
  for (const p of list)
    for (const f of expandOne(p, what))
      if (!seen.has(f.path)) {
        seen.add(f.path);
        out.push(f);
      }
  return out;
}

/** A file's size and modification time (what a reader's token is made from). */
export function fileStamp(path: string): readonly [string, number, number] {
  const st = statSync(path);
  return [path, st.size, st.mtimeMs];
}

/** Reads `out.length` bytes at `start` of open file `fd` into `out` (fewer at its end); returns how many. */
function readAt(fd: number, out: Uint8Array, start: number): number {
  let got = 0;
  while (got < out.length) {
    const n = readSync(fd, out, got, out.length - got, start + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/**
 * Bytes [start, end) of a file (fewer at its end), in a buffer of their own that is not zeroed
 * first (the read fills it; only the bytes read are given back).
 */
export function readRange(path: string, start: number, end: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const len = Math.max(0, Math.min(end, fstatSync(fd).size) - start);
    const buf = new Uint8Array(Buffer.allocUnsafeSlow(len).buffer, 0, len);
    return buf.subarray(0, readAt(fd, buf, start));
  } finally {
    closeSync(fd);
  }
}

/**
 * For each `[start, out]`, bytes [start, start + out.length) of a file read into `out` (fewer at
 * its end), the file opened once; returns how many bytes each read.
 */
export function readRangesInto(
  path: string,
  reads: readonly (readonly [start: number, out: Uint8Array])[],
): number[] {
  const fd = openSync(path, 'r');
  try {
    return reads.map(([start, out]) => readAt(fd, out, start));
  } finally {
    closeSync(fd);
  }
}

/** The last `n` bytes of a file, and its size. */
export function readTail(path: string, n: number): [Uint8Array, number] {
  const size = statSync(path).size;
  return [readRange(path, Math.max(0, size - n), size), size];
}

/** A whole file. */
export function readWhole(path: string): Uint8Array {
  return readFileSync(path);
}

/** Writes a file, making its directory first. */
export function writeWhole(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

/** Whether a local file or directory exists. */
export function exists(path: string): boolean {
  return existsSync(path);
}

/** Local path parts joined with the platform's separator. */
export function joinPath(path: string, ...parts: string[]): string {
  return join(path, ...parts);
}
