// Zarr v3 arrays in a local directory or under an `s3://bucket/prefix` of an S3-compatible store
// (through the collections' file-system layer, `@dask-ts/graph/fs`: the store is configured from
// the environment, `AWS_ENDPOINT_URL`, `AWS_REGION` and the SDK's credential chain, and
// `@aws-sdk/client-s3` must be installed). Writing goes through zarrita and @zarrita/storage's
// file-system store (or a store over the layer for `s3://`): the array is created with an explicit little-endian `bytes` codec, opened
// once per thread and directory, and each block written with `zarr.set` (chunk-aligned when the
// blocks are the Zarr chunks, as `toZarr` makes them). Reading is our own and synchronous: the
// scheduler may fuse a read into the task that consumes it, and a fused call cannot wait for a
// promise, so a block is read with plain file reads of the chunk files it overlaps, decompressed
// synchronously (the `bytes` codec, little-endian, then optionally `gzip` through zlib or `zstd`
// through fzstd: what `toZarr` and zarr-python write by default; a missing chunk is the fill
// value). Other codecs are refused when the array is made. bool is 0/1 bytes on both sides.
// Kernel side.
import { gunzipSync } from 'node:zlib';
import {
  exists,
  isS3,
  joinPath,
  readWhole,
  writeWhole,
  type StorageOptions,
} from '@dask-ts/graph/fs';
import { decompress as zstdDecompress } from 'fzstd';
import * as zarr from 'zarrita';
import FileSystemStore from '@zarrita/storage/fs';
import { allocate, checkDtype, isBig, itemsize, type Dtype } from './dtype.js';
import { bigOf, copyRegion, makeNd, type Nd } from './nd.js';

/** A zarrita store over the file-system layer (for `s3://` prefixes). */
interface LayerStore {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array): Promise<void>;
}

type ZArray = zarr.Array<zarr.DataType, FileSystemStore | LayerStore>;

/** The store of `dir`: zarrita's own for a local directory, the layer's for `s3://`. */
function storeOf(dir: string, so?: StorageOptions): FileSystemStore | LayerStore {
  if (!isS3(dir)) return new FileSystemStore(dir);
  const at = (key: string): string => joinPath(dir, ...key.split('/').filter((p) => p !== ''));
  return {
    get: (key: string) => Promise.resolve(exists(at(key), so) ? readWhole(at(key), so) : undefined),
    set: (key: string, value: Uint8Array) => Promise.resolve(writeWhole(at(key), value, so)),
  };
}

const opened = new Map<string, Promise<ZArray>>();

/** The Zarr array in directory `dir`, opened once per thread (createZarr replaces it). */
function openZarr(dir: string, so?: StorageOptions): Promise<ZArray> {
  let p = opened.get(dir);
  if (p === undefined) {
    p = zarr.open.v3(zarr.root(storeOf(dir, so)), { kind: 'array' });
    opened.set(dir, p);
    p.catch(() => opened.delete(dir));
  }
  return p;
}

/**
 * How `toZarr` compresses its chunks: `'zstd'` (at `level`, default 3; zarrita's codec, which
 * zarr-python and our reader read) or not at all (the default).
 *
 * @example
 * await x.toZarr('/out/x.zarr', { compression: 'zstd', level: 5 });
 */
export interface ZarrWriteOptions {
  readonly compression?: 'zstd' | 'none';
  readonly level?: number;
  /** How to reach an `s3://` store, over the environment (endpoint, region, credentials). */
  readonly storage?: StorageOptions;
}

/**
 * Creates (or replaces the metadata of) a Zarr v3 array in `dir`.
 *
 * @example
 * await createZarr('/out/x.zarr', 'float64', [100, 100], [10, 10]);
 */
