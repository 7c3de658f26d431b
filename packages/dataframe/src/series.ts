// A Series: one column of a DataFrame, as an expression over that dataframe (`base`), so that
// arithmetic and comparisons between columns of the same dataframe, and with scalars, stay one
// row-wise step. Computing it gives an Arrow `Vector`.
import type { Vector } from 'apache-arrow';
import {
  daskFinalize,
  daskFinalizeRef,
  daskGraph,
  daskKeys,
  daskLayers,
  daskOptimize,
  type Collection,
  type GraphLayer,
  type GraphNode,
  type LayerOptimizer,
  type PortableFunctionRef,
} from '@dask-ts/protocol';
import { compute, layeredGraph, tokenizeSymbol, type GraphComputeOptions } from '@dask-ts/graph';
import { isNumeric, type DType } from './dtypes.js';
import { Expr, toExpr, typeExpr, type Operand } from './expr.js';
import { kernels, seriesOfParts } from './kernels.js';
import { optimizeDataFrame } from './fusion.js';
import type { Table } from 'apache-arrow';
import type { DataFrame } from './frame.js';
import { Scalar } from './scalar.js';
import type { DType as ColumnType } from './dtypes.js';
import type { Literal } from './expr.js';
import { StrAccessor } from './str.js';
import { DtAccessor } from './dt.js';
import { withSpillCleanup } from './shuffle-disk.js';
import { CatAccessor } from './cat.js';
import { columnScalar } from './ops-agg.js';
import { columnQuantile, type QuantileOptions } from './describe.js';
import { col } from './expr.js';
import { Rolling, cumFrame, diffFrame, shiftFrame, type RollingOptions } from './window.js';

/**
 * One lazy column. Get one with `df.col(name)`; combine columns of the same dataframe with
 * `add`, `gt`, `and`, ...
 *
 * @example
 * const s = df.col('a').mul(2).add(df.col('b'));
 * await s.sum().compute();
 */
export class Series implements Collection<Vector> {
  /** The column's type. @example df.col('a').gt(1).dtype // 'bool' */
  readonly dtype: DType;

  /** @internal */
  constructor(
    readonly base: DataFrame,
    readonly expr: Expr,
    readonly name: string,
  ) {
    this.dtype = typeExpr(expr.spec, base.schema, `Series(${name})`);
  }

  /** The number of partitions. @example df.col('a').npartitions */
  get npartitions(): number {
    return this.base.npartitions;
  }

  /** The one-column dataframe this series computes. @example s.toFrame().columns // ['a'] */
  toFrame(): DataFrame {
    const s = this.expr.spec;
    if (s.k === 'col' && s.name === this.name) return this.base.select([this.name]);
    return this.base.assign({ [this.name]: this.expr }).select([this.name]);
  }

  /** This series' expression, for use over `frame` (it must be the series' own dataframe). @internal */
  exprOver(frame: DataFrame, what: string): Expr {
    if (frame.layer.name !== this.base.layer.name) {
      throw new Error(
        `${what}: the series '${this.name}' belongs to another dataframe; use col('${this.name}') expressions over one dataframe`,
      );
    }
    return this.expr;
  }

  private op(other: Operand | Series, f: (a: Expr, b: Expr) => Expr): Series {
    const b =
      other instanceof Series ? other.exprOver(this.base, `Series(${this.name})`) : toExpr(other);
    return new Series(this.base, f(this.expr, b), this.name);
  }

  /** `this + other`. @example s.add(1) */
  add(other: Operand | Series): Series {
    return this.op(other, (a, b) => a.add(b));
  }
  /** `this - other`. @example s.sub(1) */
  sub(other: Operand | Series): Series {
    return this.op(other, (a, b) => a.sub(b));
  }
  /** `this * other`. @example s.mul(2) */
  mul(other: Operand | Series): Series {
    return this.op(other, (a, b) => a.mul(b));
  }
  /** `this / other`. @example s.div(2) */
  div(other: Operand | Series): Series {
    return this.op(other, (a, b) => a.div(b));
  }
  /** `this == other`. @example s.eq('x') */
  eq(other: Operand | Series): Series {
    return this.op(other, (a, b) => a.eq(b));
  }
  /** `this != other`. @example s.ne('x') */
  ne(other: Operand | Series): Series {
    return this.op(other, (a, b) => a.ne(b));
  }
  /** `this > other`. @example s.gt(5) */
  gt(other: Operand | Series): Series {
    return this.op(other, (a, b) => a.gt(b));
  }
  /** `this >= other`. @example s.ge(5) */
  ge(other: Operand | Series): Series {
    return this.op(other, (a, b) => a.ge(b));
  }
  /** `this < other`. @example s.lt(5) */
  lt(other: Operand | Series): Series {
    return this.op(other, (a, b) => a.lt(b));
  }
  /** `this <= other`. @example s.le(5) */
  le(other: Operand | Series): Series {
    return this.op(other, (a, b) => a.le(b));
  }
  /** Logical and. @example s.gt(1).and(s.lt(5)) */
  and(other: Operand | Series): Series {
    return this.op(other, (a, b) => a.and(b));
  }
  /** Logical or. @example s.lt(1).or(s.gt(5)) */
  or(other: Operand | Series): Series {
    return this.op(other, (a, b) => a.or(b));
  }

