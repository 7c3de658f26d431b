// Column expressions, built by users (`col('a').gt(5).and(col('b').eq('x'))`) and typed against
// a schema when a dataframe uses them, so an unknown column or a type mismatch is an error at
// once, naming the column. An expression travels to kernels as its plain `spec` (JSON-like data),
// which the kernels evaluate on typed arrays (eval.ts).
import { isNumeric, typeOf, type DType, type Schema } from './dtypes.js';

/** An expression as data: what kernels evaluate. @internal */
export type ExprSpec =
  | { readonly k: 'col'; readonly name: string }
  | { readonly k: 'lit'; readonly value: number | string | boolean }
  | { readonly k: 'bin'; readonly op: BinOp; readonly l: ExprSpec; readonly r: ExprSpec }
  | { readonly k: 'not'; readonly x: ExprSpec }
  | { readonly k: 'isNull'; readonly x: ExprSpec };

/** The binary operators. @internal */
export type BinOp = 'add' | 'sub' | 'mul' | 'div' | CmpOp | 'and' | 'or';
/** The comparison operators. @internal */
export type CmpOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/**
 * What an operand may be: an expression or a literal.
 *
 * @example
 * const x: Operand = 5;
 */
export type Operand = Expr | number | string | boolean;

const ARITH = new Set<BinOp>(['add', 'sub', 'mul', 'div']);
const LOGIC = new Set<BinOp>(['and', 'or']);

/**
 * A lazy column expression. Arithmetic yields float64; comparisons and logic yield bool. A null
 * operand gives a null result, except that `and` / `or` are three-valued (`null or true` is true,
 * `null and false` is false, as in SQL); a null condition keeps no row in `filter`.
 *
 * @example
 * const e = col('a').mul(2).gt(col('b')).and(col('s').eq('x'));
 */
export class Expr {
  /** The expression as data. @internal */
  readonly spec: ExprSpec;

  /** @internal */
  constructor(spec: ExprSpec) {
    this.spec = spec;
  }

  /** `this + other`. @example col('a').add(1) */
  add(other: Operand): Expr {
    return this.bin('add', other);
  }
  /** `this - other`. @example col('a').sub(col('b')) */
  sub(other: Operand): Expr {
    return this.bin('sub', other);
  }
  /** `this * other`. @example col('a').mul(2) */
  mul(other: Operand): Expr {
    return this.bin('mul', other);
  }
  /** `this / other`. @example col('a').div(2) */
  div(other: Operand): Expr {
    return this.bin('div', other);
  }
  /** `this == other`. @example col('s').eq('x') */
  eq(other: Operand): Expr {
    return this.bin('eq', other);
  }
  /** `this != other`. @example col('s').ne('x') */
  ne(other: Operand): Expr {
    return this.bin('ne', other);
  }
  /** `this > other`. @example col('a').gt(5) */
  gt(other: Operand): Expr {
    return this.bin('gt', other);
  }
  /** `this >= other`. @example col('a').ge(5) */
  ge(other: Operand): Expr {
    return this.bin('ge', other);
  }
  /** `this < other`. @example col('a').lt(5) */
  lt(other: Operand): Expr {
    return this.bin('lt', other);
  }
  /** `this <= other`. @example col('a').le(5) */
  le(other: Operand): Expr {
    return this.bin('le', other);
  }
  /** Logical and of two bool expressions. @example col('a').gt(1).and(col('b').lt(2)) */
  and(other: Operand): Expr {
    return this.bin('and', other);
  }
  /** Logical or of two bool expressions. @example col('a').gt(1).or(col('b').lt(2)) */
  or(other: Operand): Expr {
    return this.bin('or', other);
  }
  /** Logical not of a bool expression. @example col('a').gt(1).not() */
  not(): Expr {
    return new Expr({ k: 'not', x: this.spec });
  }
  /** Whether the value is null (never null itself). @example col('a').isNull() */
  isNull(): Expr {
    return new Expr({ k: 'isNull', x: this.spec });
  }

