// Elementwise operations: NumPy broadcasting (shapes aligned on the right; an axis of length 1
// stretches), chunks unified by rechunking an operand whose cutting of an axis differs (to the
// cutting at every boundary of either), dtypes by NumPy's promotion (dtype.ts), and one
// blockwise layer whose expression the optimizer may fuse with its neighbours. Errors are raised
// when the expression is built, naming the shapes or dtypes involved.
import { tokenize } from '@dask-ts/graph';
import { commonSizes, formatShape, shapeOf } from './chunks.js';
import {
  floatResultType,
  isBig,
  isFloat,
  resultType,
  scalarResultType,
  type Dtype,
} from './dtype.js';
import type { BinaryOp, ElementwiseOp, Expr, UnaryOp } from './kernels-elementwise.js';
import { BlockwiseLayer } from './layers.js';
import { rechunk } from './rechunk.js';
import type { ArraySpec } from './spec.js';

/**
 * An operand of an elementwise operation: an array or a number.
 *
 * @example
 * const k: Operand = 2;
 */
export type Operand = ArraySpec | number;

const isArray = (o: Operand): o is ArraySpec => typeof o !== 'number';

/**
 * The shape that shapes broadcast to, or a NumPy-like error naming them.
 *
 * @example
 * broadcastShapes([[3, 1], [4]], 'add'); // [3, 4]
 */
export function broadcastShapes(shapes: readonly (readonly number[])[], op: string): number[] {
  const n = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(n).fill(1);
  for (const s of shapes) {
    const pad = n - s.length;
    s.forEach((len, i) => {
      const cur = out[pad + i];
      // Unknown lengths (NaN, after a mask) match each other: the same blocks of one mask.
      if (len === cur || len === 1 || (len !== len && cur !== cur)) return;
      if (cur === 1) out[pad + i] = len;
      else {
        throw new RangeError(
          `${op}: operands could not be broadcast together with shapes ${shapes.map(formatShape).join(' ')}${
            len !== len || cur !== cur
              ? ' (NaN: chunk sizes unknown after a boolean mask; call x.computeChunkSizes() first)'
              : ''
          }`,
        );
      }
    });
  }
  return out;
}

/** The dtype of an operation over the operands' dtypes (numbers are weak, see dtype.ts). */
function promote(operands: readonly Operand[]): Dtype {
  const arrays = operands.filter(isArray);
  let t = arrays.map((a) => a.dtype).reduce((a, b) => resultType(a, b));
  for (const o of operands) if (typeof o === 'number') t = scalarResultType(t, o);
  return t;
}

const COMPARISONS = new Set<string>([
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'isnan',
  'isfinite',
  'isinf',
  'logicalNot',
  'logicalAnd',
  'logicalOr',
  'logicalXor',
]);

const FLOAT_OPS = new Set<string>([
  'sqrt',
  'exp',
  'log',
  'sin',
  'cos',
  'tan',
  'arcsin',
  'arccos',
  'arctan',
  'sinh',
  'cosh',
  'tanh',
  'log1p',
  'expm1',
  'log2',
  'log10',
  'floor',
  'ceil',
  'trunc',
  'rint',
  'arctan2',
  'hypot',
]);

/**
 * The dtype of `op` over `operands` (NumPy's), or an error for what NumPy refuses.
 *
 * @example
 * resultDtype('div', [int8Array, 2]); // 'float64'
 */
export function resultDtype(op: ElementwiseOp, operands: readonly Operand[], to?: Dtype): Dtype {
  if (op === 'astype') return to!;
  if (COMPARISONS.has(op)) return 'bool';
  if (op === 'where') return promote(operands.slice(1));
  if (op === 'round') return operands[0] === undefined ? 'float64' : promote(operands.slice(0, 1));
  const t = promote(operands);
  if (op === 'div') return isFloat(t) ? t : 'float64';
  if (FLOAT_OPS.has(op)) return floatResultType(t);
  if (op === 'floorDivide' && t === 'bool') return 'int8';
  if (t === 'bool' && (op === 'sub' || op === 'neg')) {
    throw new TypeError(
      `${op}: NumPy does not support ${op === 'sub' ? 'subtracting' : 'negating'} bool arrays; use a logical operation or astype() first`,
    );
  }
  return t;
}

