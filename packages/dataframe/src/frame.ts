// The DataFrame collection: a lazy, partitioned table whose partitions are Arrow tables. Each
// operation adds a layer (layers.ts) and derives the output schema from its input's, so the schema
// is known without computing and a bad expression fails when it is built. The optimizer
// (fusion.ts) fuses row-wise steps and pushes projections into readers before lowering to tasks.
// Whole-frame aggregates live in frame-reductions.ts (the base class), GroupBy in groupby.ts.
import type { Table } from 'apache-arrow';
import {
  daskFinalize,
  daskFinalizeRef,
  daskGraph,
  daskKeys,
  daskLayers,
  daskOptimize,
  daskRebuild,
  type Collection,
  type GraphLayer,
  type GraphNode,
  type LayerOptimizer,
  type PortableFunctionRef,
} from '@dask-ts/protocol';
import {
  compute,
  dataLayer,
  persist,
  tokenize,
  tokenizeSymbol,
  layeredGraph,
  type GraphComputeOptions,
} from '@dask-ts/graph';
import { typeOf, type DType, type Schema } from './dtypes.js';
import { Expr, col, toExpr, typeExpr, type Needs, type Operand } from './expr.js';
import { concatParts, kernels } from './kernels.js';
import type { AggName } from './kernels-agg.js';
import { partKey } from './layers.js';
import { stepLayer } from './scalar-steps.js';
import { optimizeDataFrame } from './fusion.js';
import { keepRanges } from './ranges.js';
import { sharedPartition } from './shared-memory.js';
import { explainPlan } from './explain.js';
import type { Step } from './steps.js';
import { Series } from './series.js';
import {
  recordsOfTable,
  toArrowIpc,
  toJson,
  toParquet,
  type ToArrowIpcOptions,
  type ToJsonOptions,
  type ToParquetOptions,
} from './io-write.js';
import { partitionsToDelayed } from './io-partition.js';
import type { Delayed, UserFn } from '@dask-ts/graph';
import type { Literal } from './expr.js';
import { parseQuery } from './query.js';
import type { AggSpec, GroupByOptions } from './ops-agg.js';
import { FrameReductions } from './frame-reductions.js';
import { GroupBy } from './groupby.js';
import {
  astype,
  dropna,
  fillna,
  mapPartitions,
  type DropnaOptions,
  type MapPartitionsOptions,
  type PartitionResult,
} from './ops-frame.js';
import { withSpillCleanup } from './shuffle-disk.js';
import * as danfo from './danfo.js';
import { headFrame, tailFrame } from './head-tail.js';
import {
  indexAfterStep,
  loc,
  repartitionDivisions,
  setIndex,
  type FrameIndex,
  type IndexValue,
  type LocRange,
  type SetIndexOptions,
} from './index-ops.js';
import { merge, type MergeOptions } from './merge.js';
import { Rolling, cumFrame, diffFrame, shiftFrame, type RollingOptions } from './window.js';
import {
  dropDuplicates,
  nlargest,
  repartition,
  sortValues,
  type DropDuplicatesKeep,
  type DropDuplicatesSubset,
  type SortOptions,
} from './sort.js';

export type { AggName, AggSpec };
export { GroupBy };

/**
 * A lazy dataframe in `npartitions` partitions, each an Arrow `Table`; `schema` is known without
 * computing. Build one with `fromColumns`, `fromRecords`, `fromArrow` or `readCsv`.
 *
 * @example
 * const df = fromColumns({ a: [1, 2, 3], b: ['x', 'y', 'x'] }, { npartitions: 2 });
 * const t = await df.filter(col('b').eq('x')).assign({ c: col('a').mul(2) }).compute();
 * t.getChild('c')?.toArray(); // Float64Array [2, 6]
 */