export async function createZarr(
  dir: string,
  dtype: Dtype,
  shape: readonly number[],
  chunkShape: readonly number[],
  options: ZarrWriteOptions = {},
): Promise<void> {
  const compression = options.compression ?? 'none';
  const level = options.level ?? 3;
  if (compression !== 'zstd' && compression !== 'none') {
    throw new RangeError(
      `toZarr: compression ${JSON.stringify(compression)} is not written here; use 'zstd' or 'none'`,
    );
  }
  if (!Number.isInteger(level) || level < -7 || level > 22) {
    throw new RangeError(`toZarr: zstd level ${level} must be an integer from -7 to 22`);
  }
  const codecs = [
    { name: 'bytes', configuration: { endian: 'little' } },
    ...(compression === 'zstd'
      ? [{ name: 'zstd', configuration: { level, checksum: false } }]
      : []),
  ];
  const arr = await zarr.create(zarr.root(storeOf(dir, options.storage)), {
    shape: [...shape],
    chunkShape: [...chunkShape],
    dtype: dtype,
    codecs,
    fillValue: dtype === 'bool' ? false : 0,
  });
  opened.set(dir, Promise.resolve(arr));
}

const slices = (start: readonly number[], extent: readonly number[]): zarr.Slice[] =>
  start.map((s, i) => zarr.slice(s, s + extent[i]));

/**
 * What we read of a Zarr v3 array's metadata.
 *
 * @example
 * const m: ZarrMeta = readZarrMeta('/data/x.zarr');
 */
export interface ZarrMeta {
  readonly dtype: Dtype;
  readonly shape: number[];
  readonly chunkShape: number[];
  /** How a chunk's key joins its indices: `c/0/1` ('/') or `c.0.1` ('.'), or v2's `0.1`. */
  readonly encoding: 'default' | 'v2';
  readonly separator: string;
  readonly fill: number;
  /** The compression after the `bytes` codec, if any. */
  readonly compression: 'gzip' | 'zstd' | null;
}

interface ZarrJson {
  zarr_format?: number;
  node_type?: string;
  shape?: number[];
  data_type?: string;
  chunk_grid?: { name?: string; configuration?: { chunk_shape?: number[] } };
  chunk_key_encoding?: { name?: string; configuration?: { separator?: string } };
  codecs?: { name?: string; configuration?: { endian?: string } }[];
  fill_value?: number | boolean | string | null;
}

/**
 * Reads and checks the metadata of the Zarr v3 array in `dir`: a regular grid of uncompressed,
 * little-endian chunks of a dtype we hold (the culprit is named otherwise).
 *
 * @example
 * readZarrMeta('/data/x.zarr').chunkShape;
 */
export function readZarrMeta(dir: string, so?: StorageOptions): ZarrMeta {
  const file = joinPath(dir, 'zarr.json');
  if (!exists(file, so)) throw new Error(`fromZarr: ${dir} has no zarr.json (not a Zarr v3 array)`);
  const m = JSON.parse(new TextDecoder().decode(readWhole(file, so))) as ZarrJson;
  if (m.zarr_format !== 3 || m.node_type !== 'array') {
    throw new Error(`fromZarr: ${file} is not a Zarr v3 array (node_type ${String(m.node_type)})`);
  }
  const dtype = checkDtype(m.data_type, `fromZarr(${JSON.stringify(dir)})`);
  const codecs = m.codecs ?? [];
  const [first, second, ...more] = codecs;
  const bytesOk =
    first === undefined ||
    (first.name === 'bytes' && (first.configuration?.endian ?? 'little') === 'little');
  const compression =
    second === undefined
      ? null
      : second.name === 'gzip' || second.name === 'zstd'
        ? second.name
        : undefined;
  if (!bytesOk || compression === undefined || more.length > 0) {
    throw new Error(
      `fromZarr: ${dir} uses codecs [${codecs.map((c) => c.name).join(', ')}]; read are little-endian 'bytes' chunks, alone or then compressed with 'gzip' or 'zstd'`,
    );
  }
  const grid = m.chunk_grid?.configuration?.chunk_shape;
  if (m.chunk_grid?.name !== 'regular' || grid === undefined) {
    throw new Error(`fromZarr: ${dir} has no regular chunk grid`);
  }
  const enc = m.chunk_key_encoding?.name === 'v2' ? 'v2' : 'default';
  const fill = m.fill_value;
  return {
    dtype,
    shape: m.shape ?? [],
    chunkShape: grid,
    encoding: enc,
    separator: m.chunk_key_encoding?.configuration?.separator ?? (enc === 'v2' ? '.' : '/'),
    fill: typeof fill === 'number' ? fill : fill === true ? 1 : fill === 'NaN' ? NaN : 0,
    compression,
  };
}

