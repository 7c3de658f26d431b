// .npy files as arrays: `fromNpy` reads the header when the array is made (shape and dtype are
// known at once) and each block with positional reads of its own bytes when computed; a list of
// files is their concatenation along axis 0, one block per file along that axis. Fortran-order
// files are read as the transpose of their C-order layout. `toNpy` writes the header and sizes
// the file, then every block writes its own bytes in place, from whichever thread computed it.
import { openSync, closeSync, ftruncateSync, writeSync } from 'node:fs';
import { tokenize } from '@dask-ts/graph';
import { formatShape, normalizeChunks, offsets, type ChunksLike } from './chunks.js';
import { itemsize } from './dtype.js';
import { ioKernels } from './io-kernels.js';
import { npyHeaderBytes, readNpyHeader, type NpyHeader } from './io-npy-format.js';
import { writes } from './io-store.js';
import { sourceLayer } from './layers.js';
import { transpose } from './shape-ops.js';
import type { ArraySpec } from './spec.js';

/**
 * Options of {@link fromNpy}.
 *
 * @example
 * fromNpy('/data/x.npy', { chunks: [1000, -1] });
 */
export interface FromNpyOptions {
  /** How to cut the array (default `'auto'`); with several files, axis 0 is cut per file. */
  readonly chunks?: ChunksLike;
}

/**
 * The array over one .npy file or the concatenation along axis 0 of several (see `fromNpy`).
 *
 * @example
 * fromNpySpec('/data/x.npy', { chunks: 1000 });
 */
export function fromNpySpec(
  paths: string | readonly string[],
  options: FromNpyOptions = {},
): ArraySpec {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  if (list.length === 0) throw new RangeError('fromNpy: no files given');
  const headers = list.map((p) => readNpyHeader(p));
  const h0 = headers[0];
  const many = list.length > 1;
  headers.forEach((h, i) => {
    const same =
      h.dtype === h0.dtype &&
      h.shape.length === h0.shape.length &&
      h.shape.every((s, a) => a === 0 || s === h0.shape[a]);
    if (many && (!same || h.fortran || h.shape.length === 0)) {
      throw new RangeError(
        `fromNpy: ${list[i]} (${h.dtype}, shape ${formatShape(h.shape)}${h.fortran ? ', Fortran order' : ''}) cannot be concatenated along axis 0 with ${list[0]} (${h0.dtype}, shape ${formatShape(h0.shape)}); files must be C order with the same dtype and trailing shape`,
      );
    }
  });
  // The C-order layout of the file(s); a Fortran file is read as its reversed-shape C array.
  const fileShape = h0.fortran ? [...h0.shape].reverse() : h0.shape;
  const wanted = options.chunks ?? 'auto';
  let chunks: number[][];
  if (many) {
    const rest = normalizeChunks(
      h0.shape.slice(1),
      typeof wanted === 'object' ? wanted.slice(1) : wanted,
      itemsize(h0.dtype),
      'fromNpy',
    );
    chunks = [headers.map((h) => h.shape[0]), ...rest];
  } else {
    const c = h0.fortran && typeof wanted === 'object' ? [...wanted].reverse() : wanted;
    chunks = normalizeChunks(fileShape, c, itemsize(h0.dtype), 'fromNpy');
  }
  const starts = chunks.map((c) => offsets(c));
  const name = `from-npy-${tokenize(
    list,
    headers.map((h) => [h.dtype, h.shape, h.dataOffset]),
    chunks,
  )}`;
  const layer = sourceLayer(
    name,
    chunks.map((c) => c.length),
    (idx) => {
      const start = idx.map((i, a) => starts[a][i]);
      const extent = idx.map((i, a) => chunks[a][i]);
      const f = many ? idx[0] : 0;
      const h: NpyHeader = headers[f];
      if (many) start[0] = 0;
      const own = many ? h.shape : fileShape;
      return ioKernels.task('readNpy', [list[f], h.dataOffset, h.dtype, own, start, extent]);
    },
  );
  const spec = { layer, chunks, dtype: h0.dtype };
  return h0.fortran ? transpose(spec) : spec;
}

/**
 * Writes the header of the .npy file `path` for `x` and sizes the file; returns the writes of
 * the blocks (a 0-d array: the bytes written).
 *
 * @example
 * const w = npyWrites(x, '/out/x.npy');
 */
export function npyWrites(x: ArraySpec, path: string): ArraySpec {
  const shape = x.chunks.map((c) => c.reduce((a, b) => a + b, 0));
  const header = npyHeaderBytes(x.dtype, shape);
  const nbytes = shape.reduce((a, b) => a * b, 1) * itemsize(x.dtype);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header, 0, header.length, 0);
    ftruncateSync(fd, header.length + nbytes);
  } finally {
    closeSync(fd);
  }
  const dtype = x.dtype;
  return writes(x, 'to-npy', path, (start, ref) =>
    ioKernels.task('writeNpy', [path, header.length, shape, start, dtype, ref]),
  );
}