export class DataFrame extends FrameReductions implements Collection<Table> {
  /**
   * @param layer - the layer whose keys `[layer.name, i]` are the partitions
   * @param npartitions - how many partitions (`df.npartitions // 4`)
   * @param schema - the columns and their types (`df.schema // [['a', 'float64']]`)
   * @internal
   */
  constructor(
    readonly layer: GraphLayer,
    readonly npartitions: number,
    readonly schema: Schema,
    readonly index?: FrameIndex,
  ) {
    super();
  }

  /**
   * The index's divisions (`npartitions + 1` values) when known: after `setIndex`, kept by
   * row-wise steps. Dates and timestamps are in milliseconds.
   *
   * @example
   * (await df.setIndex('id')).divisions // [0, 250, 500, 750, 999]
   */
  get divisions(): readonly IndexValue[] | undefined {
    return this.index?.divisions;
  }

  /** Whether the divisions are known. @example df.knownDivisions // false */
  get knownDivisions(): boolean {
    return this.index?.divisions !== undefined;
  }

  /** The same dataframe with another index description. @internal */
  withIndex(index: FrameIndex | undefined): DataFrame {
    return new DataFrame(this.layer, this.npartitions, this.schema, index);
  }

  /**
   * Sorted by `column`, which becomes the index: its divisions are sampled from the data (one
   * small compute, as Dask's `set_index`; `options` may give them, or a partition count), each
   * partition then holds one range of values, sorted; rows with a null index come last. The column
   * stays a column.
   *
   * @example
   * const byId = await df.setIndex('id');
   * byId.divisions; // known
   * await byId.loc({ from: 10, to: 20 }).compute(); // reads only the partitions holding 10..20
   */
  setIndex(column: string, options: SetIndexOptions = {}): Promise<DataFrame> {
    return setIndex(this, column, options);
  }

  /**
   * The rows whose index equals a label, or lies within `{ from, to }` (both included; either
   * may be left out). With known divisions only the partitions that can hold them are read.
   *
   * @example
   * indexed.loc('2024-03-01'); indexed.loc({ from: 100, to: 200 });
   */
  loc(key: IndexValue | Date | LocRange, ...rest: never[]): DataFrame {
    return loc(this, key, ...rest);
  }

  /** The column names, in order. @example df.columns // ['a', 'b'] */
  get columns(): string[] {
    return this.schema.map(([n]) => n);
  }

  /** Each column's type. @example df.dtypes // { a: 'float64', b: 'utf8' } */
  get dtypes(): Record<string, DType> {
    return Object.fromEntries(this.schema);
  }

  private at(op: string): string {
    return `DataFrame.${op}`;
  }

  private pipeless(): DataFrame {
    return new DataFrame(this.layer, this.npartitions, this.schema, this.index);
  }

  /** A dataframe over another layer (what operations planned in other files return). @internal */
  derive(layer: GraphLayer, npartitions: number, schema: Schema): DataFrame {
    return new DataFrame(layer, npartitions, schema);
  }

  /** A row-wise step; `needs`: the lazy scalars its expression uses. @internal */
  pipe(op: string, step: Step, schema: Schema, needs?: Needs): DataFrame {
    const name = `${op}-${tokenize(this.layer.name, step)}`;
    const cols = schema.map(([n]) => n);
    const layer = stepLayer(name, this.layer, step, this.npartitions, cols, needs);
    return new DataFrame(layer, this.npartitions, schema, indexAfterStep(this.index, step));
  }

  /** Only these columns, in this order. @example df.select(['b', 'a']) */
  select(columns: readonly string[]): DataFrame {
    if (!Array.isArray(columns))
      throw new TypeError('DataFrame.select expects an array of column names');
    const schema = columns.map((c) => [c, typeOf(this.schema, c, this.at('select'))] as const);
    return this.pipe('select', { op: 'select', cols: [...columns] }, schema);
  }

  /** One column as a Series. @example df.col('a').sum() */
  col(name: string): Series {
    typeOf(this.schema, name, this.at('col'));
    return new Series(this, col(name), name);
  }

