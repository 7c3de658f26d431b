// mapOverlap: a user function over each block extended by `depth` elements of its neighbours
// along each axis (dask.array's `map_overlap`), the result trimmed back to the block. At the
// array's edges the extension follows `boundary`: 'reflect' (mirrored, the edge element
// repeated: dask's and NumPy's 'symmetric'), 'periodic' (wrapped around), 'nearest' (the edge
// element repeated), a number (that constant), or 'none' (no extension at the edges; the default,
// as in current dask). One task per block builds the extended block from the pieces of the blocks
// it needs (any depth: a block smaller than the depth is read whole and the next one too), calls
// the function and trims, so nothing is rechunked and no overlapped array is kept. Several arrays
// of one shape are cut alike (their blocks unified) and the function gets each one's extension.
import { fnKeyPrefix, tokenize } from '@dask-ts/graph';
import { formatShape, offsets, shapeOf } from './chunks.js';
import { checkDtype } from './dtype.js';
import { arrayFns, type MapBlocksOptions } from './blockwise.js';
import type { BlockInfo, Run } from './kernels-blocks.js';
import { kernels } from './kernels.js';
import { BlockLayer, type BlockInput } from './layers.js';
import { alignArrays } from './elementwise.js';
import type { ArraySpec } from './spec.js';

/**
 * What fills the extension at an array's edge.
 *
 * @example
 * const b: Boundary = 'periodic';
 */
export type Boundary = 'reflect' | 'periodic' | 'nearest' | 'none' | number;

/**
 * Options of `mapOverlap`.
 *
 * @example
 * x.mapOverlap(smooth, { depth: 1, boundary: 'reflect' });
 */
export interface MapOverlapOptions extends Omit<
  MapBlocksOptions,
  'chunks' | 'dropAxis' | 'newAxis'
> {
  /** Elements of overlap: one number for every axis, one per axis, or by axis number. */
  readonly depth: number | readonly number[] | Readonly<Record<number, number>>;
  /** The edges' extension: one for every axis, or by axis number (default 'none'). */
  readonly boundary?: Boundary | readonly Boundary[] | Readonly<Record<number, Boundary>>;
}

function perAxis<T>(
  v: T | readonly T[] | Readonly<Record<number, T>>,
  ndim: number,
  dflt: T,
  what: string,
  isScalar: (x: unknown) => x is T,
): T[] {
  if (isScalar(v)) return new Array<T>(ndim).fill(v);
  if (Array.isArray(v)) {
    if (v.length !== ndim) {
      throw new RangeError(`mapOverlap: ${what} names ${v.length} axes, but the array has ${ndim}`);
    }
    return [...(v as T[])];
  }
  const rec = v as Readonly<Record<number, T>>;
  for (const k of Object.keys(rec)) {
    const a = Number(k);
    if (!Number.isInteger(a) || a < -ndim || a >= ndim) {
      throw new RangeError(
        `mapOverlap: ${what} axis ${k} is out of bounds for array of dimension ${ndim}`,
      );
    }
  }
  return Array.from({ length: ndim }, (_, a) => rec[a] ?? rec[a - ndim] ?? dflt);
}

const isNum = (x: unknown): x is number => typeof x === 'number';
const isBoundary = (x: unknown): x is Boundary => typeof x === 'number' || typeof x === 'string';

/** The source coordinate of extended coordinate `e` on an axis of length `n` (-1: constant). */
function source(e: number, n: number, b: Boundary): number {
  if (e >= 0 && e < n) return e;
  if (b === 'periodic') return ((e % n) + n) % n;
  if (b === 'nearest') return e < 0 ? 0 : n - 1;
  if (b === 'reflect') {
    const m = ((e % (2 * n)) + 2 * n) % (2 * n);
    return m < n ? m : 2 * n - 1 - m;
  }
  return -1;
}

/** Along one axis, for block `b`: the blocks it needs and the runs that make its extension. */
function axisPlan(
  sizes: readonly number[],
  b: number,
  depth: number,
  boundary: Boundary,
): { need: number[]; runs: Run[]; left: number } {
  const off = offsets(sizes);
  const n = off[off.length - 1];
  const none = boundary === 'none';
  const lo = none ? Math.max(0, off[b] - depth) : off[b] - depth;
  const hi = none ? Math.min(n, off[b + 1] + depth) : off[b + 1] + depth;
  const need: number[] = [];
  const runs: { slot: number; from: number; step: number; len: number; src: number }[] = [];
  let blk = 0;
  for (let e = lo; e < hi; e++) {
    const s = source(e, n, boundary);
    if (s < 0) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last.slot < 0) last.len++;
      else runs.push({ slot: -1, from: 0, step: 1, len: 1, src: -1 });
      continue;
    }
    while (s < off[blk]) blk--;
    while (s >= off[blk + 1]) blk++;
    let slot = need.indexOf(blk);
    if (slot < 0) slot = need.push(blk) - 1;
    const last = runs[runs.length - 1];
    if (last !== undefined && last.slot === slot) {
      const step = last.len === 1 ? s - last.src : last.step;
      if ((step === 1 || step === -1) && s === last.src + step) {
        last.step = step;
        last.len++;
        last.src = s;
        continue;
      }
    }
    runs.push({ slot, from: s - off[blk], step: 1, len: 1, src: s });
  }
  return {
    need,
    runs: runs.map(({ slot, from, step, len }) => ({ slot, from, step, len })),
    left: off[b] - lo,
  };
}

