// Column expressions, built by users (`col('a').gt(5).and(col('b').eq('x'))`) and typed against
// a schema when a dataframe uses them, so an unknown column or a type mismatch is an error at
// once, naming the column. An expression travels to kernels as its plain `spec` (JSON-like data),
// which the kernels evaluate on typed arrays (eval.ts). A lazy scalar (a reduction's `Scalar`)
// may be an operand, as in Dask (`df.filter(col('v').gt(df.col('v').mean()))`): its spec names the
// scalar's key, and the expression carries the scalar's graph layer in `needs`, so that the step
// using it depends on it and receives its value (scalar-steps.ts) — one graph, one compute.
import type { GraphLayer } from '@dask-ts/protocol';
import { DTYPE_LIST, isNumeric, isTemporal, typeOf, type DType, type Schema } from './dtypes.js';
import { StrAccessor, strType, type StrFn } from './str.js';
import { DtAccessor, dtType, type DtFn } from './dt.js';
import { parseDateText } from './kernels-dt.js';

/** An expression as data: what kernels evaluate. @internal */
export type ExprSpec =
  | { readonly k: 'col'; readonly name: string }
  | {
      readonly k: 'lit';
      readonly value: number | string | boolean;
      /** A number that is float64 even when integral (a lazy scalar's value). */
      readonly float?: true;
    }
  /** A lazy scalar's value, by the key of the task that computes it (scalar-steps.ts). */
  | { readonly k: 'scalar'; readonly key: string; readonly type: DType }
  | { readonly k: 'ts'; readonly ms: number }
  | { readonly k: 'bin'; readonly op: BinOp; readonly l: ExprSpec; readonly r: ExprSpec }
  | { readonly k: 'not'; readonly x: ExprSpec }
  | { readonly k: 'isNull'; readonly x: ExprSpec }
  | { readonly k: 'null'; readonly type: DType }
  | { readonly k: 'cast'; readonly x: ExprSpec; readonly to: DType }
  | { readonly k: 'fill'; readonly x: ExprSpec; readonly value: ExprSpec }
  | { readonly k: 'isin'; readonly x: ExprSpec; readonly values: readonly Literal[] }
  | {
      readonly k: 'cond';
      readonly cond: ExprSpec;
      readonly then: ExprSpec;
      readonly else: ExprSpec;
    }
  | {
      readonly k: 'str';
      readonly fn: StrFn;
      readonly x: ExprSpec;
      readonly args: readonly (string | number | boolean | null)[];
    }
  | {
      readonly k: 'dt';
      readonly fn: DtFn;
      readonly x: ExprSpec;
      readonly args: readonly (string | number)[];
    };

/**
 * A literal value in an expression.
 *
 * @example
 * const v: Literal = 'x';
 */
export type Literal = number | string | boolean;

const DTYPES = new Set<DType>(DTYPE_LIST);

/** The binary operators. @internal */
export type BinOp = 'add' | 'sub' | 'mul' | 'div' | CmpOp | 'and' | 'or';
/** The comparison operators. @internal */
export type CmpOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/**
 * What an expression asks of a lazy scalar (a `Scalar` from a reduction): its layer and type.
 *
 * @example
 * const { dtype } = df.col('a').sum()[scalarOperand]; // 'float64'
 */
export interface ScalarOperand {
  readonly layer: GraphLayer;
  /** The value's type as an operand; undefined when it is not one number (a record, a list). */
  readonly dtype: DType | undefined;
}

/**
 * Where a `Scalar` says what it is as an operand (scalar.ts).
 *
 * @example
 * const op: ScalarOperand = df.col('a').sum()[scalarOperand];
 */
export const scalarOperand = Symbol('dask-ts.dataframe.scalar-operand');

/**
 * A value that may stand in an expression for one number computed lazily (a `Scalar` from a
 * reduction such as `df.col('a').sum()`).
 *
 * @example
 * const total: LazyNumber = df.col('v').sum();
 */
export interface LazyNumber {
  readonly [scalarOperand]: ScalarOperand;
}

/**
 * What an operand may be: an expression, a literal, or a lazy scalar.
 *
 * @example
 * const x: Operand = 5;
 */
export type Operand = Expr | number | string | boolean | Date | LazyNumber;

/** The lazy scalars an expression uses, by key. @internal */
export type Needs = ReadonlyMap<string, GraphLayer>;
const NO_NEEDS: Needs = new Map();

function needsOf(...xs: readonly Expr[]): Needs {
  const used = xs.filter((x) => x.needs.size > 0);
  if (used.length === 0) return NO_NEEDS;
  if (used.length === 1) return used[0].needs;
  const out = new Map<string, GraphLayer>();
  for (const x of used) for (const [k, l] of x.needs) out.set(k, l);
  return out;
}