  /** One column as a Series (as `col`). @example df.get('a') */
  get(name: string): Series {
    return this.col(name);
  }

  /**
   * New or replaced columns from expressions (or literals, or Series of this dataframe's columns),
   * evaluated in order, so a later one may read an earlier one.
   *
   * @example
   * df.assign({ c: col('a').add(col('b')), flag: col('a').gt(0) })
   */
  assign(exprs: Readonly<Record<string, Operand | Series>>): DataFrame {
    let out = this.pipeless();
    for (const [name, e] of Object.entries(exprs)) {
      const expr = e instanceof Series ? e.exprOver(this, name) : toExpr(e);
      const t = typeExpr(expr.spec, out.schema, `${this.at('assign')}(${name})`);
      const schema: [string, DType][] = out.schema.map(([n, d]) => [n, n === name ? t : d]);
      if (!schema.some(([n]) => n === name)) schema.push([name, t]);
      out = out.pipe('assign', { op: 'assign', name, expr: expr.spec }, schema, expr.needs);
    }
    return out;
  }

  /** The rows where a bool expression is true (null counts as false). @example df.filter(col('a').gt(5)) */
  filter(cond: Expr): DataFrame {
    if (!(cond instanceof Expr))
      throw new TypeError('DataFrame.filter expects an expression, such as col("a").gt(5)');
    const t = typeExpr(cond.spec, this.schema, this.at('filter'));
    if (t !== 'bool')
      throw new TypeError(`DataFrame.filter: the condition ${String(cond)} is ${t}, not bool`);
    return this.pipe('filter', { op: 'filter', expr: cond.spec }, this.schema, cond.needs);
  }

  /** The rows where a bool expression is true (as `filter`). @example df.where(col('b').eq('x')) */
  where(cond: Expr): DataFrame {
    return this.filter(cond);
  }

  /** Without these columns. @example df.drop(['b']) */
  drop(columns: readonly string[]): DataFrame {
    for (const c of columns) typeOf(this.schema, c, this.at('drop'));
    const gone = new Set(columns);
    return this.pipe(
      'drop',
      { op: 'drop', cols: [...columns] },
      this.schema.filter(([n]) => !gone.has(n)),
    );
  }

