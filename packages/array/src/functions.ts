// The NumPy-style functions (`add(x, y)`, `where(c, x, y)`, `sum(x, { axis })`...): the same
// operations as the methods, taking arrays or numbers in any position.
import { DaskArray, type ArrayValue } from './array.js';
import { elementwise, resultDtype, binary, unary, type Operand } from './elementwise.js';
import type { BinaryOp, UnaryOp } from './kernels-elementwise.js';
import { reduction, type ReduceOptions, type VarOptions } from './reductions.js';

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

function red(op: 'sum' | 'prod' | 'min' | 'max' | 'any' | 'all' | 'mean' | 'var' | 'std') {
  return (x: DaskArray<ArrayValue>, options: VarOptions = {}): DaskArray<ArrayValue> => {
    check(op, [x]);
    return DaskArray.of(reduction(x, op, options));
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
