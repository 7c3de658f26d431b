// readText and readJson: one partition per file, or per block of `blocksize` bytes for large
// uncompressed files (each block owns the lines that start inside it; see kernels-io.ts). Globs
// and lists are expanded and checked when the bag is made: a pattern matching nothing, a missing
// file, or a zstd file on a Node without zstd is an error naming the path, before anything runs.
// Compressed files are always read whole.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { keyToString, task } from '@dask-ts/protocol';
import { tokenize } from '@dask-ts/graph';
import { Bag } from './bag.js';
import { checkCompression, compressionOf, type Compression } from './compression.js';
import { expandGlob, hasMagic } from './glob.js';
import { kernel } from './kernels.js';
import { Layer } from './layers.js';
import type { ReadSpec } from './kernels-io.js';

/**
 * Options of `readText` and `readJson`.
 *
 * @example
 * readText('logs/*.log', { blocksize: 64 << 20, includePath: true });
 */
export interface ReadTextOptions {
  /** Split uncompressed files into blocks of about this many bytes (default: one partition per file). */
  readonly blocksize?: number;
  /** Overrides the compression implied by each file's suffix (`.gz`, `.br`, `.zst`). */
  readonly compression?: Compression;
  /** Give `[line, path]` pairs instead of lines. */
  readonly includePath?: boolean;
  /** Text encoding (default 'utf8'; block splitting needs an ASCII-compatible one). */
  readonly encoding?: BufferEncoding;
}

interface Piece {
  readonly path: string;
  readonly compression: Compression;
  readonly start: number;
  readonly end: number;
}

/**
 * The files a path, glob or list of them names (sorted within each glob).
 *
 * @example
 * resolvePaths(['a.txt', 'logs/*.gz']);
 */
export function resolvePaths(paths: string | readonly string[]): string[] {
  const list = typeof paths === 'string' ? [paths] : paths;
  if (list.length === 0) throw new Error('readText: no paths given');
  const out: string[] = [];
  for (const p of list) {
    if (typeof p !== 'string')
      throw new TypeError(`readText: paths must be strings, got ${typeof p}`);
    if (hasMagic(p)) {
      const found = expandGlob(p);
      if (found.length === 0) throw new Error(`readText: no files match the pattern ${p}`);
      out.push(...found);
    } else {
      out.push(resolve(p));
    }
  }
  return out;
}

function plan(paths: readonly string[], options: ReadTextOptions): Piece[] {
  const blocksize = options.blocksize;
  if (blocksize !== undefined && (!Number.isInteger(blocksize) || blocksize < 1)) {
    throw new RangeError(
      `readText: blocksize must be a positive integer number of bytes, got ${String(blocksize)}`,
    );
  }
  const pieces: Piece[] = [];
  for (const path of paths) {
    const compression = options.compression ?? compressionOf(path);
    checkCompression(compression, path);
    let size: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) throw new Error('it is not a file');
      size = st.size;
    } catch (err) {
      throw new Error(`readText: cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
    if (blocksize === undefined || compression !== 'none' || size <= blocksize) {
      pieces.push({ path, compression, start: 0, end: -1 });
      continue;
    }
    for (let start = 0; start < size; start += blocksize) {
      pieces.push({ path, compression, start, end: Math.min(size, start + blocksize) });
    }
  }
  return pieces;
}

function readBag<T>(
  op: 'readText' | 'readJson',
  paths: string | readonly string[],
  options: ReadTextOptions,
): Bag<T> {
  const files = resolvePaths(paths);
  const pieces = plan(files, options);
  const includePath = options.includePath === true;
  const encoding = options.encoding ?? 'utf8';
  const mtimes = files.map((f) => statSync(f).mtimeMs);
  const name = `${op === 'readText' ? 'read-text' : 'read-json'}-${tokenize(pieces, mtimes, includePath, encoding)}`;
  const read = op === 'readText' ? 'text' : 'json';
  const layer = new Layer(
    name,
    [],
    () =>
      pieces.map(
        (p, i) =>
          [
            keyToString([name, i]),
            task(kernel(op), [p.path, p.compression, p.start, p.end, includePath, encoding]),
          ] as const,
      ),
    undefined,
    // A consumer that reads the lines element-wise streams them straight from the file (layers.ts).
    (i): ReadSpec => {
      const p = pieces[i]!;
      return {
        read,
        path: p.path,
        compression: p.compression,
        start: p.start,
        end: p.end,
        includePath,
        encoding,
      };
    },
  );
  return new Bag<T>(name, pieces.length, layer);
}

/**
 * A bag of the lines of text files: a path, a glob (`*`, `?`, `**`), or a list of them. Lines do
 * not keep their line terminator. `.gz` and `.br` files are decompressed (`.zst` on Node >= 22.15).
 *
 * @example
 * const lines = readText('logs/2024-*.log.gz');
 * const big = readText('huge.txt', { blocksize: 64 << 20 });
 */
export function readText(
  paths: string | readonly string[],
  options?: ReadTextOptions & { readonly includePath?: false },
): Bag<string>;
export function readText(
  paths: string | readonly string[],
  options: ReadTextOptions & { readonly includePath: true },
): Bag<[string, string]>;
export function readText<R>(
  paths: string | readonly string[],
  options: ReadTextOptions = {},
): Bag<R> {
  return readBag<R>('readText', paths, options);
}

/**
 * A bag of the records of JSON-lines files (blank lines skipped). A line that is not JSON fails
 * the compute with an error naming the file and the line number.
 *
 * @example
 * const events = readJson<{ type: string }>('events/*.jsonl');
 */
export function readJson<T = unknown>(
  paths: string | readonly string[],
  options?: ReadTextOptions & { readonly includePath?: false },
): Bag<T>;
export function readJson<T = unknown>(
  paths: string | readonly string[],
  options: ReadTextOptions & { readonly includePath: true },
): Bag<[T, string]>;
export function readJson<R>(
  paths: string | readonly string[],
  options: ReadTextOptions = {},
): Bag<R> {
  return readBag<R>('readJson', paths, options);
}