/**
 * `fn` over each block of `x` extended by its neighbours (see the module comment).
 *
 * @example
 * mapOverlapSpec((b) => b, x, { depth: 1, boundary: 'nearest' });
 */
export function mapOverlapSpec(
  fn: unknown,
  arrays: ArraySpec | readonly ArraySpec[],
  options: MapOverlapOptions,
): ArraySpec {
  const list = Array.isArray(arrays) ? (arrays as readonly ArraySpec[]) : [arrays as ArraySpec];
  if (list.length === 0) throw new TypeError('mapOverlap: expected at least one array');
  const shapes = list.map((a) => shapeOf(a.chunks));
  shapes.forEach((s, k) => {
    if (s.length !== shapes[0].length || s.some((v, a) => v !== shapes[0][a])) {
      throw new RangeError(
        `mapOverlap: the arrays must have one shape, but array 0 has shape ${formatShape(shapes[0])} and array ${k} has shape ${formatShape(s)}`,
      );
    }
  });
  const aligned = list.length === 1 ? list : alignArrays(list, 'mapOverlap').aligned;
  const x = aligned[0];
  const ndim = x.chunks.length;
  const shape = shapeOf(x.chunks);
  if (options === undefined || options.depth === undefined) {
    throw new TypeError('mapOverlap: options.depth is required (elements of overlap per axis)');
  }
  const depth = perAxis(options.depth, ndim, 0, 'depth', isNum);
  const boundary = perAxis(options.boundary ?? 'none', ndim, 'none', 'boundary', isBoundary);
  depth.forEach((d, a) => {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`mapOverlap: depth ${d} along axis ${a} must be a non-negative integer`);
    }
    const b = boundary[a];
    if (typeof b === 'string' && !['reflect', 'periodic', 'nearest', 'none'].includes(b)) {
      throw new RangeError(
        `mapOverlap: unknown boundary ${JSON.stringify(b)} along axis ${a}; use 'reflect', 'periodic', 'nearest', 'none' or a number`,
      );
    }
    if (d > 0 && shape[a] === 0 && b !== 'none' && typeof b !== 'number') {
      throw new RangeError(
        `mapOverlap: cannot extend the empty axis ${a} of shape ${formatShape(shape)} with boundary '${b}'`,
      );
    }
  });
  const consts = boundary.filter((b): b is number => typeof b === 'number');
  if (new Set(consts).size > 1) {
    throw new RangeError(
      `mapOverlap: constant boundaries must be one value for every axis, got ${consts.join(', ')}`,
    );
  }
  const fill = consts[0] ?? 0;
  const dtype = options.dtype === undefined ? x.dtype : checkDtype(options.dtype, 'mapOverlap');
  const f = arrayFns.arg(fn, options, 'mapOverlap');
  const plans = x.chunks.map((sizes, a) =>
    sizes.map((_, b) => axisPlan(sizes, b, depth[a], boundary[a])),
  );
  const starts = x.chunks.map(offsets);
  const needed = (idx: readonly number[]): number[][] => {
    let out: number[][] = [[]];
    idx.forEach((b, a) => {
      out = out.flatMap((p) => plans[a][b].need.map((j) => [...p, j]));
    });
    return out;
  };
  const name = `${fnKeyPrefix(fn, options) ?? 'mapOverlap'}-${tokenize(
    'mapOverlap',
    f.token,
    aligned.map((a) => a.layer.name),
    depth,
    boundary,
    dtype,
  )}`;
  const layer = new BlockLayer(
    name,
    aligned.map((a) => a.layer),
    x.chunks.map((c) => c.length),
    (idx): BlockInput[] => aligned.flatMap((_, k) => needed(idx).map((j) => [k, j] as const)),
    (idx, refs) => {
      const ps = idx.map((b, a) => plans[a][b]);
      const info: BlockInfo = {
        blockId: [...idx],
        arrayLocation: idx.map((b, a) => [starts[a][b], starts[a][b + 1]] as const),
      };
      return kernels.task('mapOverlap', [
        f.arg,
        ps.map((p) => p.runs),
        ps.map((p) => p.need.length),
        [aligned.map((a) => a.dtype), dtype],
        fill,
        ps.map((p) => p.left),
        idx.map((b, a) => x.chunks[a][b]),
        info,
        ...refs,
      ]);
    },
  );
  return { layer, chunks: x.chunks.map((c) => [...c]), dtype };
}