function chunkPath(dir: string, meta: ZarrMeta, idx: readonly number[]): string {
  const parts = idx.length === 0 ? ['0'] : idx.map(String);
  const key =
    meta.encoding === 'v2' ? parts.join(meta.separator) : ['c', ...parts].join(meta.separator);
  return joinPath(dir, ...key.split('/'));
}

/**
 * The box at `start` of `extent` of the Zarr array in `dir` described by `meta`, read from the
 * chunk files it overlaps (synchronously).
 *
 * @example
 * readZarrBlock('/data/x.zarr', meta, [0, 10], [10, 10]);
 */
export function readZarrBlock(
  dir: string,
  meta: ZarrMeta,
  start: readonly number[],
  extent: readonly number[],
  so?: StorageOptions,
): Nd {
  const out = makeNd(meta.dtype, extent);
  if (extent.some((e) => e === 0)) return out;
  const cs = meta.chunkShape;
  const first = start.map((s, a) => Math.floor(s / cs[a]));
  const last = start.map((s, a) => Math.floor((s + extent[a] - 1) / cs[a]));
  const idx = [...first];
  const size = itemsize(meta.dtype);
  const n = cs.reduce((a, b) => a * b, 1);
  for (;;) {
    const lo = idx.map((c, a) => Math.max(start[a], c * cs[a]));
    const hi = idx.map((c, a) => Math.min(start[a] + extent[a], (c + 1) * cs[a]));
    const path = chunkPath(dir, meta, idx);
    let chunk: Nd;
    if (exists(path, so)) {
      const stored = readWhole(path, so);
      const bytes =
        meta.compression === 'gzip'
          ? gunzipSync(stored)
          : meta.compression === 'zstd'
            ? zstdDecompress(stored)
            : stored;
      if (bytes.length !== n * size) {
        throw new Error(`fromZarr: chunk ${path} has ${bytes.length} bytes, expected ${n * size}`);
      }
      const data = allocate(meta.dtype, n);
      new Uint8Array(data.buffer).set(bytes);
      chunk = makeNd(meta.dtype, cs, data);
    } else {
      const empty = allocate(meta.dtype, n);
      if (isBig(meta.dtype)) (empty as unknown as BigInt64Array).fill(bigOf(meta.fill));
      else empty.fill(meta.fill);
      chunk = makeNd(meta.dtype, cs, empty);
    }
    copyRegion(
      chunk,
      lo.map((l, a) => l - idx[a] * cs[a]),
      out,
      lo.map((l, a) => l - start[a]),
      hi.map((h, a) => h - lo[a]),
    );
    let a = idx.length - 1;
    while (a >= 0 && ++idx[a] > last[a]) {
      idx[a] = first[a];
      a--;
    }
    if (a < 0) break;
  }
  return out;
}

/**
 * Writes `block` (compact) at `start` in the Zarr array in `dir`; returns the bytes written.
 *
 * @example
 * await writeZarrBlock('/out/x.zarr', [0, 10], block);
 */
export async function writeZarrBlock(
  dir: string,
  start: readonly number[],
  block: Nd,
  so?: StorageOptions,
): Promise<number> {
  const arr = await openZarr(dir, so);
  const isBool = arr.dtype === 'bool';
  const data = isBool ? new zarr.BoolArray(block.data.buffer as ArrayBuffer) : block.data;
  await zarr.set(arr, slices(start, block.shape), {
    data,
    shape: block.shape.slice(),
    stride: block.stride.slice(),
  });
  return block.data.byteLength;
}
