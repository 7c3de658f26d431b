// readText and readJson: one partition per file (or per `filesPerPartition` files), or per block
// of `blocksize` bytes for large uncompressed files (each block owns the records that start inside
// it; see kernels-io.ts). Records keep their line delimiter, as Dask's do. Every option is checked
// when the bag is made, and globs and lists are expanded then: a pattern matching nothing, a missing
// file, an unknown encoding or compression, a `.bz2` file, or a zstd file on a Node without zstd
// is an error naming the path or the option, before anything runs. Compressed files are always
// read whole.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { keyToString, task } from '@dask-ts/protocol';
import { tokenize, type Delayed } from '@dask-ts/graph';
import { Bag } from './bag.js';
import { codecFor, compressionOption, type Codec, type Compression } from './compression.js';
import { expandGlob, hasMagic } from './glob.js';
import { kernel } from './kernels.js';
import { StreamSourceLayer } from './fusion.js';
import type { ReadSpec } from './kernels-io.js';
import {
  asciiCompatible,
  delimiterBytes,
  encodingOption,
  errorsOption,
  type DecodeErrors,
} from './text-codec.js';

/**
 * Options of `readText` and `readJson`.
 *
 * @example
 * readText('logs/*.log', { blocksize: 64 << 20, includePath: true });
 */
export interface ReadTextOptions {
  /** Split uncompressed files into blocks of about this many bytes (default: one partition per file). */
  readonly blocksize?: number;
  /** The files' compression (default 'infer': from each suffix, `.gz`, `.br`, `.zst`). */
  readonly compression?: Compression;
  /** Give `[line, path]` pairs instead of lines. */
  readonly includePath?: boolean;
  /** Text encoding (default 'utf-8'; any TextDecoder label, 'ascii' or 'latin1'). */
  readonly encoding?: string;
  /** Undecodable bytes: 'strict' (default: the compute fails naming the file), 'replace', 'ignore'. */
  readonly errors?: DecodeErrors;
  /** The record delimiter (default: '\n', '\r\n' or '\r', each read as '\n'). */
  readonly linedelimiter?: string;
  /** Whether records keep their delimiter (default true, as Dask). */
  readonly keepDelimiter?: boolean;
  /** Read this many files into each partition (not with `blocksize`). */
  readonly filesPerPartition?: number;
}

/** The options that decide a read spec, checked. */
interface Checked {
  readonly compression: Compression;
  readonly encoding: string;
  readonly errors: DecodeErrors;
  readonly delimiter: string | null;
  readonly keep: boolean;
  readonly blocksize: number | undefined;
  readonly perPartition: number;
}

interface Piece {
  readonly path: string;
  readonly compression: Codec;
  readonly start: number;
  readonly end: number;
}

const OPTION_NAMES = new Set([
  'blocksize',
  'compression',
  'includePath',
  'encoding',
  'errors',
  'linedelimiter',
  'keepDelimiter',
  'filesPerPartition',
  'collection',
]);

function checkOptions(op: string, options: ReadTextOptions): Checked {
  for (const k of Object.keys(options)) {
    if (!OPTION_NAMES.has(k)) {
      throw new TypeError(
        `${op}: unknown option '${k}'; the options are ${[...OPTION_NAMES].join(', ')}`,
      );
    }
  }
  const { blocksize, linedelimiter, filesPerPartition } = options;
  if (
    blocksize !== undefined &&
    blocksize !== null &&
    (!Number.isInteger(blocksize) || blocksize < 1)
  ) {
    throw new RangeError(
      `${op}: blocksize must be a positive integer number of bytes, got ${String(blocksize)}`,
    );
  }
  if (
    filesPerPartition !== undefined &&
    (!Number.isInteger(filesPerPartition) || filesPerPartition < 1)
  ) {
    throw new RangeError(
      `${op}: filesPerPartition must be a positive integer, got ${String(filesPerPartition)}`,
    );
  }
  if (filesPerPartition !== undefined && blocksize != null) {
    throw new Error(`${op}: give blocksize or filesPerPartition, not both`);
  }
  if (linedelimiter !== undefined && (typeof linedelimiter !== 'string' || linedelimiter === '')) {
    throw new TypeError(
      `${op}: linedelimiter must be a non-empty string, got ${JSON.stringify(linedelimiter)}`,
    );
  }
  const encoding = encodingOption(options.encoding, op);
  if (blocksize != null) {
    if (!asciiCompatible(encoding)) {
      throw new Error(
        `${op}: blocksize needs an encoding where '\\n' is one byte; ${encoding} is not (read such files whole)`,
      );
    }
    if (linedelimiter !== undefined && delimiterBytes(linedelimiter, encoding) === undefined) {
      throw new Error(
        `${op}: with blocksize, the linedelimiter must be ASCII text in ${encoding} files`,
      );
    }
  }
  return {
    compression: compressionOption(options.compression, op),
    encoding,
    errors: errorsOption(options.errors, op),
    delimiter: linedelimiter ?? null,
    keep: options.keepDelimiter !== false,
    blocksize: blocksize ?? undefined,
    perPartition: filesPerPartition ?? 1,
  };
}

