// The .npy format (NumPy's NEP 1, versions 1.0 to 3.0): a magic string, a version, a header
// length and a Python dict literal `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`
// padded with spaces to a multiple of 64 bytes, then the elements. We read little-endian (or
// byte-order-free) dtypes we hold, in C or Fortran order, and write version 1.0 (2.0 when the
// header is longer than 65535 bytes), C order, little-endian. Blocks are read and written at their
// byte positions with positional reads and writes, so a block costs its own bytes only. Kernel side.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { allocate, itemsize, type Dtype, type TypedArray } from './dtype.js';
import { cStrides, makeNd, sizeOfShape, type Nd } from './nd.js';

/**
 * What a .npy header says.
 *
 * @example
 * const h: NpyHeader = { dtype: 'float64', shape: [3, 4], fortran: false, dataOffset: 128 };
 */
export interface NpyHeader {
  readonly dtype: Dtype;
  readonly shape: number[];
  readonly fortran: boolean;
  /** The byte offset of the first element. */
  readonly dataOffset: number;
}

const DESCR: Record<string, Dtype> = {
  f8: 'float64',
  f4: 'float32',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  u1: 'uint8',
  u2: 'uint16',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  b1: 'bool',
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * The NumPy `descr` of a dtype.
 *
 * @example
 * npyDescr('int16'); // '<i2'
 */
export function npyDescr(dtype: Dtype): string {
  const code = Object.keys(DESCR).find((k) => DESCR[k] === dtype)!;
  return itemsize(dtype) === 1 ? `|${code}` : `<${code}`;
}

/**
 * Parses the header of a .npy file from its first bytes (`what` names the file in errors).
 *
 * @example
 * parseNpyHeader(readFileSync('x.npy'), 'x.npy').shape;
 */
export function parseNpyHeader(bytes: Uint8Array, what: string): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error(`fromNpy: ${what} is not a .npy file (no \\x93NUMPY magic string)`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [len, start] = major === 1 ? [view.getUint16(8, true), 10] : [view.getUint32(8, true), 12];
  if (bytes.length < start + len) {
    throw new Error(`fromNpy: ${what}: header of ${len} bytes is truncated`);
  }
  const text = new TextDecoder('latin1').decode(bytes.subarray(start, start + len));
  const descr = /'descr':\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(text)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined) {
    throw new Error(`fromNpy: ${what}: cannot parse the header ${JSON.stringify(text.trim())}`);
  }
  const order = descr[0];
  const dtype = DESCR[descr.slice(1)];
  if (dtype === undefined || order === '>' || (order === '|' && itemsize(dtype) !== 1)) {
    throw new TypeError(
      `fromNpy: ${what}: unsupported dtype '${descr}'; supported: ${Object.keys(DESCR)
        .map((k) => (k.endsWith('1') ? `|${k}` : `<${k}`))
        .join(', ')}`,
    );
  }
  return {
    dtype,
    shape: shape
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map(Number),
    fortran: fortran === 'True',
    dataOffset: start + len,
  };
}

/**
 * The bytes of a .npy header for a C-order array of `dtype` and `shape`.
 *
 * @example
 * npyHeaderBytes('float64', [2, 3]).length % 64; // 0
 */
export function npyHeaderBytes(dtype: Dtype, shape: readonly number[]): Uint8Array {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${npyDescr(dtype)}', 'fortran_order': False, 'shape': ${tuple}, }`;
  let pre = 10;
  let total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  if (total - pre > 65535) {
    pre = 12;
    total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  }
  const out = new Uint8Array(total);
  out.set(MAGIC);
  out[6] = pre === 10 ? 1 : 2;
  const view = new DataView(out.buffer);
  if (pre === 10) view.setUint16(8, total - pre, true);
  else view.setUint32(8, total - pre, true);
  out.fill(0x20, pre);
  out.set(new TextEncoder().encode(dict), pre);
  out[total - 1] = 0x0a;
  return out;
}

