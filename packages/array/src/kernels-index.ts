// The kernels that move elements without computing on them: slicing a block (a strided view,
// copied compact), transposing, reshaping, gathering a block from pieces of others (rechunk),
// and assembling a whole array from its blocks (what `compute` returns). Every result is a
// compact chunk owning its buffer (see nd.ts).
import ndarray from 'ndarray';
import type { Dtype } from './dtype.js';
import { compactCopy, copyRegion, isCompact, lendView, makeNd, type Nd } from './nd.js';

/**
 * How one input axis of a block is indexed: an integer (the axis is dropped), a slice of `count`
 * elements from `start` by `step`, or (not an input axis) a new axis of length 1.
 *
 * @example
 * const spec: readonly AxisIndex[] = [{ start: 4, step: -2, count: 3 }, 0, null];
 */
export type AxisIndex =
  number | { readonly start: number; readonly step: number; readonly count: number } | null;

/**
 * Indexes one block (see {@link AxisIndex}); `spec` lists the input axes in order, with the new
 * axes where they go in the output.
 *
 * @example
 * getitem(chunk, [{ start: 0, step: 2, count: 5 }, 3]);
 */
export function getitem(chunk: Nd, spec: readonly AxisIndex[]): Nd {
  const shape: number[] = [];
  const stride: number[] = [];
  let offset = chunk.offset;
  let axis = 0;
  for (const s of spec) {
    if (s === null) {
      shape.push(1);
      stride.push(0);
      continue;
    }
    const st = chunk.stride[axis++];
    if (typeof s === 'number') {
      offset += s * st;
      continue;
    }
    offset += s.start * st;
    shape.push(s.count);
    stride.push(s.step * st);
  }
  return compactCopy(ndarray(chunk.data, shape, stride, offset));
}

/**
 * A block with its axes permuted (`axes[i]` is the input axis that becomes axis `i`).
 *
 * @example
 * transpose(chunk, [1, 0]);
 */
export function transpose(chunk: Nd, axes: readonly number[]): Nd {
  const view = chunk.transpose(...axes);
  return view.shape.length === 2 ? tiledCopy2d(view) : compactCopy(view);
}

const TILE = 64;

/**
 * A compact copy of a 2-d view, tile by tile: a transposed view read row by row jumps a whole
 * row of the source per element, and tiles keep those rows in cache.
 */
function tiledCopy2d(v: Nd): Nd {
  const [rows, cols] = v.shape;
  const [s0, s1] = v.stride;
  const src = v.data;
  const out = ndarray(new (src.constructor as new (n: number) => typeof src)(rows * cols), [
    rows,
    cols,
  ]);
  const d = out.data;
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(rows, i0 + TILE);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        let p = v.offset + i * s0 + j0 * s1;
        let q = i * cols + j0;
        for (let j = j0; j < j1; j++, p += s1) d[q++] = src[p];
      }
    }
  }
  return out;
}

/**
 * A block with another shape of the same size (C order).
 *
 * @example
 * reshape(chunk, [2, 6]);
 */
export function reshape(chunk: Nd, shape: readonly number[]): Nd {
  const c = compactCopy(chunk);
  return ndarray(c.data, shape.slice());
}

/**
 * One piece of a gathered block: the box of `extent` at `from` in chunk `c` goes to `to`.
 *
 * @example
 * const piece: Piece = { c: chunk, from: [0, 5], to: [0, 0], extent: [10, 5] };
 */
export interface Piece {
  readonly c: Nd;
  readonly from: readonly number[];
  readonly to: readonly number[];
  readonly extent: readonly number[];
}

/**
 * The box of `extent` at `start` in `chunk`, as a view without copying (a rechunk's split piece;
 * see nd.ts for why its buffer is then never transferred).
 *
 * @example
 * split(block, [0, 512], [1024, 512]);
 */
export function split(chunk: Nd, start: readonly number[], extent: readonly number[]): Nd {
  return lendView(chunk, start, extent);
}

/**
 * A block of `shape` and `dtype` gathered from pieces of other blocks (rechunk).
 *
 * @example
 * gather('float64', [10, 10], [piece0, piece1]);
 */
export function gather(dtype: Dtype, shape: readonly number[], pieces: readonly Piece[]): Nd {
  const out = makeNd(dtype, shape);
  for (const p of pieces) {
    if (p.c.data.length === 0 && p.extent.every((e) => e > 0)) {
      throw new Error(
        `rechunk: a piece of shape (${p.extent.join(', ')}) has no data (its buffer was detached)`,
      );
    }
    copyRegion(p.c, p.from, out, p.to, p.extent);
  }
  return out;
}

/**
 * The whole array from its blocks in C order (`chunks` as dask gives them); a 0-d array gives its
 * number (or boolean, for dtype bool). A single compact block is returned as it is only with
 * `share` (in the caller's thread): in a worker, which may still hold the block, a copy, so that
 * handing the result's buffer over never detaches a block the worker keeps.
 *
 * @example
 * assemble([b00, b01], [[2], [3, 3]], 'float64'); // a 2 x 6 ndarray
 */
export function assemble(
  blocks: readonly Nd[],
  chunks: readonly (readonly number[])[],
  dtype: Dtype,
  share = false,
): Nd | number | boolean {
  if (chunks.length === 0) {
    const b = blocks[0];
    const v = b.data[b.offset];
    return dtype === 'bool' ? v !== 0 : v;
  }
  if (blocks.length === 1)
    return share && isCompact(blocks[0]) ? blocks[0] : compactCopy(blocks[0]);
  if (chunks.some((c) => c.some((s) => s !== s))) chunks = actualChunks(blocks, chunks);
  const shape = chunks.map((c) => c.reduce((a, b) => a + b, 0));
  const out = makeNd(dtype, shape);
  const starts = chunks.map((c) => {
    const o = [0];
    for (const s of c) o.push(o[o.length - 1] + s);
    return o;
  });
  const idx = chunks.map(() => 0);
  for (const b of blocks) {
    copyRegion(
      b,
      b.shape.map(() => 0),
      out,
      idx.map((i, axis) => starts[axis][i]),
      b.shape,
    );
    for (let axis = idx.length - 1; axis >= 0; axis--) {
      if (++idx[axis] < chunks[axis].length) break;
      idx[axis] = 0;
    }
  }
  return out;
}

/** The chunks the blocks (C order over the grid of `chunks`) actually have (unknown sizes, NaN). */
function actualChunks(blocks: readonly Nd[], chunks: readonly (readonly number[])[]): number[][] {
  const grid = chunks.map((c) => c.length);
  const strides = grid.map((_, a) => grid.slice(a + 1).reduce((p, q) => p * q, 1));
  return grid.map((n, a) => Array.from({ length: n }, (_, i) => blocks[i * strides[a]].shape[a]));
}
