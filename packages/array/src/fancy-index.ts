// Advanced indexing, NumPy's, with dask.array's rules for what is lazy. Integer arrays (known
// now, in memory) index one axis: the output is cut into runs of positions of about the input's
// block size, each reading only the input blocks its positions fall in. A boolean DaskArray mask
// of the array's shape selects elements in C order (the array and mask are flattened first, so the
// order is NumPy's even when the last axis has several blocks); a 1-d mask on a larger array
// selects along axis 0. What a mask keeps is unknown until computed: those chunk sizes are NaN, as
// in dask, until `computeChunkSizes`. `vindex` picks single elements (one integer array per
// axis). Assignment returns a new array: with a mask it is a `where`; with a basic index (slices
// and integers) only the blocks the region touches are rewritten, the value broadcast to the
// region and cut along the blocks' boundaries.
import { tokenize } from '@dask-ts/graph';
import { blockIndices, formatShape, offsets, shapeOf } from './chunks.js';
import { alignArrays, elementwise } from './elementwise.js';
import type { Region } from './kernels-fancy.js';
import { kernels } from './kernels.js';
import { requireKnownChunks } from './known-chunks.js';
import { BlockLayer, type BlockInput } from './layers.js';
import { rechunk } from './rechunk.js';
import { normalizeAxes } from './reductions.js';
import { expandDimsSpec } from './join.js';
import { broadcastTo } from './shape-more.js';
import { parseIndex, type IndexItem, type Slice } from './slicing.js';
import type { ArraySpec } from './spec.js';

/**
 * Integer positions: a list of numbers or a typed array.
 *
 * @example
 * const ix: IntIndex = [0, 5, -1];
 */
export type IntIndex = readonly number[] | ArrayLike<number>;

function positions(ix: IntIndex, n: number, axis: number, op: string): number[] {
  const out = Array.from(ix as ArrayLike<number>, (v) => {
    if (!Number.isInteger(v) || v < -n || v >= n) {
      throw new RangeError(`${op}: index ${v} is out of bounds for axis ${axis} with size ${n}`);
    }
    return v < 0 ? v + n : v;
  });
  return out;
}