  /** Renames columns. @example df.rename({ a: 'alpha' }) */
  rename(mapping: Readonly<Record<string, string>>): DataFrame {
    const map = Object.entries(mapping);
    for (const [from] of map) typeOf(this.schema, from, this.at('rename'));
    const m = new Map(map);
    const schema = this.schema.map(([n, t]) => [m.get(n) ?? n, t] as const);
    const names = schema.map(([n]) => n);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) throw new Error(`DataFrame.rename: two columns would be named '${dup}'`);
    return this.pipe('rename', { op: 'rename', map }, schema);
  }

  /** Each partition as a danfo DataFrame. @example df.mapPartitions((d) => d, { as: 'danfo' }) */
  mapPartitions<D extends danfo.Frame>(fn: UserFn<danfo.MapFn<D>>, o: danfo.MapOptions): DataFrame;
  /**
   * Calls `fn` on each partition, an Arrow `Table`; it returns a `Table` or plain columns (typed
   * arrays, or arrays of numbers / strings / booleans). `meta` gives the result's columns and types;
   * without it `fn` is called once on a two-row stand-in partition ('foo', 1, true...) to find
   * them. On worker threads `fn` must be self-contained (pass outer values as `scope`; a closure is
   * refused with that fix named). `{ as: 'danfo' }`: `fn` takes (and returns) danfo DataFrames.
   *
   * @example
   * df.mapPartitions((t) => ({ n: [t.numRows] }), { meta: { n: 'float64' } });
   */
  mapPartitions(
    fn: UserFn<(t: Table) => PartitionResult | Promise<PartitionResult>>,
    options?: MapPartitionsOptions,
  ): DataFrame;
  mapPartitions(fn: UserFn<never>, options: danfo.AnyMapOptions = {}): DataFrame {
    if (options.as === 'danfo') return danfo.mapPartitionsDanfo(this, fn, options);
    return mapPartitions(this, fn, options);
  }

  /** Columns converted to a type (all, or per column). @example df.astype({ a: 'int32' }) */
  astype(to: DType | Readonly<Record<string, DType>>): DataFrame {
    return astype(this, to);
  }

  /**
   * Nulls (and NaN) replaced: by one value in every column whose type holds it, or per column.
   *
   * @example
   * df.fillna({ a: 0, s: 'none' });
   */
  fillna(value: Literal | Readonly<Record<string, Literal>>): DataFrame {
    return fillna(this, value);
  }

  /** Without rows holding nulls (or NaN). @example df.dropna({ subset: ['a'] }) */
  dropna(options: DropnaOptions = {}): DataFrame {
    return dropna(this, options);
  }

  /**
   * The rows where a pandas-style query holds, parsed once into the same expressions as `col()`.
   *
   * @example
   * df.query('a > 5 and (k == "x" or k in ["y", "z"])');
   */
  query(expr: string): DataFrame {
    return this.filter(parseQuery(expr, this.schema));
  }

  /**
   * Joined with `right` on key columns, as pandas' `merge`: a broadcast join when one side has one
   * partition (or `broadcast` is set), else a hash shuffle of both sides on the keys. `how: 'semi'`
   * / `'anti'` keep the left rows with / without a match (EXISTS / NOT EXISTS).
   *
   * @example
   * orders.merge(customers, { on: 'cid', how: 'left' });
   * orders.merge(returns, { on: 'oid', how: 'anti' }); // orders never returned
   */
  merge(right: DataFrame, options: MergeOptions): DataFrame {
    return merge(this, right, options);
  }

  /**
   * Sorted by columns (ascending per column, nulls last by default), over partitions cut at
   * boundaries sampled from the data.
   *
   * @example
   * df.sortValues(['k', 'a'], { ascending: [true, false] });
   */
  sortValues(by: string | readonly string[], options: SortOptions = {}): DataFrame {
    return sortValues(this, by, options);
  }

  /** The `n` rows with the largest values of `columns` (one partition). @example df.nlargest(5, 'a') */
  nlargest(n: number, columns: string | readonly string[]): DataFrame {
    return nlargest(this, n, columns, false);
  }

  /** The `n` rows with the smallest values of `columns` (one partition). @example df.nsmallest(5, 'a') */
  nsmallest(n: number, columns: string | readonly string[]): DataFrame {
    return nlargest(this, n, columns, true);
  }

  /**
   * Without repeated rows (over `subset`, default all columns; it may come first, as pandas'),
   * keeping the first (or last) of each; a hash shuffle when there are several partitions.
   *
   * @example
   * df.dropDuplicates({ subset: ['k'] }); df.dropDuplicates(['k'], { keep: 'last' });
   */
  dropDuplicates(subset: DropDuplicatesSubset = {}, more: DropDuplicatesKeep = {}): DataFrame {
    return dropDuplicates(this, subset, more);
  }

  /**
   * The same rows in `npartitions` partitions (neighbours combined, or each partition cut into
   * near-equal pieces), or cut at new `divisions` of a frame whose divisions are known (rows move
   * only between overlapping partitions; the new divisions must cover the old ones).
   *
   * @example
   * df.repartition({ npartitions: 4 });
   * indexed.repartition({ divisions: [0, 100, 200, 1000] });
   */
  repartition(
    options: { readonly npartitions: number } | { readonly divisions: readonly IndexValue[] },
  ): DataFrame {
    if ('divisions' in options) return repartitionDivisions(this, options.divisions);
    return repartition(this, options.npartitions);
  }

  /**
   * Rows moved down by `periods` (up when negative) across partition edges, nulls filling the
   * gap; all columns, or `columns`.
   *
   * @example
   * df.shift(1, ['a']);
   */
  shift(periods = 1, columns?: readonly string[]): DataFrame {
    return shiftFrame(this, periods, columns);
  }

  /** Each value minus the one `periods` rows before (float64). @example df.diff(1, ['a']) */
  diff(periods = 1, columns?: readonly string[]): DataFrame {
    return diffFrame(this, periods, columns);
  }

  /** Running sums (float64) of the numeric columns, or `columns`; nulls skipped. @example df.cumsum() */
  cumsum(columns?: readonly string[]): DataFrame {
    return cumFrame(this, 'sum', columns);
  }
  /** Running products (float64). @example df.cumprod(['a']) */
  cumprod(columns?: readonly string[]): DataFrame {
    return cumFrame(this, 'prod', columns);
  }
  /** Running maxima (types kept). @example df.cummax(['a']) */
  cummax(columns?: readonly string[]): DataFrame {
    return cumFrame(this, 'max', columns);
  }
  /** Running minima (types kept). @example df.cummin(['a']) */
  cummin(columns?: readonly string[]): DataFrame {
    return cumFrame(this, 'min', columns);
  }

  /**
   * Rolling windows of `window` rows (across partition edges).
   *
   * @example
   * df.rolling(3, { minPeriods: 1 }).mean();
   */
  rolling(window: number, options: RollingOptions = {}): Rolling {
    return new Rolling(this, window, options);
  }

  /**
   * The first `n` rows, from the first `npartitions` partitions only (default 1, as in Dask: the
   * other partitions are not computed; -1 reads them all). When those hold fewer than `n` rows,
   * a process warning (`DASK_TS_SHORT_HEAD`) says so, as Dask's does. The head of a sortValues
   * result is the first `n` rows of the whole order, from a top-n of every partition of the
   * sort's input (no exchange), whatever `npartitions` says. Returns a one-partition DataFrame.
   *
   * @example
   * const top = await df.head(5).compute();
   * const atLeast = await df.sortValues('x').head(5, { npartitions: -1 }).compute();
   */
  head(n = 5, options: { npartitions?: number } = {}): DataFrame {
    return headFrame(this, n, options.npartitions ?? 1);
  }

  /**
   * The last `n` rows, from the last `npartitions` partitions only (default 1, as in Dask).
   * Returns a one-partition DataFrame.
   *
   * @example
   * const last = await df.tail(5).compute();
   */
  tail(n = 5, options: { npartitions?: number } = {}): DataFrame {
    return tailFrame(this, n, options.npartitions ?? 1);
  }

  /**
   * Groups rows by key columns (rows with a null key are dropped).
   *
   * @example
   * df.groupby('k').agg({ x: 'sum', y: ['mean', 'count'] })
   */
  groupby(keys: string | readonly string[], options: GroupByOptions = {}): GroupBy {
    const ks = typeof keys === 'string' ? [keys] : [...keys];
    if (ks.length === 0) throw new Error('DataFrame.groupby needs at least one key column');
    for (const k of ks) typeOf(this.schema, k, this.at('groupby'));
    return new GroupBy(this, ks, options);
  }

  /**
   * The optimized plan, one layer per line (outputs first, inputs indented below).
   *
   * @example
   * console.log(df.select(['a']).explain()); // readCsv[4 blocks, 1 files] usecols=a | select(a)
   */
  explain(): string {
    return explainPlan(this);
  }

  /** Computes a danfo DataFrame (`toDanfo`). @example await df.compute({ as: 'danfo' }) */
  compute<D extends danfo.Frame = danfo.Frame>(options: danfo.DanfoComputeOptions): Promise<D>;
  /**
   * Computes the dataframe: one Arrow `Table` (default scheduler: `threads`), or with
   * `{ as: 'danfo' }` one danfo DataFrame (see `toDanfo`).
   *
   * @example
   * const table = await df.compute({ scheduler: 'sync' });
   */
  compute(options?: GraphComputeOptions & { readonly as?: 'arrow' }): Promise<Table>;
  async compute(options: GraphComputeOptions & { readonly as?: string } = {}): Promise<unknown> {
    if (options.as === 'danfo') return danfo.toDanfo(this, options);
    const [t] = await withSpillCleanup([this.layer], () => compute(this, options));
    return t;
  }

  /**
   * Computes the partitions and returns a dataframe holding them.
   *
   * @example
   * const cached = await df.persist();
   */
  async persist(options: GraphComputeOptions = {}): Promise<DataFrame> {
    const [p] = await withSpillCleanup([this.layer], () => persist(this, options));
    // The same partitions: the index and its divisions still hold, and so do key ranges.
    keepRanges(p.layer, this.layer, this.columns, this.npartitions);
    return this.index === undefined ? p : p.withIndex(this.index);
  }

  [daskLayers](): readonly GraphLayer[] {
    return [this.layer];
  }
  get [daskOptimize](): LayerOptimizer {
    return optimizeDataFrame;
  }
  [daskGraph](): Map<string, GraphNode> {
    return layeredGraph(this);
  }
  [daskKeys](): string[] {
    return Array.from({ length: this.npartitions }, (_, i) => partKey(this.layer.name, i));
  }
  [daskFinalize](values: readonly unknown[]): Table {
    return concatParts(values as Table[]);
  }
  [daskFinalizeRef](): PortableFunctionRef {
    return kernels.ref('concatList');
  }
  [daskRebuild](values: ReadonlyMap<string, unknown>): DataFrame {
    const layer = dataLayer(
      this.layer.name,
      // In shared memory: later computes send them to worker threads without a copy.
      this[daskKeys]().map((k) => [k, sharedPartition(values.get(k))] as const),
    );
    return new DataFrame(layer, this.npartitions, this.schema);
  }
  [tokenizeSymbol](): unknown {
    return ['DataFrame', this.layer.name];
  }
  /** A one-line description. @example String(x) */
  override toString(): string {
    return `DataFrame<${this.layer.name}, npartitions=${this.npartitions}, ${this.schema.map(([n, t]) => `${n}: ${t}`).join(', ')}>`;
  }

  // ---- writers (io) ----

  /**
   * Writes one Parquet file per partition (`dir/part.<i>.parquet`; under hive directories
   * `col=value/` with `partitionOn`) and resolves to the paths written.
   *
   * @example
   * await df.toParquet('out', { compression: 'zstd', partitionOn: ['k'] });
   */
  toParquet(dir: string, options: ToParquetOptions = {}): Promise<string[]> {
    return toParquet(this, dir, options);
  }

  /**
   * Writes one Arrow IPC file (or stream) per partition and resolves to the paths written.
   *
   * @example
   * await df.toArrowIpc('out', { format: 'stream' }); // out/part.0.arrows, ...
   */
  toArrowIpc(dir: string, options: ToArrowIpcOptions = {}): Promise<string[]> {
    return toArrowIpc(this, dir, options);
  }

  /**
   * Writes one JSON-lines file per partition (`dir/part.<i>.json`) and resolves to the paths.
   *
   * @example
   * await df.toJson('out');
   */
  toJson(dir: string, options: ToJsonOptions = {}): Promise<string[]> {
    return toJson(this, dir, options);
  }

  /**
   * Computes the dataframe as records (plain objects; nulls as null).
   *
   * @example
   * await df.toRecords(); // [{ a: 1, b: 'x' }, ...]
   */
  async toRecords(
    options: GraphComputeOptions = {},
  ): Promise<Record<string, number | string | boolean | null>[]> {
    return recordsOfTable(await this.compute(options));
  }

  /**
   * One Delayed per partition, each computing to that partition's Arrow table.
   *
   * @example
   * const sizes = df.toDelayed().map((p) => delayed((t: Table) => t.numRows)(p));
   */
  toDelayed(): Delayed<Table>[] {
    return partitionsToDelayed(this);
  }
}

export { col };
