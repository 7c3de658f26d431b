// The kernels of advanced indexing: taking slices at integer positions along one axis, keeping the
// elements (or rows) a boolean mask selects, picking single elements (vindex), writing into a
// region (assignment), and reading a block's shape (computeChunkSizes). Results are compact chunks
// owning their buffers.
import ndarray from 'ndarray';
import { dtypeOfTypedArray, type Dtype } from './dtype.js';
import { compactCopy, copyRegion, forRows, isCompact, makeNd, type Nd } from './nd.js';

/**
 * Slices along `axis` of an output block of `shape`: for each input chunk, the pairs (output
 * position, input position) to copy.
 *
 * @example
 * take('float64', [3, 2], 0, [[[0, 4], [2, 1]], [[1, 0]]], a, b);
 */
export function take(
  dtype: Dtype,
  shape: readonly number[],
  axis: number,
  pairs: readonly (readonly (readonly [number, number])[])[],
  ...chunks: Nd[]
): Nd {
  const out = makeNd(dtype, shape);
  const extent = shape.map((s, a) => (a === axis ? 1 : s));
  chunks.forEach((c, k) => {
    for (const [o, i] of pairs[k]) {
      copyRegion(
        c,
        shape.map((_, a) => (a === axis ? i : 0)),
        out,
        shape.map((_, a) => (a === axis ? o : 0)),
        extent,
      );
    }
  });
  return out;
}

/**
 * The elements of a chunk where a mask chunk (same shape) is non-zero, in C order (a 1-d chunk);
 * with `rows`, a 1-d mask selects slices along axis 0 instead.
 *
 * @example
 * maskSelect(false, chunk, maskChunk);
 */
export function maskSelect(rows: boolean, chunk: Nd, mask: Nd): Nd {
  const dtype = dtypeOfTypedArray(chunk.data) ?? 'float64';
  if (rows) {
    const keep: number[] = [];
    for (let i = 0; i < mask.shape[0]; i++) if (mask.get(i) !== 0) keep.push(i);
    const shape = [keep.length, ...chunk.shape.slice(1)];
    return take(dtype, shape, 0, [keep.map((i, o) => [o, i] as const)], chunk);
  }
  const m = (isCompact(mask) ? mask : compactCopy(mask)).data;
  const c = (isCompact(chunk) ? chunk : compactCopy(chunk)).data;
  let n = 0;
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) n++;
  const out = makeNd(dtype, [n]);
  const d = out.data;
  let k = 0;
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) d[k++] = c[i];
  return out;
}

/**
 * The elements of a band of blocks (the blocks that share their index along axis 0, `counts`
 * per axis in C order, the array's `n` blocks then the mask's) where the mask is non-zero, in C
 * order over the band: a 1-d chunk.
 *
 * @example
 * maskBand([1, 2], 2, x00, x01, m00, m01);
 */
export function maskBand(counts: readonly number[], n: number, ...chunks: Nd[]): Nd {
  const xs = chunks.slice(0, n);
  const ms = chunks.slice(n);
  const nd = counts.length;
  if (nd <= 1) return maskSelect(false, xs[0], ms[0]);
  // The band's rows (every axis but the last) in C order; each row crosses the blocks along the
  // last axis in order. No band is assembled: elements go straight from the blocks.
  const strides = counts.map((_, a) => counts.slice(a + 1).reduce((p, q) => p * q, 1));
  const lens = counts.map((c, a) =>
    Array.from({ length: c }, (_, i) => xs[i * strides[a]].shape[a]),
  );
  const rowShape = lens.slice(0, nd - 1).map((l) => l.reduce((p, q) => p + q, 0));
  const last = nd - 1;
  const walk = (visit: (x: Nd, m: Nd, px: number, pm: number, len: number) => void): void => {
    const blk = new Array<number>(nd).fill(0);
    const local = new Array<number>(nd).fill(0);
    forRows([...rowShape, 1], [], () => {
      let base = 0;
      for (let a = 0; a < last; a++) base += blk[a] * strides[a];
      for (let j = 0; j < counts[last]; j++) {
        const x = xs[base + j];
        const m = ms[base + j];
        let px = x.offset;
        let pm = m.offset;
        for (let a = 0; a < last; a++) {
          px += local[a] * x.stride[a];
          pm += local[a] * m.stride[a];
        }
        visit(x, m, px, pm, x.shape[last]);
      }
      // The next row: advance the local index (and block) of the axes before the last.
      for (let a = last - 1; a >= 0; a--) {
        if (++local[a] < lens[a][blk[a]]) break;
        local[a] = 0;
        if (++blk[a] < counts[a]) break;
        blk[a] = 0;
      }
    });
  };
  let total = 0;
  walk((_x, m, _px, pm, len) => {
    const md = m.data;
    const st = m.stride[last];
    for (let i = 0; i < len; i++, pm += st) if (md[pm] !== 0) total++;
  });
  const out = makeNd(dtypeOfTypedArray(xs[0].data) ?? 'float64', [total]);
  const d = out.data;
  let k = 0;
  walk((x, m, px, pm, len) => {
    const xd = x.data;
    const md = m.data;
    const sx = x.stride[last];
    const sm = m.stride[last];
    for (let i = 0; i < len; i++, px += sx, pm += sm) if (md[pm] !== 0) d[k++] = xd[px];
  });
  return out;
}

