// Compression by file suffix or by option, through node:zlib: gzip (`.gz`) and brotli (`.br`)
// always, zstd (`.zst`) only where this Node has it (22.15 and later). bzip2 (`.bz2`) and xz
// (`.xz`) are refused when the bag is built: Node has no codec for them and no well-kept pure-JS
// library writes both, so a `.bz2` path is an error naming the path, never a file written
// uncompressed. An unknown `compression` value is an error naming the option and the accepted
// values. Whole files are (de)compressed in one call: compressed files are read whole, never
// split into blocks.
import * as zlib from 'node:zlib';

/**
 * A compression a bag reads and writes (`'infer'`: from each path's suffix, the default).
 *
 * @example
 * const c: Compression = 'gzip';
 */
export type Compression = 'infer' | 'gzip' | 'brotli' | 'zstd' | 'none';

/** A compression once inferred (what the kernels see). */
export type Codec = Exclude<Compression, 'infer'>;

const ACCEPTED: readonly string[] = ['infer', 'gzip', 'brotli', 'zstd', 'none'];
/** Dask spellings that mean one of ours. */
const ALIASES: Readonly<Record<string, Codec>> = { gz: 'gzip', br: 'brotli', zst: 'zstd' };
const REFUSED = new Set(['bz2', 'bzip2', 'xz', 'lzma']);

type ZstdZlib = typeof zlib & {
  zstdCompressSync?: (b: Buffer) => Buffer;
  zstdDecompressSync?: (b: Buffer) => Buffer;
};

function refusal(what: string, where: string): Error {
  return new Error(
    `${where}: ${what} is not supported: Node has no bzip2 or xz codec and dask-ts uses no third-party one. Recompress with gzip, brotli or zstd (for example \`bzip2 -dc f.bz2 | gzip > f.gz\`).`,
  );
}

/**
 * Checks a `compression` option (undefined, `'infer'` or `null` mean: by suffix) and returns it,
 * or throws an error naming the option and the accepted values.
 *
 * @example
 * compressionOption('gzip', 'readText'); // 'gzip'
 * compressionOption('zip', 'readText'); // throws
 */
export function compressionOption(value: unknown, op: string): Compression {
  if (value === undefined || value === null) return 'infer';
  if (typeof value === 'string') {
    const v = value.toLowerCase();
    if (ACCEPTED.includes(v)) return v as Compression;
    if (v in ALIASES) return ALIASES[v];
    if (REFUSED.has(v)) throw refusal(`compression '${value}'`, op);
  }
  throw new RangeError(
    `${op}: unknown compression ${JSON.stringify(value)}; accepted values are ${ACCEPTED.map((a) => `'${a}'`).join(', ')}`,
  );
}

/**
 * The compression a path's suffix implies.
 *
 * @example
 * compressionOf('logs/a.json.gz'); // 'gzip'
 */
export function compressionOf(path: string): Codec {
  if (path.endsWith('.gz')) return 'gzip';
  if (path.endsWith('.br')) return 'brotli';
  if (path.endsWith('.zst')) return 'zstd';
  return 'none';
}

/**
 * The codec for `path` under option `c` (inferring from the suffix), checked: a `.bz2` or `.xz`
 * path, or zstd on a Node without it, is an error naming the path.
 *
 * @example
 * codecFor('a.txt.gz', 'infer', 'readText'); // 'gzip'
 */
export function codecFor(path: string, c: Compression, op: string): Codec {
  if (c === 'infer' && /\.(bz2|xz|lzma)$/.test(path)) {
    throw refusal(`the compressed file ${path}`, op);
  }
  const codec = c === 'infer' ? compressionOf(path) : c;
  checkCompression(codec, path);
  return codec;
}

/**
 * Throws when this Node cannot handle `c` for `path`.
 *
 * @example
 * checkCompression('zstd', 'a.zst'); // throws on Node 20
 */
export function checkCompression(c: Codec, path: string): void {
  if (c === 'zstd' && typeof (zlib as ZstdZlib).zstdDecompressSync !== 'function') {
    throw new Error(
      `Cannot handle zstd-compressed file ${path}: zstd needs Node >= 22.15 (this is Node ${process.versions.node}). Decompress it first, or use gzip or brotli.`,
    );
  }
}

/**
 * Decompresses a whole file's bytes.
 *
 * @example
 * const text = decompress(readFileSync('a.gz'), 'gzip', 'a.gz').toString();
 */
export function decompress(buf: Buffer, c: Codec, path: string): Buffer {
  checkCompression(c, path);
  switch (c) {
    case 'none':
      return buf;
    case 'gzip':
      return zlib.gunzipSync(buf);
    case 'brotli':
      return zlib.brotliDecompressSync(buf);
    case 'zstd':
      return (zlib as ZstdZlib).zstdDecompressSync!(buf);
  }
}

/**
 * Compresses a whole file's bytes.
 *
 * @example
 * writeFileSync('a.gz', compress(Buffer.from('x\n'), 'gzip', 'a.gz'));
 */
export function compress(buf: Buffer, c: Codec, path: string): Buffer {
  checkCompression(c, path);
  switch (c) {
    case 'none':
      return buf;
    case 'gzip':
      return zlib.gzipSync(buf);
    case 'brotli':
      return zlib.brotliCompressSync(buf, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 4,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
        },
      });
    case 'zstd':
      return (zlib as ZstdZlib).zstdCompressSync!(buf);
  }
}
