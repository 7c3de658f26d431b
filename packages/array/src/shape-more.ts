// More shape operations, NumPy's, built on slicing, transpose, reshape and concatenation where
// they can be (so the optimizer's culling reaches through them): squeeze, expandDims, swapaxes,
// moveaxis, ravel, flip, roll, tile and pad; broadcastTo and repeat have kernels of their own.
// Errors are NumPy's words, naming the shapes and axes.
import { tokenize } from '@dask-ts/graph';
import { blockShape, formatShape, shapeOf } from './chunks.js';
import { fullSpec } from './creation.js';
import { broadcastShapes } from './elementwise.js';
import { concatenateSpecs, expandDimsSpec } from './join.js';
import { kernels } from './kernels.js';
import { requireKnownChunks } from './known-chunks.js';
import { BlockLayer } from './layers.js';
import { normalizeAxes } from './reductions.js';
import { reshape, transpose } from './shape-ops.js';
import { getitem, type IndexItem } from './slicing.js';
import type { ArraySpec } from './spec.js';

const list = (v: number | readonly number[]): number[] => (typeof v === 'number' ? [v] : [...v]);

/**
 * `x` without the length-1 axes named (all of them by default).
 *
 * @example
 * squeeze(x, 0);
 */
export function squeeze(x: ArraySpec, axis?: number | readonly number[]): ArraySpec {
  requireKnownChunks(x, 'squeeze');
  const shape = shapeOf(x.chunks);
  const axes =
    axis === undefined
      ? shape.flatMap((s, a) => (s === 1 ? [a] : []))
      : normalizeAxes(axis, shape.length, 'squeeze');
  for (const a of axes) {
    if (shape[a] !== 1) {
      throw new RangeError(
        `squeeze: cannot select an axis to squeeze out which has size not equal to one (axis ${a} of shape ${formatShape(shape)})`,
      );
    }
  }
  if (axes.length === 0) return x;
  return getitem(
    x,
    shape.map((_, a) => (axes.includes(a) ? 0 : {})),
  );
}

/**
 * `x` with new axes of length 1 at the positions named (positions in the result).
 *
 * @example
 * expandDims(x, [0, -1]);
 */
export function expandDims(x: ArraySpec, axis: number | readonly number[]): ArraySpec {
  requireKnownChunks(x, 'expandDims');
  const axes = list(axis);
  const ndim = x.chunks.length + axes.length;
  const pos = normalizeAxes(axes, ndim, 'expandDims');
  let out = x;
  for (const a of pos) out = expandDimsSpec(out, a);
  return out;
}

/**
 * `x` with axes `a` and `b` swapped.
 *
 * @example
 * swapaxes(x, 0, 2);
 */
export function swapaxes(x: ArraySpec, a: number, b: number): ArraySpec {
  const ndim = x.chunks.length;
  const [i] = normalizeAxes(a, ndim, 'swapaxes');
  const [j] = normalizeAxes(b, ndim, 'swapaxes');
  const perm = x.chunks.map((_, k) => (k === i ? j : k === j ? i : k));
  return transpose(x, perm);
}

/**
 * `x` with axes `source` moved to positions `destination` (the others keep their order).
 *
 * @example
 * moveaxis(x, 0, -1);
 */
export function moveaxis(
  x: ArraySpec,
  source: number | readonly number[],
  destination: number | readonly number[],
): ArraySpec {
  const ndim = x.chunks.length;
  const src = list(source).map((a) => normalizeAxes(a, ndim, 'moveaxis')[0]);
  const dst = list(destination).map((a) => normalizeAxes(a, ndim, 'moveaxis')[0]);
  if (src.length !== dst.length) {
    throw new RangeError(
      '`source` and `destination` arguments must have the same number of elements',
    );
  }
  if (new Set(src).size !== src.length || new Set(dst).size !== dst.length) {
    throw new RangeError(`moveaxis: repeated axis in source [${src}] or destination [${dst}]`);
  }
  const rest = x.chunks.map((_, a) => a).filter((a) => !src.includes(a));
  const perm = new Array<number>(ndim).fill(-1);
  dst.forEach((d, k) => (perm[d] = src[k]));
  let r = 0;
  for (let a = 0; a < ndim; a++) if (perm[a] < 0) perm[a] = rest[r++];
  return transpose(x, perm);
}

/**
 * `x` flattened (C order).
 *
 * @example
 * ravel(x);
 */
export function ravel(x: ArraySpec): ArraySpec {
  if (x.chunks.length === 1) return x;
  requireKnownChunks(x, 'ravel');
  return reshape(x, [-1]);
}