const ARITH = new Set<BinOp>(['add', 'sub', 'mul', 'div']);
const LOGIC = new Set<BinOp>(['and', 'or']);

/**
 * A lazy column expression. Arithmetic follows pandas' promotion: int32 with int32 (or an integer
 * literal) stays int32 for `add`, `sub` and `mul` (wrapping on overflow, as numpy does), `div` and
 * anything with a float64 give float64; comparisons and logic yield bool. Dates and timestamps
 * compare with each other, with `Date` values and with ISO 8601 strings (`'2024-03-01'`,
 * `'2024-03-01T12:00:00Z'`), checked when the expression is typed. A category column takes part
 * as its strings (so `fillna` or `where` of one gives utf8). A null
 * operand gives a null result, except that `and` / `or` are three-valued (`null or true` is true,
 * `null and false` is false, as in SQL); a null condition keeps no row in `filter`.
 *
 * @example
 * const e = col('a').mul(2).gt(col('b')).and(col('s').eq('x'));
 */
export class Expr {
  /** The expression as data. @internal */
  readonly spec: ExprSpec;
  /** The lazy scalars it uses. @internal */
  readonly needs: Needs;

  /** @internal */
  constructor(spec: ExprSpec, needs: Needs = NO_NEEDS) {
    this.spec = spec;
    this.needs = needs;
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
    return new Expr({ k: 'not', x: this.spec }, this.needs);
  }
  /** Whether the value is null (never null itself). @example col('a').isNull() */
  isNull(): Expr {
    return new Expr({ k: 'isNull', x: this.spec }, this.needs);
  }

  /** Whether the value is not null. @example col('a').notNull() */
  notNull(): Expr {
    return this.isNull().not();
  }

  /**
   * The value converted to another type: numbers to and from strings (unparsable text is null),
   * float64 to int32 truncates (NaN becomes null), bool to numbers 0 / 1.
   *
   * @example
   * col('a').astype('int32');
   */
  astype(to: DType): Expr {
    if (!DTYPES.has(to))
      throw new TypeError(`astype: unknown type '${String(to)}'; use ${[...DTYPES].join(', ')}`);
    return new Expr({ k: 'cast', x: this.spec, to }, this.needs);
  }

  /** Nulls (and NaN) replaced by a value or another expression. @example col('a').fillna(0) */
  fillna(value: Operand): Expr {
    const v = toExpr(value);
    return new Expr({ k: 'fill', x: this.spec, value: v.spec }, needsOf(this, v));
  }

  /**
   * Whether the value is one of `values` (a null is in no list).
   *
   * @example
   * col('k').isin(['x', 'y']);
   */
  isin(values: readonly Literal[]): Expr {
    if (!Array.isArray(values)) throw new TypeError('isin expects an array of values');
    for (const v of values) lit(v as Literal);
    return new Expr({ k: 'isin', x: this.spec, values: [...values] }, this.needs);
  }

  /**
   * Whether `lo <= this <= hi` (`inclusive`: 'both' (default), 'neither', 'left', 'right').
   *
   * @example
   * col('a').between(1, 5);
   */
  between(
    lo: Operand,
    hi: Operand,
    inclusive: 'both' | 'neither' | 'left' | 'right' = 'both',
  ): Expr {
    const left = inclusive === 'both' || inclusive === 'left';
    const right = inclusive === 'both' || inclusive === 'right';
    return (left ? this.ge(lo) : this.gt(lo)).and(right ? this.le(hi) : this.lt(hi));
  }

  /**
   * The value where `cond` is true, else `other` (default null); a null condition counts as false.
   *
   * @example
   * col('a').where(col('a').gt(0), 0); // negatives become 0
   */
  where(cond: Expr, other?: Operand): Expr {
    const o = other === undefined ? NULL : toExpr(other);
    return new Expr(
      { k: 'cond', cond: cond.spec, then: this.spec, else: o.spec },
      needsOf(this, cond, o),
    );
  }

  /**
   * The value where `cond` is false or null, else `other` (default null): `where`'s opposite.
   *
   * @example
   * col('a').mask(col('a').lt(0)); // negatives become null
   */
  mask(cond: Expr, other?: Operand): Expr {
    const o = other === undefined ? NULL : toExpr(other);
    return new Expr(
      { k: 'cond', cond: cond.spec, then: o.spec, else: this.spec },
      needsOf(this, cond, o),
    );
  }

  /**
   * String functions of a utf8 expression.
   *
   * @example
   * col('name').str.lower().str.startsWith('a');
   */
  get str(): StrAccessor<Expr> {
    return new StrAccessor(
      (fn, args) => new Expr({ k: 'str', fn, x: this.spec, args }, this.needs),
    );
  }

