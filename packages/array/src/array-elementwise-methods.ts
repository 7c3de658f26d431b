// DaskArray's elementwise methods (arithmetic, comparisons, math functions, casts), in the root of
// the chain of internal abstract classes that DaskArray extends: each method checks its operand
// and delegates to elementwise.ts. The root also declares what every link needs from DaskArray:
// its layer, chunks and dtype, and `wrap`, which turns an operation's spec into a DaskArray. So
// these files import array.ts for types only, and no module imports another in a cycle.
import type { ArrayValue, DaskArray, NdArray } from './array.js';
import type { Chunks } from './chunks.js';
import { checkDtype, type Dtype } from './dtype.js';
import { binary, unary, type Operand } from './elementwise.js';
import type { BinaryOp, UnaryOp } from './kernels-elementwise.js';
import type { ArrayLayer } from './layers.js';
import type { ArraySpec } from './spec.js';

/**
 * @internal Whether `x` is a DaskArray (every instance of this chain's root is one).
 */
export function isDaskArray(x: unknown): x is DaskArray<ArrayValue> {
  return x instanceof ArrayElementwiseMethods;
}

/** The elementwise methods of DaskArray (an internal link of its class chain; use DaskArray). */
export abstract class ArrayElementwiseMethods<R extends ArrayValue = NdArray> {
  /** @internal The layer that makes the blocks. */
  abstract readonly layer: ArrayLayer;
  /** The block sizes along each axis, as in dask. */
  abstract readonly chunks: Chunks;
  /** The element type. */
  abstract readonly dtype: Dtype;
  /** @internal An operation's result as a DaskArray (`DaskArray.of`). */
  protected abstract wrap<T extends ArrayValue = NdArray>(spec: ArraySpec): DaskArray<T>;

  /** Elementwise `this + other`. @example x.add(1) */
  add(other: number): DaskArray<R>;
  add(other: DaskArray<ArrayValue>): DaskArray;
  add(other: Operand): DaskArray<ArrayValue> {
    return this.wrap(this.bin('add', other));
  }
  /** Elementwise `this - other`. @example x.sub(y) */
  sub(other: number): DaskArray<R>;
  sub(other: DaskArray<ArrayValue>): DaskArray;
  sub(other: Operand): DaskArray<ArrayValue> {
    return this.wrap(this.bin('sub', other));
  }
  /** Elementwise `this * other`. @example x.mul(2) */
  mul(other: number): DaskArray<R>;
  mul(other: DaskArray<ArrayValue>): DaskArray;
  mul(other: Operand): DaskArray<ArrayValue> {
    return this.wrap(this.bin('mul', other));
  }
  /** Elementwise true division (integers give float64). @example x.div(y) */
  div(other: number): DaskArray<R>;
  div(other: DaskArray<ArrayValue>): DaskArray;
  div(other: Operand): DaskArray<ArrayValue> {
    return this.wrap(this.bin('div', other));
  }
  /** Elementwise `this ** other`. @example x.pow(2) */
  pow(other: number): DaskArray<R>;
  pow(other: DaskArray<ArrayValue>): DaskArray;
  pow(other: Operand): DaskArray<ArrayValue> {
    return this.wrap(this.bin('pow', other));
  }
  /** Elementwise remainder with the sign of the divisor (NumPy's `mod`). @example x.mod(3) */
  mod(other: number): DaskArray<R>;
  mod(other: DaskArray<ArrayValue>): DaskArray;
  mod(other: Operand): DaskArray<ArrayValue> {
    return this.wrap(this.bin('mod', other));
  }
  /** Elementwise maximum (NaN propagates). @example x.maximum(0) */
  maximum(other: number): DaskArray<R>;
  maximum(other: DaskArray<ArrayValue>): DaskArray;
  maximum(other: Operand): DaskArray<ArrayValue> {
    return this.wrap(this.bin('maximum', other));
  }
  /** Elementwise minimum (NaN propagates). @example x.minimum(y) */
  minimum(other: number): DaskArray<R>;
  minimum(other: DaskArray<ArrayValue>): DaskArray;
  minimum(other: Operand): DaskArray<ArrayValue> {
    return this.wrap(this.bin('minimum', other));
  }
  /** Elementwise `this == other` (bool). @example x.eq(0) */
  eq(other: Operand): DaskArray {
    return this.wrap(this.bin('eq', other));
  }
  /** Elementwise `this != other` (bool). @example x.ne(0) */
  ne(other: Operand): DaskArray {
    return this.wrap(this.bin('ne', other));
  }
  /** Elementwise `this < other` (bool). @example x.lt(y) */
  lt(other: Operand): DaskArray {
    return this.wrap(this.bin('lt', other));
  }
  /** Elementwise `this <= other` (bool). @example x.le(1) */
  le(other: Operand): DaskArray {
    return this.wrap(this.bin('le', other));
  }
  /** Elementwise `this > other` (bool). @example x.gt(0.5) */
  gt(other: Operand): DaskArray {
    return this.wrap(this.bin('gt', other));
  }
  /** Elementwise `this >= other` (bool). @example x.ge(y) */
  ge(other: Operand): DaskArray {
    return this.wrap(this.bin('ge', other));
  }