  /** Whether the value is null (or NaN). @example s.isNull() */
  isNull(): Series {
    return new Series(this.base, this.expr.isNull(), this.name);
  }
  /** Whether the value is present. @example s.notNull() */
  notNull(): Series {
    return new Series(this.base, this.expr.notNull(), this.name);
  }
  /** Logical not. @example s.gt(1).not() */
  not(): Series {
    return new Series(this.base, this.expr.not(), this.name);
  }
  /** Converted to another type. @example s.astype('int32') */
  astype(to: ColumnType): Series {
    return new Series(this.base, this.expr.astype(to), this.name);
  }
  /** Nulls (and NaN) replaced. @example s.fillna(0) */
  fillna(value: Operand | Series): Series {
    return this.op(value, (a, b) => a.fillna(b));
  }
  /** Whether the value is one of `values`. @example s.isin(['x', 'y']) */
  isin(values: readonly Literal[]): Series {
    return new Series(this.base, this.expr.isin(values), this.name);
  }
  /** Whether `lo <= value <= hi` (see `Expr.between`). @example s.between(1, 5) */
  between(
    lo: Operand,
    hi: Operand,
    inclusive: 'both' | 'neither' | 'left' | 'right' = 'both',
  ): Series {
    return new Series(this.base, this.expr.between(lo, hi, inclusive), this.name);
  }
  /** The value where `cond` is true, else `other` (default null). @example s.where(s.gt(0), 0) */
  where(cond: Series | Expr, other?: Operand | Series): Series {
    return this.branch(cond, other, false);
  }
  /** The value where `cond` is false or null, else `other` (default null). @example s.mask(s.lt(0)) */
  mask(cond: Series | Expr, other?: Operand | Series): Series {
    return this.branch(cond, other, true);
  }
  private branch(cond: Series | Expr, other: Operand | Series | undefined, mask: boolean): Series {
    const what = `Series(${this.name}).${mask ? 'mask' : 'where'}`;
    const c = cond instanceof Series ? cond.exprOver(this.base, what) : cond;
    const o = other instanceof Series ? other.exprOver(this.base, what) : other;
    const e = mask ? this.expr.mask(c, o) : this.expr.where(c, o);
    return new Series(this.base, e, this.name);
  }
  /** String functions of a utf8 series. @example s.str.upper() */
  get str(): StrAccessor<Series> {
    return new StrAccessor<Series>(
      (fn, args) =>
        new Series(this.base, new Expr({ k: 'str', fn, x: this.expr.spec, args }), this.name),
    );
  }

  /**
   * Date functions of a date32 or timestamp series (a mismatch is an error at once).
   *
   * @example
   * df.col('when').dt.month();
   */
  get dt(): DtAccessor<Series> {
    return new DtAccessor<Series>(
      (fn, args) =>
        new Series(this.base, new Expr({ k: 'dt', fn, x: this.expr.spec, args }), this.name),
    );
  }

  /**
   * Category functions of a category (or utf8) series: the whole column's categories and codes.
   *
   * @example
   * df.col('k').astype('category').cat.codes();
   */
  get cat(): CatAccessor<Series> {
    const frame = this.toFrame();
    return new CatAccessor<Series>(
      frame,
      this.name,
      (f) => new Series(f, col(this.name), this.name),
    );
  }

  /**
   * `s` as a number operand of expressions (float64), when its value is one number: a numeric
   * column's reduction, or a count (`always`).
   */
  private number<T>(s: Scalar<T>, always = false): Scalar<T> {
    return always || isNumeric(this.dtype) ? new Scalar<T>(s.layer, 'float64') : s;
  }

  /** The sum (nulls skipped). @example await s.sum().compute() */
  sum(): Scalar<number> {
    return this.number(this.toFrame().reduce('sum', true) as Scalar<number>);
  }
  /** The mean (NaN when empty). @example await s.mean().compute() */
  mean(): Scalar<number> {
    return this.number(this.toFrame().reduce('mean', true) as Scalar<number>);
  }
  /** The minimum (NaN when empty). @example await s.min().compute() */
  min(): Scalar<number> {
    return this.number(this.toFrame().reduce('min', true) as Scalar<number>);
  }
  /** The maximum (NaN when empty). @example await s.max().compute() */
  max(): Scalar<number> {
    return this.number(this.toFrame().reduce('max', true) as Scalar<number>);
  }
  /** The number of non-null values. @example await s.count().compute() */
  count(): Scalar<number> {
    return this.number(this.toFrame().reduce('count', true) as Scalar<number>, true);
  }