  /**
   * Date functions of a date32 or timestamp expression.
   *
   * @example
   * col('when').dt.year().eq(2024);
   */
  get dt(): DtAccessor<Expr> {
    return new DtAccessor((fn, args) => new Expr({ k: 'dt', fn, x: this.spec, args }, this.needs));
  }

  private bin(op: BinOp, other: Operand): Expr {
    const o = toExpr(other);
    return new Expr({ k: 'bin', op, l: this.spec, r: o.spec }, needsOf(this, o));
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

/** A null of unknown type (where / mask without `other`). */
const NULL = new Expr({ k: 'null', type: 'float64' });

/**
 * A literal value (a `Date` is a timestamp), or a lazy scalar as an expression (its value once
 * computed, in the same graph).
 *
 * @example
 * df.assign({ one: lit(1) });
 * df.filter(col('v').gt(lit(df.col('v').sum()).mul(0.01))); // rows above 1 % of the total
 */
export function lit(value: number | string | boolean | Date | LazyNumber): Expr {
  if (typeof value === 'object' && value !== null && scalarOperand in value) {
    const { layer, dtype } = value[scalarOperand];
    if (dtype === undefined)
      throw new TypeError(
        `lit(): the lazy scalar '${layer.name}' is not one number (a record or a list); compute it first, or use a Series reduction such as df.col('a').sum()`,
      );
    return new Expr({ k: 'scalar', key: layer.name, type: dtype }, new Map([[layer.name, layer]]));
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new RangeError('lit() got an invalid Date');
    return new Expr({ k: 'ts', ms });
  }
  const t = typeof value;
  if (t !== 'number' && t !== 'string' && t !== 'boolean') {
    throw new TypeError(
      t === 'function'
        ? `lit() expects a number, string or boolean, got a function: call it (accessor fields are methods: col('t').dt.year(), col('s').str.len())`
        : `lit() expects a number, string or boolean, got ${t}`,
    );
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
    case 'cast':
    case 'isin':
    case 'str':
    case 'dt':
      columnsOf(spec.x, out);
      break;
    case 'fill':
      columnsOf(spec.x, out);
      columnsOf(spec.value, out);
      break;
    case 'cond':
      columnsOf(spec.cond, out);
      columnsOf(spec.then, out);
      columnsOf(spec.else, out);
      break;
    case 'lit':
    case 'ts':
    case 'null':
    case 'scalar':
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
    case 'ts':
      return 'timestamp';
    case 'scalar':
      return spec.type;
    case 'dt': {
      const t = typeExpr(spec.x, schema, where);
      if (!isTemporal(t))
        throw new TypeError(
          `${where}: dt.${spec.fn} needs a date32 or timestamp operand, got ${describe(spec.x, t)}`,
        );
      return dtType(spec.fn, t);
    }
    case 'isNull':
      typeExpr(spec.x, schema, where);
      return 'bool';
    case 'not': {
      const t = typeExpr(spec.x, schema, where);
      if (t !== 'bool') throw mismatch(where, 'not', spec.x, t, schema);
      return 'bool';
    }
    case 'null':
      return spec.type;
    case 'cast':
      typeExpr(spec.x, schema, where);
      return spec.to;
    case 'fill': {
      const t = plainType(typeExpr(spec.x, schema, where));
      const vt = plainType(typeExpr(spec.value, schema, where));
      return unify(where, 'fillna', spec.x, t, spec.value, vt);
    }
    case 'isin': {
      const t = plainType(typeExpr(spec.x, schema, where));
      for (const v of spec.values) {
        const vt = typeof v === 'number' ? 'float64' : typeof v === 'string' ? 'utf8' : 'bool';
        if (!(vt === t || (vt === 'float64' && isNumeric(t)))) {
          throw new TypeError(
            `${where}: isin of ${describe(spec.x, t)} with ${JSON.stringify(v)} (${vt})`,
          );
        }
      }
      return 'bool';
    }
    case 'cond': {
      const c = typeExpr(spec.cond, schema, where);
      if (c !== 'bool') throw mismatch(where, 'where / mask', spec.cond, c, schema);
      const a = plainType(typeExpr(spec.then, schema, where));
      const b = plainType(typeExpr(spec.else, schema, where));
      return unify(where, 'where / mask', spec.then, a, spec.else, b);
    }
    case 'str': {
      const t = plainType(typeExpr(spec.x, schema, where));
      if (t !== 'utf8')
        throw new TypeError(
          `${where}: str.${spec.fn} needs a utf8 operand, got ${describe(spec.x, t)}`,
        );
      return strType(spec.fn);
    }
    case 'bin': {
      const l = plainType(typeExpr(spec.l, schema, where));
      const r = plainType(typeExpr(spec.r, schema, where));
      const ok = ARITH.has(spec.op)
        ? isNumeric(l) && isNumeric(r)
        : LOGIC.has(spec.op)
          ? l === 'bool' && r === 'bool'
          : (isNumeric(l) && isNumeric(r)) ||
            temporalOperands(where, spec.l, l, spec.r, r) ||
            (l === r && (l === 'utf8' || spec.op === 'eq' || spec.op === 'ne'));
      if (!ok) {
        throw new TypeError(
          `${where}: type mismatch in ${show(spec)}: ${describe(spec.l, l)} ${spec.op} ${describe(spec.r, r)}`,
        );
      }
      return ARITH.has(spec.op) ? arithType(spec.op, l, r, spec.l, spec.r) : 'bool';
    }
  }
}

/**
 * Whether two operands compare as dates: both temporal, or one temporal and the other a string
 * literal that parses as ISO 8601 (an error naming the literal when it does not). @internal
 */
export function temporalOperands(
  where: string,
  ls: ExprSpec,
  l: DType,
  rs: ExprSpec,
  r: DType,
): boolean {
  if (isTemporal(l) && isTemporal(r)) return true;
  const [t, other] = isTemporal(l) ? [l, rs] : isTemporal(r) ? [r, ls] : [undefined, undefined];
  if (t === undefined || other?.k !== 'lit' || typeof other.value !== 'string') return false;
  if (Number.isNaN(parseDateText(other.value)))
    throw new TypeError(
      `${where}: ${JSON.stringify(other.value)} is not an ISO 8601 date or timestamp ('2024-03-01' or '2024-03-01T12:30:00Z'), so it cannot be compared with a ${t}`,
    );
  return true;
}

/** A category takes part in operators as its strings. @internal */
export const plainType = (t: DType): DType => (t === 'category' ? 'utf8' : t);

/** Whether a spec is an integer literal that fits int32 (it does not widen an int32 column). */
const intLiteral = (s: ExprSpec): boolean =>
  s.k === 'lit' && s.float !== true && typeof s.value === 'number' && (s.value | 0) === s.value;

/**
 * The type of `l op r` for numeric operands, as pandas promotes: int32 with int32 or with an
 * integer literal stays int32 for add / sub / mul; div, or a float64 operand, gives float64.
 * @internal
 */
export function arithType(op: BinOp, l: DType, r: DType, ls: ExprSpec, rs: ExprSpec): DType {
  if (op === 'div') return 'float64';
  const li = l === 'int32' || intLiteral(ls);
  const ri = r === 'int32' || intLiteral(rs);
  return li && ri && (l === 'int32' || r === 'int32') ? 'int32' : 'float64';
}

/** The common type of two branches (fillna, where): equal types, or numbers widened. */
function unify(where: string, op: string, a: ExprSpec, ta: DType, b: ExprSpec, tb: DType): DType {
  if (b.k === 'null') return ta;
  if (a.k === 'null') return tb;
  if (ta === tb) return ta;
  if (isNumeric(ta) && isNumeric(tb)) {
    if (ta === 'int32' && intLiteral(b)) return 'int32';
    if (tb === 'int32' && intLiteral(a)) return 'int32';
    return 'float64';
  }
  throw new TypeError(`${where}: ${op} mixes ${describe(a, ta)} and ${describe(b, tb)}`);
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
    case 'ts':
      return `timestamp(${new Date(spec.ms).toISOString()})`;
    case 'scalar':
      return `scalar('${spec.key}')`;
    case 'dt':
      return `${show(spec.x)}.dt.${spec.fn}(${spec.args.map((a) => JSON.stringify(a)).join(', ')})`;
    case 'not':
      return `not(${show(spec.x)})`;
    case 'isNull':
      return `isNull(${show(spec.x)})`;
    case 'bin':
      return `(${show(spec.l)} ${spec.op} ${show(spec.r)})`;
    case 'null':
      return 'null';
    case 'cast':
      return `${show(spec.x)}.astype(${spec.to})`;
    case 'fill':
      return `${show(spec.x)}.fillna(${show(spec.value)})`;
    case 'isin':
      return `${show(spec.x)}.isin(${JSON.stringify(spec.values)})`;
    case 'cond':
      return `where(${show(spec.cond)}, ${show(spec.then)}, ${show(spec.else)})`;
    case 'str':
      return `${show(spec.x)}.str.${spec.fn}(${spec.args.map((a) => JSON.stringify(a)).join(', ')})`;
  }
}
