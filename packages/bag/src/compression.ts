// Compression by file suffix, through node:zlib: `.gz` (gzip) and `.br` (brotli) always, `.zst`
// (zstd) only where this Node has zstd (22.15 and later); elsewhere a `.zst` file is refused with
// an error naming the path and the Node version needed. Whole files are (de)compressed in one
// call: compressed files are read whole, never split into blocks.
import * as zlib from 'node:zlib';

/**
 * A compression a bag reads and writes.
 *
 * @example
 * const c: Compression = 'gzip';
 */
export type Compression = 'gzip' | 'brotli' | 'zstd' | 'none';

type ZstdZlib = typeof zlib & {
  zstdCompressSync?: (b: Buffer) => Buffer;
  zstdDecompressSync?: (b: Buffer) => Buffer;
};

/**
 * The compression a path's suffix implies.
 *
 * @example
 * compressionOf('logs/a.json.gz'); // 'gzip'
 */
export function compressionOf(path: string): Compression {
  if (path.endsWith('.gz')) return 'gzip';
  if (path.endsWith('.br')) return 'brotli';
  if (path.endsWith('.zst')) return 'zstd';
  return 'none';
}

/**
 * Throws when this Node cannot handle `c` for `path`.
 *
 * @example
 * checkCompression('zstd', 'a.zst'); // throws on Node 20
 */
export function checkCompression(c: Compression, path: string): void {
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
export function decompress(buf: Buffer, c: Compression, path: string): Buffer {
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
export function compress(buf: Buffer, c: Compression, path: string): Buffer {
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