  private bin(op: BinOp, other: Operand): Expr {
    return new Expr({ k: 'bin', op, l: this.spec, r: toExpr(other).spec });
  }

  /** The expression as text. @example String(col('a').gt(5)) // "(col('a') gt 5)" */
  toString(): string {
    return show(this.spec);
  }
}

/**
 * A reference to a column, by name.
 *
 * @example
 * df.filter(col('a').gt(5));
 */
export function col(name: string): Expr {
  if (typeof name !== 'string')
    throw new TypeError(`col() expects a column name, got ${typeof name}`);
  return new Expr({ k: 'col', name });
}

/**
 * A literal value.
 *
 * @example
 * df.assign({ one: lit(1) });
 */
export function lit(value: number | string | boolean): Expr {
  const t = typeof value;
  if (t !== 'number' && t !== 'string' && t !== 'boolean') {
    throw new TypeError(`lit() expects a number, string or boolean, got ${t}`);
  }
  return new Expr({ k: 'lit', value });
}

/** An operand as an expression. @internal */
export function toExpr(x: Operand): Expr {
  return x instanceof Expr ? x : lit(x);
}

/** The columns an expression reads. @internal */
export function columnsOf(spec: ExprSpec, out = new Set<string>()): Set<string> {
  switch (spec.k) {
    case 'col':
      out.add(spec.name);
      break;
    case 'bin':
      columnsOf(spec.l, out);
      columnsOf(spec.r, out);
      break;
    case 'not':
    case 'isNull':
      columnsOf(spec.x, out);
      break;
  }
  return out;
}

/**
 * The type of an expression over `schema`; an unknown column or a type mismatch is an error
 * naming the column(s) and the operator. @internal
 */
export function typeExpr(spec: ExprSpec, schema: Schema, where: string): DType {
  switch (spec.k) {
    case 'col':
      return typeOf(schema, spec.name, where);
    case 'lit':
      return typeof spec.value === 'number'
        ? 'float64'
        : typeof spec.value === 'string'
          ? 'utf8'
          : 'bool';
    case 'isNull':
      typeExpr(spec.x, schema, where);
      return 'bool';
    case 'not': {
      const t = typeExpr(spec.x, schema, where);
      if (t !== 'bool') throw mismatch(where, 'not', spec.x, t, schema);
      return 'bool';
    }
    case 'bin': {
      const l = typeExpr(spec.l, schema, where);
      const r = typeExpr(spec.r, schema, where);
      const ok = ARITH.has(spec.op)
        ? isNumeric(l) && isNumeric(r)
        : LOGIC.has(spec.op)
          ? l === 'bool' && r === 'bool'
          : (isNumeric(l) && isNumeric(r)) ||
            (l === r && (l === 'utf8' || spec.op === 'eq' || spec.op === 'ne'));
      if (!ok) {
        throw new TypeError(
          `${where}: type mismatch in ${show(spec)}: ${describe(spec.l, l)} ${spec.op} ${describe(spec.r, r)}`,
        );
      }
      return ARITH.has(spec.op) ? 'float64' : 'bool';
    }
  }
}

function mismatch(where: string, op: string, x: ExprSpec, t: DType, _s: Schema): TypeError {
  return new TypeError(`${where}: ${op} needs a bool operand, got ${describe(x, t)}`);
}

function describe(spec: ExprSpec, t: DType): string {
  return spec.k === 'col' ? `column '${spec.name}' (${t})` : `${show(spec)} (${t})`;
}

function show(spec: ExprSpec): string {
  switch (spec.k) {
    case 'col':
      return `col('${spec.name}')`;
    case 'lit':
      return JSON.stringify(spec.value);
    case 'not':
      return `not(${show(spec.x)})`;
    case 'isNull':
      return `isNull(${show(spec.x)})`;
    case 'bin':
      return `(${show(spec.l)} ${spec.op} ${show(spec.r)})`;
  }
}
