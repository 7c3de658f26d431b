// The NumPy-style functions (`add(x, y)`, `where(c, x, y)`, `sum(x, { axis })`...): the same
// operations as the methods, taking arrays or numbers in any position.
import { DaskArray, type ArrayValue } from './array.js';
import { elementwise, resultDtype, binary, unary, type Operand } from './elementwise.js';
import type { BinaryOp, UnaryOp } from './kernels-elementwise.js';
import { reduction as treeReduce, type ReduceOptions, type VarOptions } from './reductions.js';
import type { ReduceOp } from './kernels-reduce.js';
import type { ReduceInfo } from './kernels-blocks.js';
import {
  blockwiseSpec,
  mapBlocksSpec,
  type BlockwiseOptions,
  type MapBlocksOptions,
} from './blockwise.js';
import { mapOverlapSpec, type MapOverlapOptions } from './map-overlap.js';
import { customReductionSpec, type CustomReduceOptions } from './custom-reduction.js';
import { argReduction, type ArgOptions } from './arg-reduce.js';
import type { ArgOp } from './kernels-arg.js';
import { cumulative, type ScanOptions } from './cumulative.js';
import type { ScanOp } from './kernels-scan.js';
import type { NdArray } from './array.js';

/**
 * An operand of the functions: a DaskArray or a number.
 *
 * @example
 * const o: ArrayLike = 2;
 */
export type ArrayLike = DaskArray<ArrayValue> | number;

function check(op: string, xs: readonly ArrayLike[]): Operand[] {
  for (const x of xs) {
    if (typeof x !== 'number' && !(x instanceof DaskArray)) {
      throw new TypeError(
        `${op}: expected DaskArrays or numbers, got ${x === null ? 'null' : typeof x}`,
      );
    }
  }
  if (xs.every((x) => typeof x === 'number')) {
    throw new TypeError(`${op}: expected at least one DaskArray among the operands`);
  }
  return xs as Operand[];
}

function bin(op: BinaryOp): (a: ArrayLike, b: ArrayLike) => DaskArray {
  return (a, b) => {
    const [x, y] = check(op, [a, b]);
    return DaskArray.of(binary(op, x, y));
  };
}

function un(op: UnaryOp): (x: DaskArray<ArrayValue>) => DaskArray {
  return (x) => {
    check(op, [x]);
    return DaskArray.of(unary(op, x));
  };
}

/** Elementwise `a + b` (NumPy broadcasting). @example add(x, y) */
export const add = bin('add');
/** Elementwise `a - b`. @example sub(1, x) */
export const sub = bin('sub');
/** Elementwise `a * b`. @example mul(x, 2) */
export const mul = bin('mul');
/** Elementwise true division. @example div(x, y) */
export const div = bin('div');
/** Elementwise `a ** b`. @example pow(2, x) */
export const pow = bin('pow');
/** Elementwise remainder with the sign of `b`. @example mod(x, 3) */
export const mod = bin('mod');
/** Elementwise maximum (NaN propagates). @example maximum(x, 0) */
export const maximum = bin('maximum');
/** Elementwise minimum (NaN propagates). @example minimum(x, y) */
export const minimum = bin('minimum');
/** Elementwise `a == b` (bool). @example eq(x, y) */
export const eq = bin('eq');
/** Elementwise `a != b` (bool). @example ne(x, 0) */
export const ne = bin('ne');
/** Elementwise `a < b` (bool). @example lt(x, y) */
export const lt = bin('lt');
/** Elementwise `a <= b` (bool). @example le(x, 1) */
export const le = bin('le');
/** Elementwise `a > b` (bool). @example gt(x, 0) */
export const gt = bin('gt');
/** Elementwise `a >= b` (bool). @example ge(x, y) */
export const ge = bin('ge');
/** Elementwise negation. @example negative(x) */
export const negative = un('neg');
/** Elementwise absolute value. @example abs(x) */
export const abs = un('abs');
/** Elementwise square root. @example sqrt(x) */
export const sqrt = un('sqrt');
/** Elementwise exponential. @example exp(x) */
export const exp = un('exp');
/** Elementwise natural logarithm. @example log(x) */
export const log = un('log');
/** Elementwise sine. @example sin(x) */
export const sin = un('sin');
/** Elementwise cosine. @example cos(x) */
export const cos = un('cos');