/**
 * The files a path, glob or list of them names (sorted within each glob).
 *
 * @example
 * resolvePaths(['a.txt', 'logs/*.gz']);
 */
export function resolvePaths(paths: string | readonly string[], op = 'readText'): string[] {
  const list = typeof paths === 'string' ? [paths] : paths;
  if (list.length === 0) throw new Error(`${op}: no paths given`);
  const out: string[] = [];
  for (const p of list) {
    if (typeof p !== 'string') throw new TypeError(`${op}: paths must be strings, got ${typeof p}`);
    if (hasMagic(p)) {
      const found = expandGlob(p);
      if (found.length === 0) throw new Error(`${op}: no files match the pattern ${p}`);
      out.push(...found);
    } else {
      out.push(resolve(p));
    }
  }
  return out;
}

function plan(op: string, paths: readonly string[], o: Checked): Piece[] {
  const { blocksize } = o;
  const pieces: Piece[] = [];
  for (const path of paths) {
    const compression = codecFor(path, o.compression, op);
    let size: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) throw new Error('it is not a file');
      size = st.size;
    } catch (err) {
      throw new Error(`${op}: cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
    // Compressed files cannot be split: they are read whole (Dask refuses blocksize for them).
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
  const checked = checkOptions(op, options);
  const files = resolvePaths(paths, op);
  const pieces = plan(op, files, checked);
  const includePath = options.includePath === true;
  const read = op === 'readText' ? 'text' : 'json';
  const specs = pieces.map((p): Omit<ReadSpec, 'read'> => ({
    path: p.path,
    compression: p.compression,
    start: p.start,
    end: p.end,
    includePath,
    encoding: checked.encoding,
    errors: checked.errors,
    delimiter: checked.delimiter,
    keep: checked.keep,
  }));
  const groups: Omit<ReadSpec, 'read'>[][] = [];
  for (let i = 0; i < specs.length; i += checked.perPartition)
    groups.push(specs.slice(i, i + checked.perPartition));
  const mtimes = files.map((f) => statSync(f).mtimeMs);
  const name = `${op === 'readText' ? 'read-text' : 'read-json'}-${tokenize(groups, mtimes)}`;
  const layer = new StreamSourceLayer(
    name,
    [],
    () => groups.map((g, i) => [keyToString([name, i]), task(kernel(op), g)] as const),
    // A consumer that reads the records element-wise streams them straight from the file (fusion.ts).
    (i): unknown => {
      const g = groups[i];
      return g.length === 1
        ? ({ ...g[0], read } satisfies ReadSpec)
        : { read: 'many', specs: g.map((s) => ({ ...s, read })) };
    },
  );
  return new Bag<T>(name, groups.length, layer);
}

/**
 * A bag of the lines of text files: a path, a glob (`*`, `?`, `**`), or a list of them. Lines keep
 * their terminator, as in Dask (`'\r\n'` and `'\r'` read as `'\n'`; `keepDelimiter: false` strips
 * it). `.gz` and `.br` files are decompressed (`.zst` on Node >= 22.15). With `collection: false`,
 * the partitions come back as `Delayed` values instead of a bag.
 *
 * @example
 * const lines = readText('logs/2024-*.log.gz');
 * const big = readText('huge.txt', { blocksize: 64 << 20, keepDelimiter: false });
 * const records = readText('data.txt', { linedelimiter: '$$' });
 */
export function readText(
  paths: string | readonly string[],
  options: ReadTextOptions & { readonly includePath?: false; readonly collection: false },
): Delayed<string[]>[];
export function readText(
  paths: string | readonly string[],
  options: ReadTextOptions & { readonly includePath: true; readonly collection: false },
): Delayed<[string, string][]>[];
export function readText(
  paths: string | readonly string[],
  options?: ReadTextOptions & { readonly includePath?: false; readonly collection?: true },
): Bag<string>;
export function readText(
  paths: string | readonly string[],
  options: ReadTextOptions & { readonly includePath: true; readonly collection?: true },
): Bag<[string, string]>;
export function readText(
  paths: string | readonly string[],
  options: ReadTextOptions & { readonly collection?: boolean } = {},
): unknown {
  const b = readBag<unknown>('readText', paths, options);
  return options.collection === false ? b.toDelayed() : b;
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
