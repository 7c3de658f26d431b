// rechunk: the same array cut into other blocks, through the stages rechunk-plan.ts chooses. One
// stage splits and concatenates: each input block is cut at the output's boundaries into pieces
// (a task per piece of the common refinement, run where the block is; a piece is a view, copied
// only if it crosses threads, see nd.ts), and each output block
// gathers only its pieces, so an input block is released once it is split and only the pieces
// an output needs travel to it. A piece that is a whole input block is read as it is; an output
// block that is one piece is sliced straight from its input block; a stage that only merges
// whole blocks gathers them without splitting. Arrays with an empty axis use the single gather.
import { tokenize } from '@dask-ts/graph';
import {
  blockShape,
  commonSizes,
  normalizeChunks,
  numblocks,
  offsets,
  sameChunks,
  shapeOf,
  type Chunks,
  type ChunksLike,
} from './chunks.js';
import { itemsize } from './dtype.js';
import { kernels } from './kernels.js';
import { BlockLayer, type BlockInput } from './layers.js';
import { rechunkPlan, type RechunkOptions } from './rechunk-plan.js';
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

/** Every combination of one item per axis. */
function product<T>(lists: readonly (readonly T[])[]): T[][] {
  let out: T[][] = [[]];
  for (const l of lists) out = out.flatMap((prefix) => l.map((p) => [...prefix, p]));
  return out;
}

/** A stage that gathers each output block from the input blocks it overlaps (no split). */
function gatherStage(x: ArraySpec, target: Chunks, name: string): ArraySpec {
  const plans = target.map((c, axis) => axisPlan(x.chunks[axis], c));
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

/** Along one axis: which input block each refined block lies in, and where. */
interface Refined {
  readonly block: number[];
  readonly start: number[];
  readonly size: number[];
  /** Where refined block r starts in its output block. */
  readonly at: number[];
  /** Whether refined block r is the whole input block. */
  readonly whole: boolean[];
  /** The refined blocks of each output block: [first, end). */
  readonly span: (readonly [number, number])[];
}

function refine(inSizes: readonly number[], outSizes: readonly number[]): Refined {
  const sizes = commonSizes(inSizes, outSizes);
  const inOff = offsets(inSizes);
  const outOff = offsets(outSizes);
  const r: Refined = { block: [], start: [], size: sizes, at: [], whole: [], span: [] };
  let pos = 0;
  let b = 0;
  let o = 0;
  let first = 0;
  sizes.forEach((s, k) => {
    while (inOff[b + 1] <= pos) b++;
    r.block.push(b);
    r.start.push(pos - inOff[b]);
    r.at.push(pos - outOff[o]);
    r.whole.push(s === inSizes[b]);
    pos += s;
    if (pos === outOff[o + 1]) {
      r.span.push([first, k + 1]);
      first = k + 1;
      o++;
    }
  });
  return r;
}

const range = ([a, b]: readonly [number, number]): number[] =>
  Array.from({ length: b - a }, (_, i) => a + i);

/** A stage that splits the input blocks at the output's cuts and concatenates the pieces. */
function splitStage(x: ArraySpec, target: Chunks, name: string): ArraySpec {
  const axes = target.map((c, axis) => refine(x.chunks[axis], c));
  const dtype = x.dtype;
  const box = (r: readonly number[]) =>
    r.map((k, axis) => ({ start: axes[axis].start[k], step: 1, count: axes[axis].size[k] }));
  const source = (r: readonly number[]): number[] => r.map((k, axis) => axes[axis].block[k]);
  const split = new BlockLayer(
    `${name}-split`,
    [x.layer],
    axes.map((a) => a.size.length),
    (r) => [[0, source(r)]],
    (r, [ref]) =>
      kernels.task('split', [
        ref,
        r.map((k, axis) => axes[axis].start[k]),
        r.map((k, axis) => axes[axis].size[k]),
      ]),
  );
  const piecesOf = (idx: readonly number[]): number[][] =>
    product(idx.map((j, axis) => range(axes[axis].span[j])));
  const isWhole = (r: readonly number[]): boolean => r.every((k, axis) => axes[axis].whole[k]);
  const layer = new BlockLayer(
    name,
    [x.layer, split],
    numblocks(target),
    (idx): BlockInput[] => {
      const ps = piecesOf(idx);
      if (ps.length === 1) return [[0, source(ps[0])]];
      return ps.map((r) => (isWhole(r) ? [0, source(r)] : [1, r]) as BlockInput);
    },
    (idx, refs) => {
      const ps = piecesOf(idx);
      if (ps.length === 1) return kernels.task('getitem', [refs[0], box(ps[0])]);
      const zero = idx.map(() => 0);
      return kernels.task('gather', [
        dtype,
        blockShape(target, idx),
        ps.map((r, k) => ({
          c: refs[k],
          from: zero,
          to: r.map((q, axis) => axes[axis].at[q]),
          extent: r.map((q, axis) => axes[axis].size[q]),
        })),
      ]);
    },
  );
  return { layer, chunks: target, dtype };
}

/** One stage from `x`'s chunks to `target`. */
function stage(x: ArraySpec, target: Chunks): ArraySpec {
  const name = `rechunk-${tokenize(x.layer.name, target)}`;
  const empty = target.some((c) => c.some((s) => s === 0));
  const merging = target.every(
    (c, axis) => commonSizes(x.chunks[axis], c).length === x.chunks[axis].length,
  );
  return empty || merging ? gatherStage(x, target, name) : splitStage(x, target, name);
}

/**
 * `x` cut into `chunks` (checked against its shape); `x` itself when they are its chunks. Large
 * changes of cutting go through an intermediate cutting (see {@link RechunkOptions}).
 *
 * @example
 * rechunk(x, [1000, -1]);
 */
export function rechunk(x: ArraySpec, chunks: ChunksLike, options?: RechunkOptions): ArraySpec {
  const shape = shapeOf(x.chunks);
  const target = normalizeChunks(shape, chunks, itemsize(x.dtype), 'rechunk');
  if (sameChunks(target, x.chunks)) return x;
  let out = x;
  for (const step of rechunkPlan(x.chunks, target, itemsize(x.dtype), options))
    out = stage(out, step);
  return out;
}