/**
 * Elementwise `condition ? a : b` (a non-zero condition picks `a`), broadcasting all three; the
 * dtype is that of `a` and `b` promoted.
 *
 * @example
 * where(x.gt(0), x, 0); // ReLU
 */
export function where(condition: ArrayLike, a: ArrayLike, b: ArrayLike): DaskArray {
  const ops = check('where', [condition, a, b]);
  if (typeof a === 'number' && typeof b === 'number') {
    const t = Number.isInteger(a) && Number.isInteger(b) ? 'int32' : 'float64';
    return DaskArray.of(elementwise('where', ops, t));
  }
  return DaskArray.of(elementwise('where', ops, resultDtype('where', ops)));
}

function red(op: ReduceOp) {
  return (x: DaskArray<ArrayValue>, options: VarOptions = {}): DaskArray<ArrayValue> => {
    check(op, [x]);
    return DaskArray.of(treeReduce(x, op, options));
  };
}

type Reducer = (x: DaskArray<ArrayValue>, options?: ReduceOptions) => DaskArray<ArrayValue>;
type VarReducer = (x: DaskArray<ArrayValue>, options?: VarOptions) => DaskArray<ArrayValue>;

/** The sum along `axis` (all axes by default). @example sum(x, { axis: 0 }) */
export const sum: Reducer = red('sum');
/** The product. @example prod(x) */
export const prod: Reducer = red('prod');
/** The minimum. @example min(x, { axis: 1 }) */
export const min: Reducer = red('min');
/** The maximum. @example max(x) */
export const max: Reducer = red('max');
/** Whether any element is non-zero. @example any(x.gt(0)) */
export const any: Reducer = red('any');
/** Whether all elements are non-zero. @example all(x.gt(0), { axis: 0 }) */
export const all: Reducer = red('all');
/** The mean. @example mean(x, { axis: [0, 1] }) */
export const mean: Reducer = red('mean');
/** The variance. @example variance(x, { ddof: 1 }) */
export const variance: VarReducer = red('var');
/** The standard deviation. @example std(x) */
export const std: VarReducer = red('std');

/** Elementwise floor of the quotient (NumPy's `floor_divide`). @example floorDivide(x, 2) */
export const floorDivide = bin('floorDivide');
/** Elementwise `atan2(a, b)`. @example arctan2(y, x) */
export const arctan2 = bin('arctan2');
/** Elementwise `sqrt(a² + b²)`. @example hypot(x, y) */
export const hypot = bin('hypot');
/** Elementwise logical and (bool). @example logicalAnd(a, b) */
export const logicalAnd = bin('logicalAnd');
/** Elementwise logical or (bool). @example logicalOr(a, b) */
export const logicalOr = bin('logicalOr');
/** Elementwise logical exclusive or (bool). @example logicalXor(a, b) */
export const logicalXor = bin('logicalXor');
/** Elementwise logical not (bool). @example logicalNot(mask) */
export const logicalNot = un('logicalNot');
/** Elementwise NaN test (bool). @example isnan(x) */
export const isnan = un('isnan');
/** Elementwise finiteness test (bool). @example isfinite(x) */
export const isfinite = un('isfinite');
/** Elementwise infinity test (bool). @example isinf(x) */
export const isinf = un('isinf');
/** Elementwise sign. @example sign(x) */
export const sign = un('sign');
/** Elementwise square. @example square(x) */
export const square = un('square');
/** Elementwise tangent. @example tan(x) */
export const tan = un('tan');
/** Elementwise arcsine. @example arcsin(x) */
export const arcsin = un('arcsin');
/** Elementwise arccosine. @example arccos(x) */
export const arccos = un('arccos');
/** Elementwise arctangent. @example arctan(x) */
export const arctan = un('arctan');
/** Elementwise hyperbolic sine. @example sinh(x) */
export const sinh = un('sinh');
/** Elementwise hyperbolic cosine. @example cosh(x) */
export const cosh = un('cosh');
/** Elementwise hyperbolic tangent. @example tanh(x) */
export const tanh = un('tanh');
/** Elementwise `log(1 + x)`. @example log1p(x) */
export const log1p = un('log1p');
/** Elementwise `exp(x) - 1`. @example expm1(x) */
export const expm1 = un('expm1');
/** Elementwise base-2 logarithm. @example log2(x) */
export const log2 = un('log2');
/** Elementwise base-10 logarithm. @example log10(x) */
export const log10 = un('log10');
/** Elementwise floor. @example floor(x) */
export const floor = un('floor');
/** Elementwise ceiling. @example ceil(x) */
export const ceil = un('ceil');
/** Elementwise truncation toward zero. @example trunc(x) */
export const trunc = un('trunc');
/** Elementwise rounding to the nearest integer, half to even. @example rint(x) */
export const rint = un('rint');