/**
 * `x` with the order of elements reversed along `axis` (every axis by default).
 *
 * @example
 * flip(x, 0);
 */
export function flip(x: ArraySpec, axis?: number | readonly number[]): ArraySpec {
  requireKnownChunks(x, 'flip');
  const axes = normalizeAxes(axis, x.chunks.length, 'flip');
  const items: IndexItem[] = x.chunks.map((_, a) => (axes.includes(a) ? { step: -1 } : {}));
  return getitem(x, items);
}

/**
 * `x` with its elements shifted by `shift` along `axis`, wrapping around (the flattened array
 * when no axis is given).
 *
 * @example
 * roll(x, 2, 0);
 */
export function roll(
  x: ArraySpec,
  shift: number | readonly number[],
  axis?: number | readonly number[],
): ArraySpec {
  requireKnownChunks(x, 'roll');
  if (axis === undefined) {
    if (typeof shift !== 'number') throw new TypeError('roll: one shift without an axis');
    const shape = shapeOf(x.chunks);
    return reshape(roll(ravel(x), shift, 0), shape);
  }
  const shifts = list(shift);
  const axes = list(axis).map((a) => normalizeAxes(a, x.chunks.length, 'roll')[0]);
  const pairs =
    shifts.length === axes.length
      ? axes.map((a, k) => [a, shifts[k]] as const)
      : shifts.length === 1
        ? axes.map((a) => [a, shifts[0]] as const)
        : axes.length === 1
          ? shifts.map((s) => [axes[0], s] as const)
          : null;
  if (pairs === null) {
    throw new RangeError(
      `roll: 'shift' and 'axis' should be scalars or 1D sequences of one length`,
    );
  }
  let out = x;
  const shape = shapeOf(x.chunks);
  for (const [a, s] of pairs) {
    if (!Number.isInteger(s)) throw new TypeError(`roll: shift ${s} must be an integer`);
    const n = shape[a];
    const k = n === 0 ? 0 : ((s % n) + n) % n;
    if (k === 0) continue;
    const cut = (start: number | null, stop: number | null): ArraySpec =>
      getitem(
        out,
        shape.map((_, b) => (b === a ? { start, stop } : {})),
      );
    out = concatenateSpecs([cut(n - k, null), cut(null, n - k)], a, 'roll');
  }
  return out;
}

/**
 * `x` broadcast to `shape` (NumPy's rules); new and stretched axes are one block each.
 *
 * @example
 * broadcastTo(row, [1000, 3]);
 */
export function broadcastTo(x: ArraySpec, shape: readonly number[]): ArraySpec {
  requireKnownChunks(x, 'broadcastTo');
  const from = shapeOf(x.chunks);
  const pad = shape.length - from.length;
  const ok =
    pad >= 0 &&
    shape.every((s) => Number.isInteger(s) && s >= 0) &&
    from.every((s, a) => s === shape[a + pad] || s === 1);
  if (!ok) {
    throw new RangeError(
      `broadcastTo: operands could not be broadcast together with remapped shapes [original->remapped]: ${formatShape(from)} and requested shape ${formatShape(shape)}`,
    );
  }
  if (pad === 0 && from.every((s, a) => s === shape[a])) return x;
  const chunks = shape.map((s, a) =>
    a < pad || (from[a - pad] === 1 && s !== 1) ? [s] : [...x.chunks[a - pad]],
  );
  const name = `broadcastTo-${tokenize(x.layer.name, shape)}`;
  const layer = new BlockLayer(
    name,
    [x.layer],
    chunks.map((c) => c.length),
    (idx) => [[0, from.map((s, a) => (s === 1 && shape[a + pad] !== 1 ? 0 : idx[a + pad]))]],
    (idx, [r]) => kernels.task('broadcastBlock', [r, blockShape(chunks, idx)]),
  );
  return { layer, chunks, dtype: x.dtype };
}

/**
 * Each element repeated `repeats` times along `axis` (of the flattened array without one).
 *
 * @example
 * repeat(x, 3, 1);
 */
export function repeat(x: ArraySpec, repeats: number, axis?: number): ArraySpec {
  requireKnownChunks(x, 'repeat');
  if (!Number.isInteger(repeats) || repeats < 0) {
    throw new RangeError(`repeat: repeats must be a non-negative integer, got ${repeats}`);
  }
  if (axis === undefined) return repeat(ravel(x), repeats, 0);
  const [a] = normalizeAxes(axis, x.chunks.length, 'repeat');
  if (repeats === 1) return x;
  const chunks = x.chunks.map((c, b) => (b === a ? c.map((s) => s * repeats) : [...c]));
  const name = `repeat-${tokenize(x.layer.name, repeats, a)}`;
  const layer = new BlockLayer(
    name,
    [x.layer],
    chunks.map((c) => c.length),
    (idx) => [[0, idx]],
    (_idx, [r]) => kernels.task('repeatBlock', [r, a, repeats]),
  );
  return { layer, chunks, dtype: x.dtype };
}

