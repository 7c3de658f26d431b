// The DataFrame collection: a lazy, partitioned table whose partitions are Arrow tables. Each
// operation adds a layer (layers.ts) and derives the output schema from its input's, so the schema
// is known without computing and a bad expression fails when it is built. The optimizer
// (fusion.ts) fuses row-wise steps and pushes projections into readers before lowering to tasks.
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
import { isNumeric, typeOf, type DType, type Schema } from './dtypes.js';
import { Expr, col, toExpr, typeExpr, type Operand } from './expr.js';
import { concatParts, kernels, type GroupOut } from './kernels.js';
import type { AggName } from './kernels-agg.js';
import { NamedLayer, PipeLayer, partKey, partRef, treeReduce } from './layers.js';
import { optimizeDataFrame } from './fusion.js';
import { explainPlan } from './explain.js';
import type { Step } from './steps.js';
import { Scalar } from './scalar.js';
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
import type { Delayed } from '@dask-ts/graph';

/**
 * What `groupby(...).agg()` takes: per value column, one aggregation or several.
 *
 * @example
 * const spec: AggSpec = { x: 'sum', y: ['mean', 'count'] };
 */
export type AggSpec = Readonly<Record<string, AggName | readonly AggName[]>>;

export type { AggName };

const AGGS = new Set<AggName>(['sum', 'mean', 'min', 'max', 'count']);

/**
 * A lazy dataframe in `npartitions` partitions, each an Arrow `Table`; `schema` is known without
 * computing. Build one with `fromColumns`, `fromRecords`, `fromArrow` or `readCsv`.
 *
 * @example
 * const df = fromColumns({ a: [1, 2, 3], b: ['x', 'y', 'x'] }, { npartitions: 2 });
 * const t = await df.filter(col('b').eq('x')).assign({ c: col('a').mul(2) }).compute();
 * t.getChild('c')?.toArray(); // Float64Array [2, 6]
 */