/**
 * Elementwise rounding to `decimals` places, half to even (NumPy's `round`).
 *
 * @example
 * round(x, 2);
 */
export function round(x: DaskArray<ArrayValue>, decimals = 0): DaskArray {
  check('round', [x]);
  return DaskArray.of(x.round(decimals));
}

/**
 * The elements limited to `[min, max]` (either may be null).
 *
 * @example
 * clip(x, 0, 1);
 */
export function clip(
  x: DaskArray<ArrayValue>,
  min: ArrayLike | null,
  max: ArrayLike | null = null,
): DaskArray {
  check('clip', [x]);
  return x.clip(min, max);
}

/** The sum treating NaN as 0. @example nansum(x, { axis: 0 }) */
export const nansum: Reducer = red('nansum');
/** The product treating NaN as 1. @example nanprod(x) */
export const nanprod: Reducer = red('nanprod');
/** The minimum ignoring NaN. @example nanmin(x) */
export const nanmin: Reducer = red('nanmin');
/** The maximum ignoring NaN. @example nanmax(x, { axis: 1 }) */
export const nanmax: Reducer = red('nanmax');
/** The mean of the non-NaN elements. @example nanmean(x) */
export const nanmean: Reducer = red('nanmean');
/** The variance of the non-NaN elements. @example nanvar(x, { ddof: 1 }) */
export const nanvar: VarReducer = red('nanvar');
/** The standard deviation of the non-NaN elements. @example nanstd(x) */
export const nanstd: VarReducer = red('nanstd');

function argFn(op: ArgOp) {
  return (x: DaskArray<ArrayValue>, options: ArgOptions = {}): DaskArray<ArrayValue> => {
    check(op, [x]);
    return DaskArray.of(argReduction(x, op, options));
  };
}

type ArgReducer = (x: DaskArray<ArrayValue>, options?: ArgOptions) => DaskArray<ArrayValue>;

/** The index of the smallest element. @example argmin(x, { axis: 0 }) */
export const argmin: ArgReducer = argFn('argmin');
/** The index of the largest element. @example argmax(x) */
export const argmax: ArgReducer = argFn('argmax');
/** argmin ignoring NaN. @example nanargmin(x) */
export const nanargmin: ArgReducer = argFn('nanargmin');
/** argmax ignoring NaN. @example nanargmax(x, { axis: 1 }) */
export const nanargmax: ArgReducer = argFn('nanargmax');

function scanFn(op: ScanOp) {
  return (x: DaskArray<ArrayValue>, options: ScanOptions = {}): DaskArray => {
    check(op, [x]);
    return DaskArray.of(cumulative(x, op, options));
  };
}