/**
 * `x` repeated `reps` times along each axis (NumPy's `tile`: `reps` is aligned on the right, and
 * `x` gains leading axes when `reps` is longer).
 *
 * @example
 * tile(x, [2, 3]);
 */
export function tile(x: ArraySpec, reps: number | readonly number[]): ArraySpec {
  requireKnownChunks(x, 'tile');
  const r = list(reps);
  if (r.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new RangeError(`tile: reps must be non-negative integers, got [${r.join(', ')}]`);
  }
  let out = x;
  while (out.chunks.length < r.length) out = expandDimsSpec(out, 0, 'tile');
  const ndim = out.chunks.length;
  const full = [...new Array<number>(ndim - r.length).fill(1), ...r];
  full.forEach((k, a) => {
    if (k === 1) return;
    if (k === 0) {
      out = getitem(
        out,
        out.chunks.map((_, b) => (b === a ? { stop: 0 } : {})),
      );
      return;
    }
    out = concatenateSpecs(new Array<ArraySpec>(k).fill(out), a, 'tile');
  });
  return out;
}

/**
 * How much to pad: one width for every side, `[before, after]` for every axis, or one pair per
 * axis (NumPy's `pad_width`).
 *
 * @example
 * const w: PadWidth = [[1, 2], [0, 3]];
 */
export type PadWidth = number | readonly [number, number] | readonly (readonly [number, number])[];

/**
 * `x` padded along every axis: with `constantValue` (mode 'constant', default 0) or with copies
 * of the edge element (mode 'edge').
 *
 * @example
 * pad(x, [[1, 1], [0, 2]], 'constant', 0);
 */
export function pad(
  x: ArraySpec,
  width: PadWidth,
  mode: 'constant' | 'edge' = 'constant',
  constantValue = 0,
): ArraySpec {
  requireKnownChunks(x, 'pad');
  const ndim = x.chunks.length;
  const widths: (readonly [number, number])[] =
    typeof width === 'number'
      ? x.chunks.map(() => [width, width] as const)
      : typeof width[0] === 'number'
        ? x.chunks.map(() => width as readonly [number, number])
        : [...(width as readonly (readonly [number, number])[])];
  if (
    widths.length !== ndim ||
    widths.some(
      (w) => !Array.isArray(w) || w.length !== 2 || w.some((v) => !Number.isInteger(v) || v < 0),
    )
  ) {
    throw new RangeError(
      `pad: pad_width ${JSON.stringify(width)} must be non-negative integers: one, a pair, or one pair for each of the ${ndim} axes`,
    );
  }
  if (mode !== 'constant' && mode !== 'edge') {
    throw new RangeError(`pad: mode '${String(mode)}' is not supported; use 'constant' or 'edge'`);
  }
  let out = x;
  widths.forEach(([before, after], a) => {
    if (before === 0 && after === 0) return;
    const shape = shapeOf(out.chunks);
    if (mode === 'edge' && shape[a] === 0) {
      throw new RangeError(`pad: can't extend empty axis ${a} using modes other than 'constant'`);
    }
    const side = (w: number, atEnd: boolean): ArraySpec => {
      const s = shape.map((v, b) => (b === a ? w : v));
      if (mode === 'constant') {
        const chunks = out.chunks.map((c, b) => (b === a ? [w] : c));
        return fullSpec(s, constantValue, { dtype: out.dtype, chunks }, 'pad');
      }
      const edge = getitem(
        out,
        shape.map((_, b) => (b === a ? { start: atEnd ? -1 : 0, stop: atEnd ? null : 1 } : {})),
      );
      return repeat(edge, w, a);
    };
    const parts = [
      ...(before > 0 ? [side(before, false)] : []),
      out,
      ...(after > 0 ? [side(after, true)] : []),
    ];
    out = concatenateSpecs(parts, a, 'pad');
  });
  return out;
}

/**
 * The shape every operand broadcasts to (NumPy's `broadcast_shapes`).
 *
 * @example
 * broadcastShapesOf([[3, 1], [4]]); // [3, 4]
 */
export function broadcastShapesOf(shapes: readonly (readonly number[])[]): number[] {
  return broadcastShapes(shapes, 'broadcastShapes');
}