  private windowed(f: (frame: DataFrame) => DataFrame): Series {
    return new Series(f(this.toFrame()), col(this.name), this.name);
  }
  /** Moved down by `periods` rows (up when negative), across partitions. @example s.shift(1) */
  shift(periods = 1): Series {
    return this.windowed((f) => shiftFrame(f, periods));
  }
  /** Each value minus the one `periods` rows before. @example s.diff() */
  diff(periods = 1): Series {
    return this.windowed((f) => diffFrame(f, periods));
  }
  /** Running sum (nulls skipped). @example s.cumsum() */
  cumsum(): Series {
    return this.windowed((f) => cumFrame(f, 'sum'));
  }
  /** Running product. @example s.cumprod() */
  cumprod(): Series {
    return this.windowed((f) => cumFrame(f, 'prod'));
  }
  /** Running maximum. @example s.cummax() */
  cummax(): Series {
    return this.windowed((f) => cumFrame(f, 'max'));
  }
  /** Running minimum. @example s.cummin() */
  cummin(): Series {
    return this.windowed((f) => cumFrame(f, 'min'));
  }
  /**
   * Rolling windows of this column; each aggregation gives a Series (float64), as in pandas.
   *
   * @example
   * await df.col('a').rolling(3).mean().compute(); // a Vector
   */
  rolling(window: number, options: Omit<RollingOptions, 'columns'> = {}): Rolling<Series> {
    return new Rolling(
      this.toFrame(),
      window,
      options,
      (out) => new Series(out, col(this.name), this.name),
    );
  }

  /**
   * Quantiles (linear interpolation, as pandas): a number for one `q`, an array for several.
   * Exact by default: the column's non-null values meet, sorted, in one task. With
   * `{ method: 'approx' }` each partition sends a 201-point summary instead, and the answer's rank
   * is within 0.5% of `q` (for data too large to meet in one task).
   *
   * @example
   * await s.quantile([0.1, 0.9]).compute();
   * await s.quantile(0.99, { method: 'approx' }).compute();
   */
  quantile<Q extends number | readonly number[]>(
    q: Q,
    options: QuantileOptions = {},
  ): Scalar<Q extends number ? number : number[]> {
    const out = columnQuantile<Q extends number ? number : number[]>(
      this.toFrame(),
      this.name,
      q,
      options,
    );
    return typeof q === 'number' ? this.number(out) : out;
  }
  /** The exact median. @example await s.median().compute() */
  median(): Scalar<number> {
    return this.number(columnQuantile<number>(this.toFrame(), this.name, 0.5));
  }

  /** The number of rows, nulls included. @example await s.size().compute() */
  size(): Scalar<number> {
    return this.number(columnScalar<number>(this.toFrame(), this.name, 'size', 0), true);
  }
  /** The sample standard deviation (ddof 1). @example await s.std().compute() */
  std(): Scalar<number> {
    return this.number(columnScalar<number>(this.toFrame(), this.name, 'std', NaN));
  }
  /** The sample variance (ddof 1). @example await s.var().compute() */
  var(): Scalar<number> {
    return this.number(columnScalar<number>(this.toFrame(), this.name, 'var', NaN));
  }
  /** The exact number of distinct non-null values. @example await s.nunique().compute() */
  nunique(): Scalar<number> {
    return this.number(columnScalar<number>(this.toFrame(), this.name, 'nunique', 0), true);
  }
  /** The first non-null value (null when none). @example await s.first().compute() */
  first(): Scalar<unknown> {
    return this.number(columnScalar<unknown>(this.toFrame(), this.name, 'first', null));
  }
  /** The last non-null value (null when none). @example await s.last().compute() */
  last(): Scalar<unknown> {
    return this.number(columnScalar<unknown>(this.toFrame(), this.name, 'last', null));
  }
  /**
   * Each distinct non-null value and how many rows hold it, most frequent first (ties by value):
   * a one-partition DataFrame with columns `<name>` and `count`.
   *
   * @example
   * await df.col('k').valueCounts().compute();
   */
  valueCounts(): DataFrame {
    const counts = this.toFrame()
      .groupby(this.name)
      .agg({ count: [this.name, 'size'] });
    return counts.sortValues(['count', this.name], { ascending: [false, true] });
  }

  /** The optimized plan. @example console.log(s.explain()) */
  explain(): string {
    return this.toFrame().explain();
  }

  /**
   * Computes the column as one Arrow `Vector`.
   *
   * @example
   * const v = await df.col('a').compute({ scheduler: 'sync' });
   */
  async compute(options: GraphComputeOptions = {}): Promise<Vector> {
    const [v] = await withSpillCleanup([this.base.layer], () => compute(this, options));
    return v;
  }

  [daskLayers](): readonly GraphLayer[] {
    return this.toFrame()[daskLayers]();
  }
  get [daskOptimize](): LayerOptimizer {
    return optimizeDataFrame;
  }
  [daskGraph](): Map<string, GraphNode> {
    return layeredGraph(this);
  }
  [daskKeys](): string[] {
    return this.toFrame()[daskKeys]();
  }
  [daskFinalize](values: readonly unknown[]): Vector {
    return seriesOfParts(values as Table[]);
  }
  [daskFinalizeRef](): PortableFunctionRef {
    return kernels.ref('seriesList');
  }
  [tokenizeSymbol](): unknown {
    return ['Series', this.toFrame().layer.name];
  }
  /** A one-line description. @example String(x) */
  toString(): string {
    return `Series<${this.name}: ${this.dtype}, npartitions=${this.npartitions}>`;
  }
}
