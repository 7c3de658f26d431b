// The fused reduction kernel: the partial of a reduction over every axis of a block whose values
// come from an elementwise expression over input chunks and random blocks (fuse-reduce.ts). It
// works tile by tile (TILE elements, small enough to stay in the core's cache): random inputs are
// generated into a reused tile, the expression runs over the tile (compiled, expr-compile.ts, or
// interpreted), and the tile's partial is merged into the block's. So no block-sized array is
// made: the memory of such a reduction is its tiles, and the time is the arithmetic. Blocks that
// do not fit this path (a reduction over some axes only, broadcasting, strided or 64-bit integer
// inputs) are made whole and reduced as the unfused tasks would.
import ndarray from 'ndarray';
import { allocate, isBig, type Dtype, type TypedArray } from './dtype.js';
import { compileExpr } from './expr-compile.js';
import { random as randomBlock } from './kernels-create.js';
import { blockwise, type Expr } from './kernels-elementwise.js';
import { combine, partial, type ReduceOp } from './kernels-reduce.js';
import { isBigData, isCompact, sizeOfShape, type Nd } from './nd.js';
import { fillRandomRange, type RandomBlock } from './random-block.js';

/** Elements per tile: 128 KiB of float64. */
const TILE = 16384;

type Input = Nd | RandomBlock;
type Partial = ReturnType<typeof partial>;

const isRandom = (x: Input): x is RandomBlock => 'seed' in x && 'dist' in x;

const shapeOf = (x: Input): readonly number[] => x.shape;

function made(x: Input): Nd {
  return isRandom(x) ? randomBlock(x.dtype, x.seed, x.dist, x.full, x.start, x.shape) : x;
}

/** The sum of `d[0 .. n)`, four running sums (a float add waits for the one before it). */
function sumOf(d: TypedArray, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    s0 += d[j];
    s1 += d[j + 1];
    s2 += d[j + 2];
    s3 += d[j + 3];
  }
  for (; j < n; j++) s0 += d[j];
  return s0 + s1 + (s2 + s3);
}

/** The partial with its length-1 axes as `ndim` axes (tiles are 1-d). */
function withAxes(p: Partial, ndim: number): Partial {
  const ones = new Array<number>(ndim).fill(1);
  const re = (v: unknown): unknown => {
    const nd = v as Nd;
    return typeof v === 'object' && v !== null && 'data' in v && 'shape' in v
      ? ndarray(nd.data, ones)
      : v;
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p as object)) out[k] = re(v);
  return ('data' in (p as object) ? re(p) : out) as Partial;
}

/** The dtype of the tile the expression (or its only input) gives. */
function rootDtype(expr: Expr | null, inputs: readonly Input[]): Dtype {
  if (expr !== null && 'op' in expr) return expr.t;
  const x = inputs[expr !== null && 'i' in expr ? expr.i : 0];
  return isRandom(x) ? x.dtype : x.dtype;
}

/**
 * The partial of reduction `op` along `axes` of the block `expr` gives over `inputs` (`expr`
 * null: input 0 itself); each input is a chunk or a random block to generate.
 *
 * @example
 * fusedPartial('sum', [0], { op: 'sin', a: [{ i: 0 }], t: 'float64' }, randomBlockOf([0]));
 */
export function fusedPartial(
  op: ReduceOp,
  axes: readonly number[],
  expr: Expr | null,
  ...inputs: Input[]
): Partial {
  const shape = shapeOf(inputs[0]);
  const ndim = shape.length;
  const tileable =
    axes.length === ndim &&
    (expr === null || !('c' in expr)) &&
    inputs.every((x) => {
      const s = shapeOf(x);
      if (s.length !== ndim || s.some((n, a) => n !== shape[a])) return false;
      return isRandom(x) ? !isBig(x.dtype) : isCompact(x) && !isBigData(x.data);
    }) &&
    !isBig(rootDtype(expr, inputs));
  if (!tileable) {
    const chunks = inputs.map(made);
    return partial(op, axes, expr === null ? chunks[0] : blockwise(expr, ...chunks));
  }
  const total = sizeOfShape(shape);
  const compiled = expr === null ? null : compileExpr(expr);
  const ins: TypedArray[] = inputs.map((x) => (isRandom(x) ? allocate(x.dtype, TILE) : x.data));
  const offs = inputs.map(() => 0);
  const out = compiled === null ? null : allocate(rootDtype(expr, inputs), TILE);
  const one = [0];
  let acc: Partial | undefined;
  let sum = 0;
  for (let t0 = 0; t0 < total || acc === undefined; t0 += TILE) {
    const m = Math.max(0, Math.min(TILE, total - t0));
    inputs.forEach((x, k) => {
      if (isRandom(x)) fillRandomRange(x, t0, m, ins[k]);
      else offs[k] = t0;
    });
    let tile: Nd;
    if (compiled !== null && out !== null) {
      compiled(ins, offs, out, m);
      tile = ndarray(out.subarray(0, m), [m]);
    } else {
      const views = ins.map((d, k) => ndarray(d.subarray(offs[k], offs[k] + m), [m]));
      tile = expr === null ? views[0] : blockwise(expr, ...views);
    }
    if (op === 'sum') {
      sum += sumOf(tile.data, m);
      acc ??= partial(op, one, tile);
    } else {
      const p = partial(op, one, tile);
      acc = acc === undefined ? p : combine(op, acc, p);
    }
  }
  if (op === 'sum') (acc as Nd).data[0] = sum;
  return withAxes(acc, ndim);
}
