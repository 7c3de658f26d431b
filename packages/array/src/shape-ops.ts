// transpose and reshape. transpose permutes the block grid and each block. reshape works group by
// group of axes whose lengths multiply to the same number on both sides: a block maps to one
// block when, in each group, only the first input axis is cut into several blocks and the cuts
// fall on whole rows of the output (dask.array's rule). Otherwise the array is first rechunked
// so that they do (the group's later axes whole, the first axis cut at multiples of the row).
import { tokenize } from '@dask-ts/graph';
import { blockShape, formatShape, shapeOf } from './chunks.js';
import { kernels } from './kernels.js';
import { BlockLayer } from './layers.js';
import { rechunk } from './rechunk.js';
import type { ArraySpec } from './spec.js';

/**
 * `x` with its axes permuted: axis `i` of the result is axis `axes[i]` of `x` (default: reversed).
 *
 * @example
 * transpose(x, [1, 0]);
 */
export function transpose(x: ArraySpec, axes?: readonly number[]): ArraySpec {
  const ndim = x.chunks.length;
  const perm =
    axes === undefined
      ? x.chunks.map((_, i) => ndim - 1 - i)
      : axes.map((a) => (a < 0 ? a + ndim : a));
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== ndim || sorted.some((a, i) => a !== i)) {
    throw new RangeError(
      `transpose: axes [${(axes ?? []).join(', ')}] are not a permutation of the ${ndim} axes of an array of shape ${formatShape(shapeOf(x.chunks))}`,
    );
  }
  if (perm.every((a, i) => a === i)) return x;
  const chunks = perm.map((a) => x.chunks[a]);
  const name = `transpose-${tokenize(x.layer.name, perm)}`;
  const layer = new BlockLayer(
    name,
    [x.layer],
    chunks.map((c) => c.length),
    (idx) => {
      const j = new Array<number>(ndim);
      perm.forEach((a, i) => (j[a] = idx[i]));
      return [[0, j]];
    },
    (_idx, [r]) => kernels.task('transpose', [r, perm]),
  );
  return { layer, chunks, dtype: x.dtype };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** Groups of input and output axes whose lengths have equal products (all lengths > 0). */
function groups(
  from: readonly number[],
  to: readonly number[],
): { ins: number[]; outs: number[] }[] {
  const out: { ins: number[]; outs: number[] }[] = [];
  let i = 0;
  let j = 0;
  while (i < from.length || j < to.length) {
    const ins: number[] = [];
    const outs: number[] = [];
    let pi = 1;
    let po = 1;
    if (i < from.length) pi *= from[(ins.push(i), i++)];
    if (j < to.length) po *= to[(outs.push(j), j++)];
    while (pi !== po) {
      if (pi < po && i < from.length) pi *= from[(ins.push(i), i++)];
      else if (po < pi && j < to.length) po *= to[(outs.push(j), j++)];
      else break;
    }
    out.push({ ins, outs });
  }
  return out;
}

/**
 * `x` with shape `shape` (one entry may be -1: inferred), same elements in C order.
 *
 * @example
 * reshape(x, [-1, 4]);
 */
export function reshape(x: ArraySpec, shape: readonly number[]): ArraySpec {
  const from = shapeOf(x.chunks);
  const size = prod(from);
  const unknown = shape.filter((s) => s === -1).length;
  const known = prod(shape.filter((s) => s !== -1));
  const to =
    unknown === 1 && known > 0 && size % known === 0
      ? shape.map((s) => (s === -1 ? size / known : s))
      : [...shape];
  if (unknown > 1 || to.some((s) => !Number.isInteger(s) || s < 0) || prod(to) !== size) {
    throw new RangeError(
      `reshape: cannot reshape array of size ${size} (shape ${formatShape(from)}) into shape ${formatShape(shape)}`,
    );
  }
  if (to.length === from.length && to.every((s, i) => s === from[i])) return x;
  if (size === 0) {
    throw new RangeError(
      `reshape: reshaping an empty array (shape ${formatShape(from)}) is not supported`,
    );
  }
  const gs = groups(from, to);
  // Make every group align: later input axes whole, the first cut at multiples of the row.
  const want: (number | readonly number[])[] = x.chunks.map((c) => c);
  let changed = false;
  for (const g of gs) {
    if (g.ins.length === 0) continue;
    const [first, ...rest] = g.ins;
    const a = prod(rest.map((i) => from[i]));
    const b = prod(g.outs.slice(1).map((j) => to[j]));
    const q = b / gcd(a, b);
    for (const i of rest) {
      if (x.chunks[i].length > 1) {
        want[i] = -1;
        changed = true;
      }
    }
    if (x.chunks[first].some((c) => c % q !== 0) && x.chunks[first].length > 1) {
      want[first] = Math.max(q, Math.floor(x.chunks[first][0] / q) * q);
      changed = true;
    }
  }
  const src = changed ? rechunk(x, want) : x;
  // Output chunks: per group, the first output axis follows the first input axis' blocks.
  const chunks: number[][] = to.map((s) => [s]);
  const source: number[] = to.map(() => -1);
  for (const g of gs) {
    if (g.ins.length === 0 || g.outs.length === 0) continue;
    const [first, ...rest] = g.ins;
    const a = prod(rest.map((i) => from[i]));
    const b = prod(g.outs.slice(1).map((j) => to[j]));
    chunks[g.outs[0]] = src.chunks[first].map((c) => (c * a) / b);
    source[g.outs[0]] = first;
  }
  const name = `reshape-${tokenize(src.layer.name, to)}`;
  const inputs = (idx: readonly number[]): number[] => {
    const j = from.map(() => 0);
    source.forEach((i, o) => {
      if (i >= 0) j[i] = idx[o];
    });
    return j;
  };
  const layer = new BlockLayer(
    name,
    [src.layer],
    chunks.map((c) => c.length),
    (idx) => [[0, inputs(idx)]],
    (idx, [r]) => kernels.task('reshape', [r, blockShape(chunks, idx)]),
  );
  return { layer, chunks, dtype: x.dtype };
}
