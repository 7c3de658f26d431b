// Chunk grids: how an array's axes are cut into blocks (dask's `chunks`: per axis, the sizes of
// its blocks), what users may pass (`normalizeChunks`), and the arithmetic the operations share
// (block offsets, block counts, the union of two cuttings). An axis of length 0 has one empty
// block, so every array has at least one block. 'auto' aims at blocks of about 128 MiB, cut as
// evenly as the axes allow (Dask's default `array.chunk-size`).

/**
 * Per-axis block sizes, as in dask: `chunks[axis][i]` is the length of block `i` along `axis`.
 *
 * @example
 * const c: Chunks = [[2, 2, 1], [3]]; // a 5 x 3 array in 3 x 1 blocks
 */
export type Chunks = readonly (readonly number[])[];

/**
 * What a user may give as chunks: one block size for every axis, one per axis (a size, `-1` for
 * the whole axis, or the explicit list of block sizes), or `'auto'`.
 *
 * @example
 * const a: ChunksLike = 1000;
 * const b: ChunksLike = [100, -1];
 * const c: ChunksLike = [[60, 40], 'auto'];
 */
export type ChunksLike = number | 'auto' | readonly (number | 'auto' | readonly number[])[];

/** The target block size of 'auto', in bytes (Dask's default `array.chunk-size`). */
export const AUTO_BYTES = 128 * 1024 * 1024;

function fmt(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/**
 * A shape as NumPy prints it, for messages.
 *
 * @example
 * formatShape([3]); // '(3,)'
 */
export function formatShape(shape: readonly number[]): string {
  return fmt(shape);
}

/** Blocks of `size` along an axis of length `n` (the last one shorter). */
function regular(n: number, size: number): number[] {
  if (n === 0) return [0];
  const out: number[] = [];
  for (let s = 0; s < n; s += size) out.push(Math.min(size, n - s));
  return out;
}

/**
 * The chunks of an array of `shape` and `itemsize` bytes per element cut as `chunks` says,
 * checked (sizes are positive integers, explicit lists add up to the axis).
 *
 * @example
 * normalizeChunks([5, 3], [2, -1], 8); // [[2, 2, 1], [3]]
 */
export function normalizeChunks(
  shape: readonly number[],
  chunks: ChunksLike,
  itemsize: number,
  op = 'chunks',
): number[][] {
  const perAxis: readonly (number | 'auto' | readonly number[])[] =
    typeof chunks === 'number' || chunks === 'auto' ? shape.map(() => chunks) : chunks;
  if (!Array.isArray(perAxis) || perAxis.length !== shape.length) {
    throw new RangeError(
      `${op}: chunks ${JSON.stringify(chunks)} do not match the ${shape.length} axes of shape ${fmt(shape)}`,
    );
  }
  const autoAxes = perAxis.flatMap((c, i) => (c === 'auto' ? [i] : []));
  const out: number[][] = perAxis.map((c, axis) => {
    const n = shape[axis];
    if (c === 'auto') return [];
    if (typeof c === 'number') {
      if (c === -1) return [n];
      if (!Number.isInteger(c) || c <= 0) {
        throw new RangeError(
          `${op}: block size ${c} along axis ${axis} must be a positive integer or -1 (the whole axis)`,
        );
      }
      return regular(n, c);
    }
    const list = [...c];
    const sum = list.reduce((a, b) => a + b, 0);
    if (list.some((s) => !Number.isInteger(s) || s < 0) || sum !== n || list.length === 0) {
      throw new RangeError(
        `${op}: block sizes [${list.join(', ')}] along axis ${axis} must be non-negative integers adding up to its length ${n} (shape ${fmt(shape)})`,
      );
    }
    return list;
  });
  if (autoAxes.length > 0) {
    // The elements a block may hold, shared evenly among the 'auto' axes.
    const fixed = out.reduce((p, c, i) => (autoAxes.includes(i) ? p : p * Math.max(...c, 1)), 1);
    const budget = Math.max(1, Math.floor(AUTO_BYTES / itemsize / fixed));
    const each = Math.max(1, Math.floor(budget ** (1 / autoAxes.length)));
    for (const axis of autoAxes)
      out[axis] = regular(shape[axis], Math.min(Math.max(1, shape[axis]), each));
  }
  return out;
}

/**
 * The number of blocks along each axis.
 *
 * @example
 * numblocks([[2, 2, 1], [3]]); // [3, 1]
 */
export function numblocks(chunks: Chunks): number[] {
  return chunks.map((c) => c.length);
}

/**
 * The start of every block along one axis, and the axis length last.
 *
 * @example
 * offsets([2, 2, 1]); // [0, 2, 4, 5]
 */
export function offsets(sizes: readonly number[]): number[] {
  const out = [0];
  for (const s of sizes) out.push(out[out.length - 1] + s);
  return out;
}

/**
 * The shape of an array with these chunks.
 *
 * @example
 * shapeOf([[2, 2, 1], [3]]); // [5, 3]
 */
export function shapeOf(chunks: Chunks): number[] {
  return chunks.map((c) => c.reduce((a, b) => a + b, 0));
}

/**
 * The shape of block `idx`.
 *
 * @example
 * blockShape([[2, 2, 1], [3]], [2, 0]); // [1, 3]
 */
export function blockShape(chunks: Chunks, idx: readonly number[]): number[] {
  return idx.map((i, axis) => chunks[axis][i]);
}

/**
 * Every block index of a grid, in C order (the last axis fastest).
 *
 * @example
 * [...blockIndices([2, 2])]; // [[0, 0], [0, 1], [1, 0], [1, 1]]
 */
export function* blockIndices(grid: readonly number[]): Generator<number[]> {
  if (grid.some((n) => n === 0)) return;
  const idx = grid.map(() => 0);
  for (;;) {
    yield idx.slice();
    let axis = grid.length - 1;
    while (axis >= 0) {
      if (++idx[axis] < grid[axis]) break;
      idx[axis] = 0;
      axis--;
    }
    if (axis < 0) return;
  }
}

/**
 * The cutting of one axis at every boundary of `a` and of `b` (both cut the same length).
 *
 * @example
 * commonSizes([2, 2], [1, 3]); // [1, 1, 2]
 */
export function commonSizes(a: readonly number[], b: readonly number[]): number[] {
  const cuts = new Set([...offsets(a), ...offsets(b)]);
  const sorted = [...cuts].sort((x, y) => x - y);
  const out: number[] = [];
  for (let i = 1; i < sorted.length; i++) out.push(sorted[i] - sorted[i - 1]);
  return out.length === 0 ? [0] : out;
}

/**
 * Whether two chunkings are the same.
 *
 * @example
 * sameChunks([[2, 1]], [[2, 1]]); // true
 */
export function sameChunks(a: Chunks, b: Chunks): boolean {
  return (
    a.length === b.length &&
    a.every((c, i) => c.length === b[i].length && c.every((s, j) => s === b[i][j]))
  );
}