export class DataFrame implements Collection<Table> {
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
  ) {}

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
    return new DataFrame(this.layer, this.npartitions, this.schema);
  }

  /** @internal */
  pipe(op: string, step: Step, schema: Schema): DataFrame {
    const name = `${op}-${tokenize(this.layer.name, step)}`;
    const cols = schema.map(([n]) => n);
    return new DataFrame(
      new PipeLayer(name, this.layer, [step], this.npartitions, cols),
      this.npartitions,
      schema,
    );
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
      out = out.pipe('assign', { op: 'assign', name, expr: expr.spec }, schema);
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
    return this.pipe('filter', { op: 'filter', expr: cond.spec }, this.schema);
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

  /**
   * The first `n` rows, from the first `npartitions` partitions only (default 1, as in Dask: the
   * other partitions are not computed). Returns a one-partition DataFrame.
   *
   * @example
   * const top = await df.head(5).compute();
   */
  head(n = 5, options: { npartitions?: number } = {}): DataFrame {
    const k = Math.min(this.npartitions, Math.max(1, options.npartitions ?? 1));
    const name = `head-${tokenize(this.layer.name, n, k)}`;
    const input = this.layer;
    const refs = Array.from({ length: k }, (_, i) => partRef(input, i));
    const layer = new NamedLayer(
      name,
      [input],
      () => [[partKey(name, 0), kernels.task('head', [n, ...refs])]],
      `head(${n}) of ${k} partition(s)`,
    );
    return new DataFrame(layer, 1, this.schema);
  }

  private numericColumns(op: string): DataFrame {
    const cols = this.schema
      .filter(([, t]) => isNumeric(t) || t === 'bool' || op === 'count')
      .map(([n]) => n);
    return this.select(cols);
  }

  /** @internal */
  reduce(how: AggName, series: boolean): Scalar<unknown> {
    const input = series ? this : this.numericColumns(how);
    const name = `${how}-${tokenize(input.layer.name, series)}`;
    const layer = treeReduce(
      name,
      input.layer,
      input.npartitions,
      (ref) => kernels.task('aggPartial', [ref]),
      'aggCombine',
      (refs) => kernels.task('aggFinal', [how, series, ...refs]),
      `${how} (tree reduction)`,
    );
    return new Scalar(layer);
  }

  /** Sums of the numeric columns (nulls skipped). @example await df.sum().compute() // { a: 6 } */
  sum(): Scalar<Record<string, number>> {
    return this.reduce('sum', false) as Scalar<Record<string, number>>;
  }
  /** Means of the numeric columns. @example await df.mean().compute() */
  mean(): Scalar<Record<string, number>> {
    return this.reduce('mean', false) as Scalar<Record<string, number>>;
  }
  /** Minima of the numeric columns. @example await df.min().compute() */
  min(): Scalar<Record<string, number>> {
    return this.reduce('min', false) as Scalar<Record<string, number>>;
  }
  /** Maxima of the numeric columns. @example await df.max().compute() */
  max(): Scalar<Record<string, number>> {
    return this.reduce('max', false) as Scalar<Record<string, number>>;
  }
  /** Non-null counts of every column. @example await df.count().compute() */
  count(): Scalar<Record<string, number>> {
    return this.reduce('count', false) as Scalar<Record<string, number>>;
  }

  /**
   * Groups rows by key columns (rows with a null key are dropped).
   *
   * @example
   * df.groupby('k').agg({ x: 'sum', y: ['mean', 'count'] })
   */
  groupby(keys: string | readonly string[]): GroupBy {
    const ks = typeof keys === 'string' ? [keys] : [...keys];
    if (ks.length === 0) throw new Error('DataFrame.groupby needs at least one key column');
    for (const k of ks) typeOf(this.schema, k, this.at('groupby'));
    return new GroupBy(this, ks);
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

  /**
   * Computes the dataframe: one Arrow `Table` (default scheduler: `threads`).
   *
   * @example
   * const table = await df.compute({ scheduler: 'sync' });
   */
  async compute(options: GraphComputeOptions = {}): Promise<Table> {
    const [t] = await compute(this, options);
    return t;
  }

  /**
   * Computes the partitions and returns a dataframe holding them.
   *
   * @example
   * const cached = await df.persist();
   */
  async persist(options: GraphComputeOptions = {}): Promise<DataFrame> {
    const [p] = await persist(this, options);
    return p;
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
      this[daskKeys]().map((k) => [k, values.get(k)] as const),
    );
    return new DataFrame(layer, this.npartitions, this.schema);
  }
  [tokenizeSymbol](): unknown {
    return ['DataFrame', this.layer.name];
  }
  /** A one-line description. @example String(x) */
  toString(): string {
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

/**
 * Rows grouped by key columns: `agg` reduces each group.
 *
 * @example
 * await df.groupby(['k']).agg({ x: 'sum' }).compute();
 */
export class GroupBy {
  /**
   * @param frame - the grouped dataframe
   * @param keys - the key columns (`df.groupby(['k']).keys // ['k']`)
   * @internal
   */
  constructor(
    readonly frame: DataFrame,
    readonly keys: readonly string[],
  ) {}

  /**
   * One row per group, sorted by the keys: the key columns, then per value column one column per
   * aggregation, named after the column (one aggregation) or `<column>_<agg>` (several). Sums,
   * means, minima and maxima are float64 (null where a group has no value), counts int32. A tree
   * reduction: suited to a number of groups that fits in memory.
   *
   * @example
   * df.groupby('k').agg({ x: 'sum', y: ['mean', 'count'] }) // columns k, x, y_mean, y_count
   */
  agg(spec: AggSpec): DataFrame {
    const f = this.frame;
    const where = 'GroupBy.agg';
    const outs: GroupOut[] = [];
    const schema: [string, DType][] = this.keys.map((k) => [k, typeOf(f.schema, k, where)]);
    for (const [c, hows] of Object.entries(spec)) {
      const t = typeOf(f.schema, c, where);
      const list = typeof hows === 'string' ? [hows] : [...hows];
      for (const how of list) {
        if (!AGGS.has(how))
          throw new Error(
            `${where}: unknown aggregation '${String(how)}' for column '${c}'; use ${[...AGGS].join(', ')}`,
          );
        if (how !== 'count' && !(isNumeric(t) || t === 'bool')) {
          throw new TypeError(`${where}: cannot ${how} column '${c}' (${t})`);
        }
        const name = typeof hows === 'string' ? c : `${c}_${how}`;
        outs.push([c, how, name]);
        schema.push([name, how === 'count' ? 'int32' : 'float64']);
      }
    }
    const values = [...new Set(outs.map(([c]) => c))];
    const input = f.select([...new Set([...this.keys, ...values])]);
    const keys = this.keys;
    const name = `groupby-${tokenize(input.layer.name, keys, outs)}`;
    const layer = treeReduce(
      name,
      input.layer,
      input.npartitions,
      (ref) => kernels.task('groupPartial', [ref, keys, values]),
      'groupCombine',
      (refs) => kernels.task('groupFinal', [keys, outs, ...refs]),
      `groupby(${keys.join(', ')}).agg (tree reduction)`,
    );
    // The result is one partition whose key is [name, 0]: wrap the reduction's final key.
    const wrapped = new NamedLayer(
      `${name}-out`,
      [layer],
      () => [[partKey(`${name}-out`, 0), kernels.task('firstOf', [[{ $ref: name }]])]],
      'groupby result',
    );
    return new DataFrame(wrapped, 1, schema);
  }
}

export { col };