/**
 * Reads the header of a .npy file.
 *
 * @example
 * readNpyHeader('/data/x.npy');
 */
export function readNpyHeader(path: string): NpyHeader {
  const fd = openSync(path, 'r');
  try {
    let buf = new Uint8Array(4096);
    let n = readSync(fd, buf, 0, buf.length, 0);
    const h = new DataView(buf.buffer);
    const need =
      n >= 12 ? (buf[6] === 1 ? 10 + h.getUint16(8, true) : 12 + h.getUint32(8, true)) : 0;
    if (need > buf.length) {
      buf = new Uint8Array(need);
      n = readSync(fd, buf, 0, need, 0);
    }
    return parseNpyHeader(buf.subarray(0, n), path);
  } finally {
    closeSync(fd);
  }
}

/** The runs of a box in a C-order array: per run, its start element; and each run's length. */
function runs(
  shape: readonly number[],
  start: readonly number[],
  extent: readonly number[],
): { starts: number[]; len: number } {
  const n = shape.length;
  if (n === 0) return { starts: [0], len: 1 };
  if (extent.some((e) => e === 0)) return { starts: [], len: 0 };
  // The box is contiguous from axis `cut` on: whole trailing axes, a partial one at `cut`.
  let cut = n - 1;
  while (cut > 0 && start[cut] === 0 && extent[cut] === shape[cut]) cut--;
  const st = cStrides(shape);
  const len = extent[cut] * st[cut];
  const starts: number[] = [];
  const outer = extent.slice(0, cut);
  const idx = outer.map(() => 0);
  for (;;) {
    let o = start[cut] * st[cut];
    for (let i = 0; i < cut; i++) o += (start[i] + idx[i]) * st[i];
    starts.push(o);
    let a = cut - 1;
    while (a >= 0 && ++idx[a] === outer[a]) idx[a--] = 0;
    if (a < 0) break;
  }
  return { starts, len };
}

/**
 * The box at `start` of `extent` of the C-order array of `shape` and `dtype` whose elements begin
 * at byte `dataOffset` of file `path`, read with one positional read per contiguous run.
 *
 * @example
 * readNpyBlock('/data/x.npy', 128, 'float64', [100, 100], [0, 50], [10, 50]);
 */
export function readNpyBlock(
  path: string,
  dataOffset: number,
  dtype: Dtype,
  shape: readonly number[],
  start: readonly number[],
  extent: readonly number[],
): Nd {
  const out = allocate(dtype, sizeOfShape(extent));
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  const size = itemsize(dtype);
  const { starts, len } = runs(shape, start, extent);
  const fd = openSync(path, 'r');
  try {
    let at = 0;
    for (const s of starts) {
      const want = len * size;
      let got = 0;
      while (got < want) {
        const n = readSync(fd, bytes, at + got, want - got, dataOffset + s * size + got);
        if (n === 0) throw new Error(`fromNpy: ${path} is shorter than its header says`);
        got += n;
      }
      at += want;
    }
  } finally {
    closeSync(fd);
  }
  return makeNd(dtype, extent, out);
}

/**
 * Writes `block` (compact, of the file's dtype) at `start` in the C-order array of `shape` whose
 * elements begin at byte `dataOffset` of the existing file `path`; returns the bytes written.
 *
 * @example
 * writeNpyBlock('/out/x.npy', 128, [100, 100], [0, 50], block);
 */
export function writeNpyBlock(
  path: string,
  dataOffset: number,
  shape: readonly number[],
  start: readonly number[],
  block: Nd,
): number {
  const data: TypedArray = block.data;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const size = data.BYTES_PER_ELEMENT;
  const { starts, len } = runs(shape, start, block.shape);
  const fd = openSync(path, 'r+');
  try {
    let at = 0;
    for (const s of starts) {
      const want = len * size;
      let put = 0;
      while (put < want) {
        put += writeSync(fd, bytes, at + put, want - put, dataOffset + s * size + put);
      }
      at += want;
    }
  } finally {
    closeSync(fd);
  }
  return bytes.length;
}