/**
 * Single elements picked from chunks: `points[k]` lists, for chunk `k`, the pairs (output
 * position, local coordinates) to read, into a 1-d block of `n` elements.
 *
 * @example
 * vindexPick('float64', 2, [[[0, [1, 2]], [1, [0, 0]]]], chunk);
 */
export function vindexPick(
  dtype: Dtype,
  n: number,
  points: readonly (readonly (readonly [number, readonly number[]])[])[],
  ...chunks: Nd[]
): Nd {
  const out = makeNd(dtype, [n]);
  const d = out.data;
  chunks.forEach((c, k) => {
    for (const [o, idx] of points[k]) {
      let p = c.offset;
      for (let a = 0; a < idx.length; a++) p += idx[a] * c.stride[a];
      d[o] = c.data[p];
    }
  });
  return out;
}

/**
 * One axis of a region to write: `count` elements from `start` by `step`.
 *
 * @example
 * const r: Region = { start: 1, step: 2, count: 3 };
 */
export interface Region {
  readonly start: number;
  readonly step: number;
  readonly count: number;
}

/**
 * A copy of a chunk of `dtype` with the region written: a number everywhere, or the elements of a
 * value chunk (the region's shape, or broadcast to it).
 *
 * @example
 * setRegion('float64', chunk, [{ start: 0, step: 1, count: 2 }], 0);
 */
export function setRegion(
  dtype: Dtype,
  chunk: Nd,
  region: readonly Region[] | null,
  value: Nd | number,
): Nd {
  const out = compactCopy(chunk, dtype);
  if (region === null) return out;
  let offset = 0;
  region.forEach((r, a) => (offset += r.start * out.stride[a]));
  const shape = region.map((r) => r.count);
  const view = ndarray(
    out.data,
    shape,
    region.map((r, a) => r.step * out.stride[a]),
    offset,
  );
  if (typeof value === 'number') {
    const v = dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
    const n = shape.length;
    const len = n === 0 ? 1 : shape[n - 1];
    const st = n === 0 ? 0 : view.stride[n - 1];
    const d = out.data;
    forRows(shape, [view], ([p]) => {
      for (let i = 0; i < len; i++, p += st) d[p] = v;
    });
    return out;
  }
  const pad = shape.length - value.shape.length;
  const src = ndarray(
    value.data,
    shape.slice(),
    shape.map((s, a) =>
      a < pad || (value.shape[a - pad] === 1 && s !== 1) ? 0 : value.stride[a - pad],
    ),
    value.offset,
  );
  const cast = dtype === 'bool' ? compactCopy(src, 'bool') : src;
  copyRegion(
    cast,
    shape.map(() => 0),
    view,
    shape.map(() => 0),
    shape,
  );
  return out;
}

/**
 * A block's shape as a block of shape `[1, ..., 1, ndim]` (for computeChunkSizes).
 *
 * @example
 * shapeBlock(chunk); // [[[3, 4]]] for a 3 x 4 chunk
 */
export function shapeBlock(chunk: Nd): Nd {
  const n = chunk.shape.length;
  const out = makeNd('float64', [...chunk.shape.map(() => 1), n]);
  chunk.shape.forEach((s, a) => (out.data[a] = s));
  return out;
}
