// The rechunk plan: the chunkings an array passes through on its way from one cutting to another.
// One stage (split every input block at the cuts of the output, then concatenate the pieces of
// each output block) moves every element once, but its number of pieces is the product over the
// axes of the blocks of the common refinement: from 100 row bands to 100 column bands, 10,000
// pieces and a fan-in of 100 per output block. When the pieces outnumber `threshold` times the
// blocks of both ends (64 by default, where Dask says 4: a task costs microseconds here, while an
// intermediate stage copies the whole array once more into fresh memory; 64 row bands to 64
// column bands of 512 MiB took 1.0 s of CPU in one stage and 1.4-2.3 s in two, on a loaded
// machine), the plan first merges blocks along the axes the target cuts more coarsely,
// as far as a block stays under `blockSizeLimit` bytes (never below the largest block of either
// end), and goes on from there; every intermediate cutting of an axis subdivides the target's
// (Dask's idea of an intermediate rechunk; the search below is ours).
import { AUTO_BYTES, commonSizes, type Chunks } from './chunks.js';

/**
 * How `rechunk` plans: `threshold` (default 64), the number of pieces per block of both ends
 * above which an intermediate stage is added; `blockSizeLimit` (bytes, default 128 MiB) bounds
 * the blocks of an intermediate stage.
 *
 * @example
 * x.rechunk([-1, 100], { blockSizeLimit: 64 * 2 ** 20 });
 */
export interface RechunkOptions {
  readonly threshold?: number;
  readonly blockSizeLimit?: number;
}

const count = (chunks: Chunks): number => chunks.reduce((p, c) => p * c.length, 1);
const largest = (chunks: Chunks): number => chunks.reduce((p, c) => p * Math.max(...c), 1);

/**
 * The number of pieces one stage from `a` to `b` splits the array into.
 *
 * @example
 * rechunkPieces([[2, 2], [4]], [[4], [2, 2]]); // 4
 */
export function rechunkPieces(a: Chunks, b: Chunks): number {
  return a.reduce((p, c, axis) => p * commonSizes(c, b[axis]).length, 1);
}

/** Each size of `sizes` cut into the fewest near-equal parts of at most `width`. */
function divide(sizes: readonly number[], width: number): number[] {
  const out: number[] = [];
  for (const s of sizes) {
    const parts = Math.ceil(s / width);
    for (let k = 0; k < parts; k++) {
      out.push(Math.floor((s * (k + 1)) / parts) - Math.floor((s * k) / parts));
    }
  }
  return out;
}

/**
 * One step from `cur` toward `to`: along the axes where `to` has fewer blocks, take `to`'s cuts
 * (or subdivisions of them, when whole ones would make a block larger than `limit` elements),
 * the axes that save most blocks per unit of growth first.
 */
function mergeToward(cur: Chunks, to: Chunks, limit: number): Chunks {
  const out = cur.map((c) => c.slice());
  const gain = (axis: number): number => {
    const fewer = Math.log(cur[axis].length / to[axis].length);
    const grows = Math.log(Math.max(...to[axis]) / Math.max(1, ...cur[axis]));
    return grows > 0 ? fewer / grows : Infinity;
  };
  const axes = cur
    .map((_, axis) => axis)
    .filter((axis) => to[axis].length < cur[axis].length)
    .sort((p, q) => gain(q) - gain(p));
  for (const axis of axes) {
    const block = largest(out);
    const widest = Math.max(...out[axis]);
    const room = Math.floor((limit * widest) / block);
    if (Math.max(...to[axis]) <= room) {
      out[axis] = to[axis].slice();
      continue;
    }
    const cut = room >= 1 ? divide(to[axis], room) : out[axis];
    if (cut.length < out[axis].length) out[axis] = cut;
  }
  return out;
}

const same = (a: Chunks, b: Chunks): boolean =>
  a.every((c, i) => c.length === b[i].length && c.every((s, j) => s === b[i][j]));

/**
 * The cuttings a rechunk from `from` to `to` passes through, ending with `to` (just `[to]` when
 * one stage is cheap enough); `itemsize` is the bytes per element.
 *
 * @example
 * rechunkPlan([[1, 1, 1, 1], [4]], [[4], [1, 1, 1, 1]], 8); // [[[4], [1, 1, 1, 1]]]
 */
export function rechunkPlan(
  from: Chunks,
  to: Chunks,
  itemsize: number,
  options: RechunkOptions = {},
): Chunks[] {
  const threshold = options.threshold ?? 64;
  const bytes = options.blockSizeLimit ?? AUTO_BYTES;
  if (!(threshold > 0) || !(bytes > 0)) {
    throw new RangeError(
      `rechunk: threshold (${threshold}) and blockSizeLimit (${bytes}) must be positive`,
    );
  }
  const empty = (c: Chunks): boolean => c.some((a) => a.some((s) => !(s > 0)));
  if (from.length <= 1 || empty(from) || empty(to)) return [to];
  const limit = Math.max(Math.floor(bytes / itemsize), largest(from), largest(to));
  const budget = threshold * (count(from) + count(to));
  const steps: Chunks[] = [];
  let cur = from;
  for (let i = 0; i < 8 && rechunkPieces(cur, to) > budget; i++) {
    const next = mergeToward(cur, to, limit);
    if (same(next, cur) || same(next, to)) break;
    steps.push(next);
    cur = next;
  }
  return [...steps, to];
}
