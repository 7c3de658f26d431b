// rechunk: the same array cut into other blocks. The plan is the simple one: each output block
// gathers the pieces of the input blocks it overlaps (one task per output block). The inputs one
// output block reads stay bounded when the cuttings are of similar sizes; from rows to columns
// an output block reads a whole row of input blocks.
import { tokenize } from '@dask-ts/graph';
import {
  blockShape,
  normalizeChunks,
  numblocks,
  offsets,
  sameChunks,
  shapeOf,
  type ChunksLike,
} from './chunks.js';
import { itemsize } from './dtype.js';
import { kernels } from './kernels.js';
import { BlockLayer, type BlockInput } from './layers.js';
import type { ArraySpec } from './spec.js';

/** One input block's part of an output block along one axis. */
interface AxisPiece {
  readonly block: number;
  readonly from: number;
  readonly to: number;
  readonly extent: number;
}

/** For each output block along an axis, the input blocks it overlaps. */
function axisPlan(inSizes: readonly number[], outSizes: readonly number[]): AxisPiece[][] {
  const inOff = offsets(inSizes);
  const outOff = offsets(outSizes);
  const plan: AxisPiece[][] = [];
  let b = 0;
  for (let j = 0; j < outSizes.length; j++) {
    const lo = outOff[j];
    const hi = outOff[j + 1];
    const pieces: AxisPiece[] = [];
    while (b < inSizes.length - 1 && inOff[b + 1] <= lo) b++;
    for (let k = b; k < inSizes.length; k++) {
      const s = Math.max(lo, inOff[k]);
      const e = Math.min(hi, inOff[k + 1]);
      if (e > s || (hi === lo && pieces.length === 0)) {
        pieces.push({ block: k, from: s - inOff[k], to: s - lo, extent: Math.max(0, e - s) });
      }
      if (inOff[k + 1] >= hi) break;
    }
    plan.push(pieces);
  }
  return plan;
}

/** Every combination of one piece per axis. */
function product(lists: readonly (readonly AxisPiece[])[]): AxisPiece[][] {
  let out: AxisPiece[][] = [[]];
  for (const l of lists) out = out.flatMap((prefix) => l.map((p) => [...prefix, p]));
  return out;
}

/**
 * `x` cut into `chunks` (checked against its shape); `x` itself when they are its chunks.
 *
 * @example
 * rechunk(x, [1000, -1]);
 */
export function rechunk(x: ArraySpec, chunks: ChunksLike): ArraySpec {
  const shape = shapeOf(x.chunks);
  const target = normalizeChunks(shape, chunks, itemsize(x.dtype), 'rechunk');
  if (sameChunks(target, x.chunks)) return x;
  const plans = target.map((c, axis) => axisPlan(x.chunks[axis], c));
  const name = `rechunk-${tokenize(x.layer.name, target)}`;
  const dtype = x.dtype;
  const piecesOf = (idx: readonly number[]): AxisPiece[][] =>
    product(idx.map((j, axis) => plans[axis][j]));
  const layer = new BlockLayer(
    name,
    [x.layer],
    numblocks(target),
    (idx): BlockInput[] => piecesOf(idx).map((ps) => [0, ps.map((p) => p.block)] as const),
    (idx, refs) =>
      kernels.task('gather', [
        dtype,
        blockShape(target, idx),
        piecesOf(idx).map((ps, k) => ({
          c: refs[k],
          from: ps.map((p) => p.from),
          to: ps.map((p) => p.to),
          extent: ps.map((p) => p.extent),
        })),
      ]),
  );
  return { layer, chunks: target, dtype };
}