  /** Elementwise negation. @example x.neg() */
  neg(): DaskArray<R> {
    return this.un('neg');
  }
  /** Elementwise absolute value. @example x.abs() */
  abs(): DaskArray<R> {
    return this.un('abs');
  }
  /** Elementwise square root. @example x.sqrt() */
  sqrt(): DaskArray<R> {
    return this.un('sqrt');
  }
  /** Elementwise exponential. @example x.exp() */
  exp(): DaskArray<R> {
    return this.un('exp');
  }
  /** Elementwise natural logarithm. @example x.log() */
  log(): DaskArray<R> {
    return this.un('log');
  }
  /** Elementwise sine. @example x.sin() */
  sin(): DaskArray<R> {
    return this.un('sin');
  }
  /** Elementwise cosine. @example x.cos() */
  cos(): DaskArray<R> {
    return this.un('cos');
  }
  /**
   * The elements converted to `dtype` (NumPy's casts: to bool is `x != 0`, to integers truncates
   * and wraps).
   *
   * @example
   * x.astype('float32');
   */
  astype(dtype: Dtype): DaskArray<R> {
    return this.wrap<R>(unary('astype', this, checkDtype(dtype, 'astype')));
  }
  /** Elementwise floor of the quotient (NumPy's `//`). @example x.floorDivide(3) */
  floorDivide(other: number): DaskArray<R>;
  floorDivide(other: DaskArray<ArrayValue>): DaskArray;
  floorDivide(other: Operand): DaskArray<ArrayValue> {
    return this.wrap(this.bin('floorDivide', other));
  }
  /** Elementwise rounding to `decimals` places, half to even (NumPy's `round`). @example x.round(2) */
  round(decimals = 0): DaskArray<R> {
    if (!Number.isInteger(decimals)) {
      throw new TypeError(`round: decimals must be an integer, got ${decimals}`);
    }
    return this.wrap<R>(binary('round', this, decimals));
  }
  /**
   * The elements limited to `[min, max]` (either may be null; NaN stays NaN).
   *
   * @example
   * x.clip(0, 1);
   */
  clip(
    min: number | DaskArray<ArrayValue> | null,
    max: number | DaskArray<ArrayValue> | null = null,
  ): DaskArray {
    if (min === null && max === null) {
      throw new TypeError('clip: one of min and max must be given');
    }
    const low = min === null ? this : binary('maximum', this, min);
    return this.wrap(max === null ? low : binary('minimum', low, max));
  }
  /** Elementwise test for NaN (bool). @example x.isnan() */
  isnan(): DaskArray {
    return this.wrap(unary('isnan', this));
  }
  /** Elementwise test for finite values (bool). @example x.isfinite() */
  isfinite(): DaskArray {
    return this.wrap(unary('isfinite', this));
  }
  /** Elementwise test for infinities (bool). @example x.isinf() */
  isinf(): DaskArray {
    return this.wrap(unary('isinf', this));
  }
  /** Elementwise logical not (bool). @example mask.logicalNot() */
  logicalNot(): DaskArray {
    return this.wrap(unary('logicalNot', this));
  }
  /** Elementwise logical and (bool). @example a.logicalAnd(b) */
  logicalAnd(other: Operand): DaskArray {
    return this.wrap(this.bin('logicalAnd', other));
  }
  /** Elementwise logical or (bool). @example a.logicalOr(b) */
  logicalOr(other: Operand): DaskArray {
    return this.wrap(this.bin('logicalOr', other));
  }
  /** Elementwise sign: -1, 0 or 1 (NaN stays NaN). @example x.sign() */
  sign(): DaskArray<R> {
    return this.un('sign');
  }
  /** Elementwise square. @example x.square() */
  square(): DaskArray<R> {
    return this.un('square');
  }
  /** Elementwise tangent. @example x.tan() */
  tan(): DaskArray<R> {
    return this.un('tan');
  }
  /** Elementwise hyperbolic tangent. @example x.tanh() */
  tanh(): DaskArray<R> {
    return this.un('tanh');
  }
  /** Elementwise `log(1 + x)`, accurate near 0. @example x.log1p() */
  log1p(): DaskArray<R> {
    return this.un('log1p');
  }
  /** Elementwise `exp(x) - 1`, accurate near 0. @example x.expm1() */
  expm1(): DaskArray<R> {
    return this.un('expm1');
  }
  /** Elementwise floor (a float result, as NumPy's). @example x.floor() */
  floor(): DaskArray<R> {
    return this.un('floor');
  }
  /** Elementwise ceiling. @example x.ceil() */
  ceil(): DaskArray<R> {
    return this.un('ceil');
  }
  private bin(op: BinaryOp, other: Operand): ArraySpec {
    if (typeof other !== 'number' && !isDaskArray(other)) {
      throw new TypeError(
        `${op}: expected a DaskArray or a number, got ${other === null ? 'null' : typeof other}`,
      );
    }
    return binary(op, this, other);
  }
  private un(op: UnaryOp): DaskArray<R> {
    return this.wrap<R>(unary(op, this));
  }
}