/** Running sums along an axis. @example cumsum(x, { axis: 1 }) */
export const cumsum = scanFn('cumsum');
/** Running products along an axis. @example cumprod(x, { axis: 0 }) */
export const cumprod = scanFn('cumprod');
/** Running sums treating NaN as 0. @example nancumsum(x, { axis: 0 }) */
export const nancumsum = scanFn('nancumsum');
/** Running products treating NaN as 1. @example nancumprod(x, { axis: 0 }) */
export const nancumprod = scanFn('nancumprod');

/**
 * A block function: gets the matching blocks of its array arguments (as ndarrays), its other
 * arguments as they are, and last the block's place; returns the output block.
 *
 * @example
 * const f: BlockFn = (a, b) => a;
 */
export type BlockFn = (
  ...args: never[]
) => NdArray | globalThis.ArrayLike<number> | number | Promise<NdArray>;

/**
 * `fn` over the matching blocks of several arrays, broadcast against each other as NumPy
 * broadcasts (dask.array's `map_blocks`); arguments that are not arrays are passed as they are.
 *
 * @example
 * mapBlocks((a, b, k) => addScaled(a, b, k), [x, y, 2], { dtype: 'float64' });
 */
export function mapBlocks(
  fn: BlockFn,
  args: readonly unknown[],
  options: MapBlocksOptions = {},
): DaskArray {
  return DaskArray.of(mapBlocksSpec(fn, args, options));
}

/**
 * `fn` over blocks chosen by index strings (dask.array's `blockwise`): `out` names the output's
 * axes, each array argument comes as `[array, 'ij']`. Axes sharing a letter are aligned; a letter
 * missing from `out` is contracted (the function sees that axis whole); `newAxes` gives the
 * lengths of output letters no array has.
 *
 * @example
 * blockwise((a, b) => outer(a, b), 'ij', [[x, 'i'], [y, 'j']], { dtype: 'float64' });
 */
export function blockwise(
  fn: BlockFn,
  out: string,
  args: readonly unknown[],
  options: BlockwiseOptions = {},
): DaskArray {
  return DaskArray.of(blockwiseSpec(fn, out, args, options, 'blockwise'));
}

/**
 * `fn` over every block of `x` extended by its neighbours (see {@link DaskArray.mapOverlap});
 * with several arrays (of one shape), `fn` gets the extended block of each.
 *
 * @example
 * mapOverlap((b) => laplace(b), x, { depth: 1, boundary: 'nearest' });
 * mapOverlap((a, b) => gradientDot(a, b), [u, v], { depth: 1, boundary: 'periodic' });
 */
export function mapOverlap(
  fn: (...blocks: never[]) => NdArray | globalThis.ArrayLike<number> | Promise<NdArray>,
  x: DaskArray<ArrayValue> | readonly DaskArray<ArrayValue>[],
  options: MapOverlapOptions,
): DaskArray {
  const arrays = Array.isArray(x)
    ? (x as readonly DaskArray<ArrayValue>[])
    : [x as DaskArray<ArrayValue>];
  check('mapOverlap', arrays);
  return DaskArray.of(mapOverlapSpec(fn, arrays, options));
}

/**
 * A reduction from user functions (dask.array's `reduction`): `chunk(block, { axis, keepdims })`
 * reduces one block along `axis` (keeping the axes), `aggregate` the partials concatenated along
 * them (and `combine`, default `aggregate`, in the tree's middle rounds) to length 1.
 *
 * @example
 * const maxAbs = (b, { axis }) => ...; // a block with length 1 along axis
 * reduction(x, maxAbs, maxAbs, { axis: 0, dtype: 'float64' });
 */
export function reduction(
  x: DaskArray<ArrayValue>,
  chunk: (block: NdArray, info: ReduceInfo) => NdArray | globalThis.ArrayLike<number> | number,
  aggregate: (
    partials: NdArray,
    info: ReduceInfo,
  ) => NdArray | globalThis.ArrayLike<number> | number,
  options: CustomReduceOptions = {},
): DaskArray {
  check('reduction', [x]);
  return DaskArray.of(customReductionSpec(x, chunk, aggregate, options));
}