/** The block holding position `i` of an axis cut at `off`. */
function blockOf(off: readonly number[], i: number): number {
  let lo = 0;
  let hi = off.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (off[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * `x` at integer positions along `axis` (NumPy's `take`).
 *
 * @example
 * take(x, [0, 2, 2, -1], 1);
 */
export function take(x: ArraySpec, ix: IntIndex, axis = 0): ArraySpec {
  requireKnownChunks(x, 'take');
  const [ax] = normalizeAxes(axis, x.chunks.length, 'take');
  const n = shapeOf(x.chunks)[ax];
  const pos = positions(ix, n, ax, 'take');
  const off = offsets(x.chunks[ax]);
  const size = Math.max(1, ...x.chunks[ax]);
  const runs: number[][] = [];
  for (let s = 0; s < pos.length; s += size) runs.push(pos.slice(s, s + size));
  if (runs.length === 0) runs.push([]);
  // Per run: the input blocks it reads, and for each the (output, local input) pairs.
  const plan = runs.map((run, r) => {
    const byBlock = new Map<number, [number, number][]>();
    run.forEach((p, k) => {
      const b = blockOf(off, p);
      let l = byBlock.get(b);
      if (l === undefined) byBlock.set(b, (l = []));
      l.push([k, p - off[b]]);
    });
    void r;
    const blocks = [...byBlock.keys()].sort((a, b) => a - b);
    return { blocks, pairs: blocks.map((b) => byBlock.get(b)!) };
  });
  const chunks = x.chunks.map((c, a) => (a === ax ? runs.map((r) => r.length) : [...c]));
  const name = `take-${tokenize(x.layer.name, pos, ax)}`;
  const layer = new BlockLayer(
    name,
    [x.layer],
    chunks.map((c) => c.length),
    (idx): BlockInput[] =>
      plan[idx[ax]].blocks.map((b) => [0, idx.map((v, a) => (a === ax ? b : v))] as const),
    (idx, refs) =>
      kernels.task('take', [
        x.dtype,
        idx.map((b, a) => chunks[a][b]),
        ax,
        plan[idx[ax]].pairs,
        ...refs,
      ]),
  );
  return { layer, chunks, dtype: x.dtype };
}

/**
 * The elements of `x` where `mask` (a DaskArray of x's shape) is non-zero, as a 1-d array of
 * unknown chunk sizes; a 1-d mask on a larger `x` selects along axis 0.
 *
 * @example
 * booleanMask(x, x.gt(0));
 */
export function booleanMask(x: ArraySpec, mask: ArraySpec): ArraySpec {
  const xs = shapeOf(x.chunks);
  const ms = shapeOf(mask.chunks);
  const rows = ms.length === 1 && xs.length > 1;
  const same =
    ms.length === xs.length && ms.every((s, a) => s === xs[a] || (s !== s && xs[a] !== xs[a]));
  if (!rows && !same) {
    throw new RangeError(
      `boolean index did not match indexed array: array of shape ${formatShape(xs)}, mask of shape ${formatShape(ms)}`,
    );
  }
  if (rows && ms[0] !== xs[0]) {
    throw new RangeError(
      `boolean index did not match indexed array along dimension 0; dimension is ${xs[0]} but corresponding boolean dimension is ${ms[0]}`,
    );
  }
  if (rows) {
    const want = x.chunks.map((c, k) => (k === 0 ? mask.chunks[0] : c));
    const a = sameCuts(want[0], x.chunks[0]) ? x : rechunk(x, want);
    const name = `mask-${tokenize(a.layer.name, mask.layer.name, rows)}`;
    const layer = new BlockLayer(
      name,
      [a.layer, mask.layer],
      a.chunks.map((c) => c.length),
      (idx) => [
        [0, idx],
        [1, [idx[0]]],
      ],
      (_idx, [r, q]) => kernels.task('maskSelect', [true, r, q]),
    );
    const chunks = a.chunks.map((c, k) => (k === 0 ? c.map(() => NaN) : [...c]));
    return { layer, chunks, dtype: x.dtype };
  }
  // One output block per band of blocks along axis 0, walked in C order (NumPy's order).
  const {
    aligned: [a, m],
  } = alignArrays([x, mask], 'mask');
  const grid = a.chunks.map((c) => c.length);
  const rest = [1, ...grid.slice(1)];
  const band = [...blockIndices(rest)];
  const name = `mask-${tokenize(a.layer.name, m.layer.name, rows)}`;
  const layer = new BlockLayer(
    name,
    [a.layer, m.layer],
    [grid[0] ?? 1],
    ([b]) => [
      ...band.map((o) => [0, xs.length === 0 ? [] : [b, ...o.slice(1)]] as const),
      ...band.map((o) => [1, xs.length === 0 ? [] : [b, ...o.slice(1)]] as const),
    ],
    (_idx, refs) => kernels.task('maskBand', [rest, band.length, ...refs]),
  );
  return {
    layer,
    chunks: [a.chunks[0] === undefined ? [NaN] : a.chunks[0].map(() => NaN)],
    dtype: x.dtype,
  };
}

function sameCuts(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i] || (s !== s && b[i] !== b[i]));
}

/**
 * Single elements of `x`: `points[a][k]` is the position along axis `a` of point `k` (one integer
 * array per axis, all of one length), as a 1-d array.
 *
 * @example
 * vindex(x, [[0, 2, 4], [1, 1, 0]]);
 */
export function vindex(x: ArraySpec, points: readonly IntIndex[]): ArraySpec {
  requireKnownChunks(x, 'vindex');
  const shape = shapeOf(x.chunks);
  if (points.length !== shape.length) {
    throw new RangeError(
      `vindex: one integer array per axis is needed: got ${points.length} for an array of shape ${formatShape(shape)}`,
    );
  }
  const pos = points.map((p, a) => positions(p, shape[a], a, 'vindex'));
  const n = pos.length === 0 ? 0 : pos[0].length;
  pos.forEach((p, a) => {
    if (p.length !== n) {
      throw new RangeError(
        `vindex: shape mismatch: indexing arrays could not be broadcast together with shapes (${n},) and (${p.length},) (axis ${a})`,
      );
    }
  });
  const offs = x.chunks.map(offsets);
  const size = Math.max(1, ...x.chunks.map((c) => Math.max(...c)));
  const runs: { start: number; count: number }[] = [];
  for (let s = 0; s < n; s += size) runs.push({ start: s, count: Math.min(size, n - s) });
  if (runs.length === 0) runs.push({ start: 0, count: 0 });
  const plan = runs.map(({ start, count }) => {
    const byBlock = new Map<string, { block: number[]; pts: [number, number[]][] }>();
    for (let k = 0; k < count; k++) {
      const coord = pos.map((p) => p[start + k]);
      const block = coord.map((c, a) => blockOf(offs[a], c));
      const key = block.join(',');
      let e = byBlock.get(key);
      if (e === undefined) byBlock.set(key, (e = { block, pts: [] }));
      e.pts.push([k, coord.map((c, a) => c - offs[a][block[a]])]);
    }
    return [...byBlock.values()];
  });
  const chunks = [runs.map((r) => r.count)];
  const name = `vindex-${tokenize(x.layer.name, pos)}`;
  const layer = new BlockLayer(
    name,
    [x.layer],
    [runs.length],
    ([r]): BlockInput[] => plan[r].map((e) => [0, e.block] as const),
    ([r], refs) =>
      kernels.task('vindexPick', [x.dtype, runs[r].count, plan[r].map((e) => e.pts), ...refs]),
  );
  return { layer, chunks, dtype: x.dtype };
}

/** A basic index as a region per axis (integers as length-1 slices) and the region's shape. */
function regionOf(
  x: ArraySpec,
  index: readonly IndexItem[],
): { regions: Region[]; valueShape: number[]; intAxes: number[] } {
  const shape = shapeOf(x.chunks);
  const ndim = shape.length;
  if (index.some((i) => i === null)) {
    throw new TypeError('set: new axes (null) cannot be assigned to');
  }
  const used = index.filter((i) => i !== '...').length;
  if (used > ndim) {
    throw new RangeError(
      `set: too many indices for array: array of shape ${formatShape(shape)} is ${ndim}-dimensional, but ${used} were indexed`,
    );
  }
  const items: (number | Slice)[] = [];
  for (const it of index) {
    if (it === '...') for (let k = 0; k < ndim - used; k++) items.push({});
    else items.push(it as number | Slice);
  }
  while (items.length < ndim) items.push({});
  const regions: Region[] = [];
  const valueShape: number[] = [];
  const intAxes: number[] = [];
  items.forEach((it, a) => {
    const n = shape[a];
    if (typeof it === 'number') {
      if (!Number.isInteger(it) || it < -n || it >= n) {
        throw new RangeError(`set: index ${it} is out of bounds for axis ${a} with size ${n}`);
      }
      regions.push({ start: it < 0 ? it + n : it, step: 1, count: 1 });
      intAxes.push(a);
      return;
    }
    const step = it.step ?? 1;
    if (!Number.isInteger(step) || step === 0) {
      throw new RangeError(`set: slice step along axis ${a} cannot be ${step}`);
    }
    const norm = (v: number | null | undefined, d: number, lo: number, hi: number): number =>
      v === null || v === undefined ? d : Math.min(hi, Math.max(lo, v < 0 ? v + n : v));
    let start: number;
    let count: number;
    if (step > 0) {
      start = norm(it.start, 0, 0, n);
      count = Math.max(0, Math.ceil((norm(it.stop, n, 0, n) - start) / step));
    } else {
      start = norm(it.start, n - 1, -1, n - 1);
      count = Math.max(0, Math.ceil((start - norm(it.stop, -1, -1, n - 1)) / -step));
    }
    regions.push({ start, step, count });
    valueShape.push(count);
  });
  return { regions, valueShape, intAxes };
}

/**
 * `x` with the elements at a basic index (a string or items: slices and integers) replaced by
 * `value` (a number, or an array broadcast to the indexed shape), a new array.
 *
 * @example
 * setBasic(x, parseIndex('0:2, ::2'), 0);
 */
export function setBasic(
  x: ArraySpec,
  index: string | readonly IndexItem[],
  value: ArraySpec | number,
): ArraySpec {
  requireKnownChunks(x, 'set');
  const items = typeof index === 'string' ? parseIndex(index) : index;
  const { regions, valueShape, intAxes } = regionOf(x, items);
  const offs = x.chunks.map(offsets);
  // Along each axis: for every block, its local region and the range of region positions in it.
  const perAxis = regions.map((r, a) =>
    x.chunks[a].map((_, b) => {
      const lo = offs[a][b];
      const hi = offs[a][b + 1];
      let k0: number;
      let k1: number;
      if (r.step > 0) {
        k0 = Math.max(0, Math.ceil((lo - r.start) / r.step));
        k1 = Math.min(r.count - 1, Math.ceil((hi - r.start) / r.step) - 1);
      } else {
        k0 = Math.max(0, Math.floor((r.start - hi) / -r.step) + 1);
        k1 = Math.min(r.count - 1, Math.floor((r.start - lo) / -r.step));
      }
      return k0 <= k1
        ? { local: { start: r.start + k0 * r.step - lo, step: r.step, count: k1 - k0 + 1 }, k0 }
        : null;
    }),
  );
  // The touched blocks of an axis in the order of the region's positions (reversed by a
  // negative step).
  const order = (bs: readonly ({ k0: number } | null)[]): number[] =>
    bs
      .map((p, b) => (p === null ? -1 : b))
      .filter((b) => b >= 0)
      .sort((a, b) => bs[a]!.k0 - bs[b]!.k0);
  const touched = (idx: readonly number[]): boolean => idx.every((b, a) => perAxis[a][b] !== null);
  let v: ArraySpec | null = null;
  if (typeof value !== 'number') {
    // The value broadcast to the region's shape (integer axes as length 1), cut where the blocks
    // cut the region.
    let full = broadcastTo(value, valueShape);
    for (const a of intAxes) full = expandDimsSpec(full, a, 'set');
    const cuts = perAxis.map((bs) => {
      const sizes = order(bs).map((b) => bs[b]!.local.count);
      return sizes.length === 0 ? [0] : sizes;
    });
    v = rechunk(full, cuts);
  }
  // The value's block along an axis: the rank of the block among the touched ones.
  const rank = perAxis.map((bs) => {
    const out = bs.map(() => -1);
    order(bs).forEach((b, k) => (out[b] = k));
    return out;
  });
  const name = `set-${tokenize(x.layer.name, regions, typeof value === 'number' ? value : value.layer.name)}`;
  const deps = v === null ? [x.layer] : [x.layer, v.layer];
  const layer = new BlockLayer(
    name,
    deps,
    x.chunks.map((c) => c.length),
    (idx): BlockInput[] =>
      v !== null && touched(idx)
        ? [
            [0, idx],
            [1, idx.map((b, a) => rank[a][b])],
          ]
        : [[0, idx]],
    (idx, refs) => {
      const region = touched(idx) ? idx.map((b, a) => perAxis[a][b]!.local) : null;
      const val = typeof value === 'number' ? value : region === null ? 0 : refs[1];
      return kernels.task('setRegion', [x.dtype, refs[0], region, val]);
    },
  );
  return { layer, chunks: x.chunks.map((c) => [...c]), dtype: x.dtype };
}

/**
 * `x` with the elements where `mask` is non-zero replaced by `value` (broadcast), a new array of
 * x's dtype.
 *
 * @example
 * setMask(x, x.lt(0), 0);
 */
export function setMask(x: ArraySpec, mask: ArraySpec, value: ArraySpec | number): ArraySpec {
  const ms = shapeOf(mask.chunks);
  const xs = shapeOf(x.chunks);
  if (ms.length > xs.length || ms.some((s, a) => s !== xs[a + xs.length - ms.length] && s !== 1)) {
    throw new RangeError(
      `set: boolean index did not match indexed array: array of shape ${formatShape(xs)}, mask of shape ${formatShape(ms)}`,
    );
  }
  return elementwise('where', [mask, value, x], x.dtype);
}

/**
 * An array of the block shapes of `x`: block `idx` is `[1, ..., 1, ndim]` holding the shape of
 * block `idx` of `x` (what `computeChunkSizes` computes).
 *
 * @example
 * blockShapes(x);
 */
export function blockShapes(x: ArraySpec): ArraySpec {
  const ndim = x.chunks.length;
  const grid = x.chunks.map((c) => c.length);
  const layer = new BlockLayer(
    `chunk-sizes-${tokenize(x.layer.name)}`,
    [x.layer],
    [...grid, 1],
    (idx) => [[0, idx.slice(0, ndim)]],
    (_idx, [r]) => kernels.task('shapeBlock', [r]),
  );
  return {
    layer,
    chunks: [...grid.map((n) => new Array<number>(n).fill(1)), [ndim]],
    dtype: 'float64',
  };
}