/**
 * Arrays broadcast against each other (shapes aligned on the right) with their blocks unified: the
 * output's shape and chunks, each array rechunked to them where it must be, and for each array
 * the output axis each of its axes follows (null where it broadcasts from length 1: block 0).
 *
 * @example
 * const { chunks, aligned, axes } = alignArrays([x, y], 'add');
 */
export function alignArrays(
  arrays: readonly ArraySpec[],
  op: string,
): {
  shape: number[];
  chunks: number[][];
  aligned: ArraySpec[];
  axes: (number | null)[][];
} {
  const shapes = arrays.map((a) => shapeOf(a.chunks));
  const shape = broadcastShapes(shapes, op);
  const n = shape.length;
  // The cutting of each output axis: every boundary of every operand that spans it.
  const chunks: number[][] = shape.map((len, axis) => {
    let c: readonly number[] | undefined;
    arrays.forEach((a, k) => {
      const pad = n - shapes[k].length;
      if (axis < pad || (shapes[k][axis - pad] === 1 && len !== 1)) return;
      const own = a.chunks[axis - pad];
      if (c !== undefined && !sameSizes(c, own) && [...c, ...own].some((x) => x !== x)) {
        throw new RangeError(
          `${op}: operands with unknown chunk sizes (NaN, after a boolean mask) along axis ${axis} must come from the same mask; call x.computeChunkSizes() first`,
        );
      }
      c = c === undefined ? own : sameSizes(c, own) ? c : commonSizes(c, own);
    });
    return [...(c ?? [len])];
  });
  const aligned = arrays.map((a, k) => {
    const pad = n - shapes[k].length;
    const want = a.chunks.map((own, j) =>
      shapes[k][j] === 1 && shape[j + pad] !== 1 ? own : chunks[j + pad],
    );
    return want.every((c, j) => sameSizes(c, a.chunks[j])) ? a : rechunk(a, want);
  });
  const axes = aligned.map((a, k) => {
    const pad = n - shapes[k].length;
    return shapes[k].map((len, j) => (len === 1 && shape[j + pad] !== 1 ? null : j + pad));
  });
  return { shape, chunks, aligned, axes };
}

/** Same block sizes (unknown sizes, NaN, match each other: the same blocks of one mask). */
function sameSizes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i] || (s !== s && b[i] !== b[i]));
}

/**
 * The elementwise operation `op` over `operands` (at least one array), with result dtype `t`.
 *
 * @example
 * elementwise('add', [x, 1], 'float64');
 */
export function elementwise(op: ElementwiseOp, operands: readonly Operand[], t: Dtype): ArraySpec {
  const arrays = operands.filter(isArray);
  if (arrays.length === 0) throw new TypeError(`${op}: expected at least one array operand`);
  const { chunks, aligned, axes } = alignArrays(arrays, op);
  let next = 0;
  const args: Expr[] = operands.map((o) => (typeof o === 'number' ? { c: o } : { i: next++ }));
  const expr: Expr = { op, a: args, t };
  const name = `${op}-${tokenize(
    t,
    operands.map((o) => (typeof o === 'number' ? o : o.layer.name)),
    aligned.map((a) => a.layer.name),
  )}`;
  const layer = new BlockwiseLayer(
    name,
    aligned.map((a) => a.layer),
    chunks.map((c) => c.length),
    expr,
    axes,
  );
  return { layer, chunks, dtype: t };
}

/**
 * A unary elementwise operation, its dtype by NumPy's rules.
 *
 * @example
 * unary('sqrt', x);
 */
export function unary(op: UnaryOp, x: ArraySpec, to?: Dtype): ArraySpec {
  if (op === 'astype' && to === x.dtype) return x;
  return elementwise(op, [x], resultDtype(op, [x], to));
}

/**
 * A binary elementwise operation, its dtype by NumPy's rules.
 *
 * @example
 * binary('add', x, 1);
 */
export function binary(op: BinaryOp, a: Operand, b: Operand): ArraySpec {
  return elementwise(op, [a, b], resultDtype(op, [a, b]));
}

/**
 * `x` as float64 when it holds 64-bit integers (what NumPy does before mean, var, std, linear
 * algebra, fft or histogram of int64 / uint64), `x` itself otherwise.
 *
 * @example
 * bigAsFloat(x); // int64 -> float64
 */
export function bigAsFloat(x: ArraySpec): ArraySpec {
  return isBig(x.dtype) ? unary('astype', x, 'float64') : x;
}
