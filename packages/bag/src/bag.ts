// Bag: a lazy, partitioned collection of plain values. A bag is a name, a number of partitions and
// the layer that makes them (keys `[name, i]`); every operation returns a new bag whose layer
// reads the previous one, and nothing runs until `compute`. Element-wise operations add one task
// per partition, described as a pipeline stage so that consecutive stages and the aggregation
// reading them fuse into one task per partition when the graph is optimized (fusion.ts);
// aggregations (aggregations.ts) add a tree and return an Item, or a one-partition bag for grouped
// results. A bag implements the collection protocol, so `compute` of
// `@dask-ts/graph` and any registered scheduler run it. The longer operations live beside it and
// the methods here delegate: map-like.ts (map, starmap, mapPartitions), restructure.ts (product,
// zip, accumulate, repartition), partition.ts (toDelayed); bag-types.ts holds the helper types.
import {
  daskFinalize,
  daskFinalizeRef,
  daskGraph,
  daskKeys,
  daskLayers,
  daskOptimize,
  daskRebuild,
  keyToString,
  type Collection,
  type GraphLayer,
  type GraphNode,
  type LayerOptimizer,
  type NestedKeys,
  type PortableFunctionRef,
  type Task,
} from '@dask-ts/protocol';
import {
  compute,
  dataLayer,
  Layer,
  layeredGraph,
  persist,
  tokenize,
  tokenizeSymbol,
  type Delayed,
  type GraphComputeOptions,
} from '@dask-ts/graph';
import { fuseStages } from './fusion.js';
import { stageLayer } from './pipeline.js';
import type { StageSpec } from './specs.js';
import { fnArg, type FnOptions, type UserFn } from './fn-arg.js';
import { kernel } from './kernels.js';
import { mapOptions, type ArgValues, type BagLike } from './args.js';
import * as agg from './aggregations.js';
import { toTextFiles, type ToTextFilesOptions } from './write-text.js';
import type { Item } from './item.js';
import type { Flat, KeyFn, MapOptions, PartitionArgs } from './bag-types.js';
import { mapLike } from './map-like.js';
import * as re from './restructure.js';
import { partitionsToDelayed } from './partition.js';
import { take, takeBag, type TakeOptions } from './take.js';
import { randomSample } from './sample.js';
import { join, type JoinOther } from './join.js';
import { StrAccessor } from './str.js';

export type { Flat, KeyFn, MapOptions, PartitionArgs } from './bag-types.js';

/**
 * A lazy, partitioned collection of plain values (`dask.bag`).
 *
 * @example
 * const b = fromSequence([1, 2, 3, 4, 5], { npartitions: 2 });
 * await b.map((x) => x * 2).filter((x) => x > 4).compute(); // [6, 8, 10]
 */
export class Bag<T> implements Collection<T[]> {
  /** @internal Bags are made by `fromSequence`, `range`, `readText`... */
  constructor(
    /** The name of this bag's partitions (keys are `[name, i]`). */
    readonly name: string,
    /** The number of partitions. */
    readonly npartitions: number,
    /** @internal The layer that makes the partitions. */
    readonly layer: Layer,
  ) {}

  /** @internal A bag of another element type (for the aggregations). */
  derive<R>(name: string, npartitions: number, layer: Layer): Bag<R> {
    return new Bag<R>(name, npartitions, layer);
  }

  /**
   * The canonical key of partition `i`.
   *
   * @example
   * b.partitionKey(0); // '["map-3f2a...",0]'
   */
  partitionKey(i: number): string {
    return keyToString([this.name, i]);
  }

  /** @internal One task per partition, reading this bag and `deps`. */
  partitionwise<R>(
    op: string,
    token: unknown[],
    make: (i: number) => Task,
    deps: Layer[] = [],
  ): Bag<R> {
    const name = `${op}-${tokenize(this.name, ...token)}`;
    const n = this.npartitions;
    const layer = new Layer(name, [this.layer, ...deps], function* () {
      for (let i = 0; i < n; i++) yield [keyToString([name, i]), make(i)] as const;
    });
    return new Bag<R>(name, n, layer);
  }

  /**
   * @internal An element-wise stage (`spec`, see kernels-stages.ts): when the graph is assembled it
   * fuses with the stages before and after it and with the aggregation reading it (fusion.ts).
   */
  stage<R>(op: string, token: unknown[], spec: StageSpec, deps: Layer[] = []): Bag<R> {
    const name = `${op}-${tokenize(this.name, ...token)}`;
    return new Bag<R>(
      name,
      this.npartitions,
      stageLayer(name, this.npartitions, this.layer, spec, deps),
    );
  }

  /**
   * Applies `fn` to every element. Extra arguments go in `options.args`: bags are zipped element by
   * element, Items and Delayed values broadcast. A lambda that reads outer variables must list them
   * in `options.scope` to run on worker threads.
   *
   * Dask's positional form works too: `b.map(fn, otherBag, 10)`.
   *
   * @example
   * b.map((x) => x * 2);
   * b.map((x) => x * k, { scope: { k } });
   * b.map((x, y) => x + y, { args: [otherBag] });
   * b.map((x, y) => x + y, otherBag);
   */
  map<R>(fn: UserFn<(x: T) => R>, options?: FnOptions): Bag<R>;
  map<R, const A extends readonly unknown[]>(
    fn: UserFn<(x: T, ...args: ArgValues<A>) => R>,
    options: MapOptions<A>,
  ): Bag<R>;
  map<R, const A extends readonly unknown[]>(
    fn: UserFn<(x: T, ...args: ArgValues<A>) => R>,
    ...args: A
  ): Bag<R>;
  map<R>(fn: unknown, ...rest: unknown[]): Bag<R> {
    return mapLike<T, R>(this, 'map', fn, mapOptions('map', rest));
  }

  /**
   * Applies `fn` to the items of each element (an array), followed by `options.args`.
   *
   * @example
   * fromSequence([[1, 2], [3, 4]]).starmap((a, b) => a + b); // [3, 7]
   */
  starmap<R>(
    fn: UserFn<(...items: T extends readonly unknown[] ? T : never) => R>,
    options?: FnOptions,
  ): Bag<R>;
  starmap<R, const A extends readonly unknown[]>(
    fn: UserFn<(...items: [...(T extends readonly unknown[] ? T : never), ...ArgValues<A>]) => R>,
    options: MapOptions<A>,
  ): Bag<R>;
  starmap<R, const A extends readonly unknown[]>(
    fn: UserFn<(...items: [...(T extends readonly unknown[] ? T : never), ...ArgValues<A>]) => R>,
    ...args: A
  ): Bag<R>;
  starmap<R>(fn: unknown, ...rest: unknown[]): Bag<R> {
    return mapLike<T, R>(this, 'starmap', fn, mapOptions('starmap', rest));
  }

  /**
   * Applies `fn` to whole partitions (arrays); it returns an array or any iterable. Bag arguments in
   * `options.args` (or given positionally, as in Dask) arrive as their matching partitions.
   *
   * @example
   * b.mapPartitions((part) => [part.length]);
   * b.mapPartitions((part, other) => part.map((x, i) => x + other[i]), otherBag);
   */
  mapPartitions<R>(
    fn: UserFn<(part: T[]) => Iterable<R> | Promise<Iterable<R>>>,
    options?: FnOptions,
  ): Bag<R>;
  mapPartitions<R, const A extends readonly unknown[]>(
    fn: UserFn<(part: T[], ...args: PartitionArgs<A>) => Iterable<R> | Promise<Iterable<R>>>,
    options: MapOptions<A>,
  ): Bag<R>;
  mapPartitions<R, const A extends readonly unknown[]>(
    fn: UserFn<(part: T[], ...args: PartitionArgs<A>) => Iterable<R> | Promise<Iterable<R>>>,
    ...args: A
  ): Bag<R>;
  mapPartitions<R>(fn: unknown, ...rest: unknown[]): Bag<R> {
    return mapLike<T, R>(this, 'mapPartitions', fn, mapOptions('mapPartitions', rest));
  }

  /**
   * Keeps the elements for which `predicate` is truthy.
   *
   * @example
   * b.filter((x) => x % 2 === 0);
   */
  filter<S extends T>(predicate: (x: T) => x is S, options?: FnOptions): Bag<S>;
  filter(predicate: UserFn<(x: T) => unknown>, options?: FnOptions): Bag<T>;
  filter(predicate: unknown, options: FnOptions = {}): Bag<T> {
    const f = fnArg(predicate, options, 'filter');
    return this.stage<T>('filter', [f.token], ['filter', f.arg, true]);
  }

  /**
   * Drops the elements for which `predicate` is truthy.
   *
   * @example
   * b.remove((x) => x % 2 === 0);
   */
  remove(predicate: UserFn<(x: T) => unknown>, options: FnOptions = {}): Bag<T> {
    const f = fnArg(predicate, options, 'remove');
    return this.stage<T>('remove', [f.token], ['filter', f.arg, false]);
  }

  /**
   * Concatenates the items of the elements (arrays or other iterables).
   *
   * @example
   * fromSequence([[1, 2], [3]]).flatten(); // [1, 2, 3]
   */
  flatten(): Bag<Flat<T>> {
    return this.stage<Flat<T>>('flatten', [], ['flatten']);
  }

  /**
   * One field of every element (or, given several keys, a tuple of fields). A missing field is an
   * error unless a default is given.
   *
   * @example
   * people.pluck('name');
   * people.pluck(['name', 'age']);
   * people.pluck('nickname', null);
   */
  pluck<K extends keyof T, D = never>(key: K, ...dflt: [] | [D]): Bag<T[K] | D>;
  pluck<const K extends readonly (keyof T)[], D = never>(
    keys: K,
    ...dflt: [] | [D]
  ): Bag<{ -readonly [I in keyof K]: T[K[I]] | D }>;
  pluck<R>(key: PropertyKey | readonly PropertyKey[], ...dflt: unknown[]): Bag<R> {
    const has = dflt.length > 0;
    return this.stage<R>(
      'pluck',
      [key, has, dflt[0]],
      ['pluck', { $literal: key }, has, { $literal: dflt[0] }],
    );
  }

  /**
   * The cartesian product with another bag: every `[x, y]` pair (`n * m` partitions).
   *
   * @example
   * fromSequence([1, 2]).product(fromSequence(['a'])); // [[1, 'a'], [2, 'a']]
   */
  product<U>(other: Bag<U>): Bag<[T, U]> {
    return re.product(this, other);
  }

  /**
   * Zips with other bags of the same partitioning into tuples.
   *
   * @example
   * a.zip(b); // [[a0, b0], [a1, b1], ...]
   */
  zip<const B extends readonly BagLike[]>(...others: B): Bag<[T, ...ArgValues<B>]> {
    return re.zip(this, others);
  }

  /**
   * The running accumulation `binop(binop(x0, x1), x2)...`; with `initial`, it comes first.
   *
   * @example
   * fromSequence([1, 2, 3]).accumulate((a, b) => a + b); // [1, 3, 6]
   * fromSequence([1, 2, 3]).accumulate((a, b) => a + b, { initial: 0 }); // [0, 1, 3, 6]
   */
  accumulate(binop: UserFn<(acc: T, x: T) => T>, options?: FnOptions): Bag<T>;
  accumulate<A>(
    binop: UserFn<(acc: A, x: T) => A>,
    options: FnOptions & { readonly initial: A },
  ): Bag<A>;
  accumulate<A>(binop: unknown, options: FnOptions & { readonly initial?: A } = {}): Bag<A> {
    return re.accumulate(this, binop, options);
  }

  /**
   * The same elements in the same order, in `npartitions` partitions: neighbouring partitions are
   * concatenated, or partitions are split into near-equal pieces. Given `{ partitionSize }` (bytes,
   * or a size such as '5MiB'), it computes each partition's estimated size first, as Dask does,
   * and resolves to a bag whose partitions hold about that much each.
   *
   * @example
   * b.repartition(4);
   * const c = await b.repartition({ partitionSize: '1MiB' });
   */
  repartition(npartitions: number): Bag<T>;
  repartition(options: {
    readonly npartitions: number;
    readonly partitionSize?: undefined;
  }): Bag<T>;
  repartition(
    options: {
      readonly partitionSize: number | string;
      readonly npartitions?: undefined;
    } & GraphComputeOptions,
  ): Promise<Bag<T>>;
  repartition(
    arg:
      | number
      | ({
          readonly npartitions?: number;
          readonly partitionSize?: number | string;
        } & GraphComputeOptions),
  ): Bag<T> | Promise<Bag<T>> {
    if (typeof arg === 'number') return re.repartition(this, arg);
    const { npartitions, partitionSize, ...computeOptions } = arg;
    if ((npartitions === undefined) === (partitionSize === undefined)) {
      throw new Error('repartition: give npartitions or partitionSize (exactly one)');
    }
    return npartitions !== undefined
      ? re.repartition(this, npartitions)
      : re.repartitionBySize(this, partitionSize!, computeOptions);
  }

  /**
   * The first `n` elements, computing only the first `npartitions` partitions (default 1; -1 for
   * all). Warns when fewer than `n` were found (`warn: false` silences it); `compute: false` gives
   * the lazy one-partition bag.
   *
   * @example
   * await b.take(5); // [x0, x1, x2, x3, x4]
   * await b.take(10, { npartitions: -1, scheduler: 'sync' });
   */
  take(n: number, options: TakeOptions & { readonly compute: false }): Bag<T>;
  take(n: number, options?: TakeOptions): Promise<T[]>;
  take(n: number, options: TakeOptions = {}): Promise<T[]> | Bag<T> {
    if (options.compute === false) return takeBag(this, n, options.npartitions);
    try {
      takeBag(this, n, options.npartitions);
    } catch (err) {
      return Promise.reject(err);
    }
    return take(this, n, options);
  }

  /**
   * Each element kept with probability `prob`, from a generator seeded by `seed` (or by a seed
   * drawn when the sample is defined): the same sample at every compute.
   *
   * @example
   * b.randomSample(0.1, 42);
   */
  randomSample(prob: number, seed?: number): Bag<T> {
    return randomSample(this, prob, seed);
  }

  /**
   * Joins with a small sequence (an iterable, a one-partition bag, an Item or a Delayed value):
   * `[otherItem, element]` for every pair whose keys match (`onOther` defaults to `onSelf`).
   *
   * @example
   * people.join(cities, 'cityId', 'id'); // [[city, person], ...]
   */
  join<U>(
    other: JoinOther<U>,
    onSelf: KeyFn<T, unknown>,
    onOther?: KeyFn<U, unknown>,
    options: FnOptions = {},
  ): Bag<[U, T]> {
    return join(this, other, onSelf, onOther, options);
  }

  /**
   * Splits a bag of `n`-tuples into `n` bags.
   *
   * @example
   * const [xs, ys] = pairs.unzip(2);
   */
  unzip<const N extends number>(n: N): Bag<T extends readonly unknown[] ? T[number] : never>[] {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`unzip: n must be a positive integer, got ${String(n)}`);
    }
    type E = T extends readonly unknown[] ? T[number] : never;
    return Array.from({ length: n }, (_, i) =>
      this.stage<E>(
        'pluck',
        [i, false, undefined],
        ['pluck', { $literal: i }, false, { $literal: undefined }],
      ),
    );
  }

  /**
   * Python's string methods over a bag of strings (Dask's `bag.str`).
   *
   * @example
   * await names.str.lower().compute();
   */
  get str(): StrAccessor {
    return new StrAccessor(this as unknown as Bag<string>);
  }

  // Aggregations (aggregations.ts).

  /**
   * A tree reduction: `perpartition` turns each partition into a partial result, `aggregate` turns
   * lists of partial results into one (it runs at least once, on groups of at most `splitEvery`).
   * The key is named after `aggregate` (or `options.name`); with `outType: 'bag'` the (iterable)
   * result comes back as a one-partition bag.
   *
   * @example
   * b.reduction((part) => part.length, (counts) => counts.reduce((a, c) => a + c, 0));
   * b.reduction((part) => part.length, (counts) => counts, { name: 'sizes', outType: 'bag' });
   */
  reduction<P, R extends Iterable<unknown>>(
    perpartition: UserFn<(part: T[]) => P>,
    aggregate: UserFn<(partials: P[]) => R>,
    options: agg.ReductionOptions & { readonly outType: 'bag' },
  ): Bag<R extends Iterable<infer U> ? U : never>;
  reduction<P, R>(
    perpartition: UserFn<(part: T[]) => P>,
    aggregate: UserFn<(partials: P[]) => R>,
    options?: agg.ReductionOptions & { readonly outType?: 'item' },
  ): Item<R>;
  reduction<P, R>(
    perpartition: UserFn<(part: T[]) => P>,
    aggregate: UserFn<(partials: P[]) => R>,
    options: agg.ReductionOptions = {},
  ): Item<R> | Bag<unknown> {
    return agg.reduction<R>(this, perpartition, aggregate, options);
  }

  /**
   * Folds the elements with `binop`; `combine` merges partition results (default `binop`). Each
   * partition's fold starts from `initial` (the combine does not add it again, as in Dask); without
   * `initial`, an empty bag is an error. With `outType: 'bag'`, the (iterable) result comes back as
   * a one-partition bag.
   *
   * @example
   * b.fold((a, x) => a + x);
   * words.fold((n, w) => n + w.length, { initial: 0, combine: (a, b) => a + b });
   */
  fold<A extends Iterable<unknown>>(
    binop: UserFn<(acc: A, x: T) => A>,
    options: agg.FoldOptions<A> & { readonly initial: A; readonly outType: 'bag' },
  ): Bag<A extends Iterable<infer U> ? U : never>;
  fold(binop: UserFn<(acc: T, x: T) => T>, options?: agg.FoldOptions<T>): Item<T>;
  fold<A>(
    binop: UserFn<(acc: A, x: T) => A>,
    options: agg.FoldOptions<A> & { readonly initial: A },
  ): Item<A>;
  fold<A>(binop: unknown, options: agg.FoldOptions<A> = {}): Item<A> | Bag<unknown> {
    return agg.fold(this, binop, options);
  }

  /**
   * Groups by `key` and folds each group (`binop`, then `combine` across partitions): a bag of
   * `[key, value]` pairs in one partition.
   *
   * @example
   * people.foldby('city', (n, _p) => n + 1, { initial: 0, combine: (a, b) => a + b });
   */
  foldby<K, A = T>(
    key: KeyFn<T, K>,
    binop: UserFn<(acc: A, x: T) => A>,
    options: agg.FoldbyOptions<A> = {},
  ): Bag<[K, A]> {
    return agg.foldby(this, key, binop, options);
  }

  /**
   * Groups the elements by `key` with a shuffle: a bag of `[key, elements]` pairs in
   * `options.npartitions` partitions (default: as many as this bag, at most 100).
   *
   * @example
   * people.groupby((p) => p.age >= 18);
   */
  groupby<K>(key: KeyFn<T, K>, options: agg.GroupbyOptions = {}): Bag<[K, T[]]> {
    return agg.groupby(this, key, options);
  }

  /**
   * How often each distinct element occurs: `[element, count]` pairs (with `sort`, most frequent
   * first).
   *
   * @example
   * words.frequencies({ sort: true });
   */
  frequencies(options: agg.TreeOptions & { readonly sort?: boolean } = {}): Bag<[T, number]> {
    return agg.frequencies(this, options);
  }

  /**
   * The distinct elements (by `key` when given: the first element of each key).
   *
   * @example
   * b.distinct();
   */
  distinct<K>(key?: KeyFn<T, K>, options: agg.TreeOptions = {}): Bag<T> {
    return agg.distinct(this, key, options);
  }

  /**
   * The `k` largest elements (by `key` when given), largest first.
   *
   * @example
   * b.topk(3);
   * people.topk(2, 'age');
   */
  topk<K>(k: number, key?: KeyFn<T, K>, options: agg.TreeOptions = {}): Bag<T> {
    return agg.topk(this, k, key, options);
  }

  /** The number of elements. @example await b.count().compute() */
  count(options: agg.TreeOptions = {}): Item<number> {
    return agg.simple(this, 'count', options);
  }

  /** The sum of the elements (0 for an empty bag). @example await b.sum().compute() */
  sum(this: Bag<number>, options: agg.TreeOptions = {}): Item<number> {
    return agg.simple(this, 'sum', options);
  }

  /** The smallest element (an empty bag is an error). @example await b.min().compute() */
  min(options: agg.TreeOptions = {}): Item<T> {
    return agg.simple(this, 'min', options);
  }

  /** The largest element (an empty bag is an error). @example await b.max().compute() */
  max(options: agg.TreeOptions = {}): Item<T> {
    return agg.simple(this, 'max', options);
  }

  /** Whether every element is truthy. @example await b.all().compute() */
  all(options: agg.TreeOptions = {}): Item<boolean> {
    return agg.simple(this, 'all', options);
  }

  /** Whether some element is truthy. @example await b.any().compute() */
  any(options: agg.TreeOptions = {}): Item<boolean> {
    return agg.simple(this, 'any', options);
  }

  /** The mean (NaN for an empty bag). @example await b.mean().compute() */
  mean(this: Bag<number>, options: agg.TreeOptions = {}): Item<number> {
    return agg.moments(this, 'mean', 0, options);
  }

  /** The variance, dividing by `n - ddof` (default 0). @example await b.var({ ddof: 1 }).compute() */
  var(this: Bag<number>, options: agg.TreeOptions & { readonly ddof?: number } = {}): Item<number> {
    return agg.moments(this, 'var', options.ddof ?? 0, options);
  }

  /** The standard deviation, dividing by `n - ddof` (default 0). @example await b.std().compute() */
  std(this: Bag<number>, options: agg.TreeOptions & { readonly ddof?: number } = {}): Item<number> {
    return agg.moments(this, 'std', options.ddof ?? 0, options);
  }

  // Output.

  /**
   * Writes each partition as a text file of lines (elements must be strings) and returns the paths.
   * `path` is a directory (files `00.part`, `01.part`...), a pattern with one `*` (replaced by
   * `nameFunction(i)`, default the zero-padded index), or one path per partition. The compression
   * follows the suffix (`.gz`, `.br`) unless given. With `compute: false`, returns one Delayed
   * value per file (computing it writes the file and gives its path).
   *
   * @example
   * await lines.toTextFiles('out/*.txt.gz');
   * const writes = lines.toTextFiles('out/', { compute: false, lastEndline: true });
   */
  toTextFiles(
    path: string | readonly string[],
    options: ToTextFilesOptions & { readonly compute: false },
  ): Delayed<string>[];
  toTextFiles(path: string | readonly string[], options?: ToTextFilesOptions): Promise<string[]>;
  toTextFiles(
    path: string | readonly string[],
    options: ToTextFilesOptions = {},
  ): Promise<string[]> | Delayed<string>[] {
    return toTextFiles(this, path, options);
  }

  /**
   * The partitions as `Delayed` values of `@dask-ts/graph`.
   *
   * @example
   * const parts = b.toDelayed();
   */
  toDelayed(): Delayed<T[]>[] {
    return partitionsToDelayed(this);
  }

  /**
   * Computes the bag: all elements, in partition order (default scheduler: `threads`).
   *
   * @example
   * await b.compute({ scheduler: 'sync' });
   */
  async compute(options: GraphComputeOptions = {}): Promise<T[]> {
    const [v] = await compute(this, options);
    return v;
  }

  /**
   * Computes the partitions and returns a bag holding them as data.
   *
   * @example
   * const cached = await b.persist();
   */
  async persist(options: GraphComputeOptions = {}): Promise<Bag<T>> {
    const [p] = await persist(this, options);
    return p;
  }

  /** The bag's tasks, fused. */
  [daskGraph](): Map<string, GraphNode> {
    return layeredGraph(this);
  }

  [daskLayers](): readonly GraphLayer[] {
    return [this.layer];
  }

  /** Bag's optimizer: blockwise fusion of element-wise stages (fusion.ts). */
  get [daskOptimize](): LayerOptimizer {
    return fuseStages;
  }

  [daskKeys](): NestedKeys[] {
    const keys: string[] = [];
    for (let i = 0; i < this.npartitions; i++) keys.push(this.partitionKey(i));
    return keys;
  }

  [daskFinalize](values: readonly unknown[]): T[] {
    return agg.concatParts(values as T[][]);
  }

  [daskFinalizeRef](): PortableFunctionRef {
    return kernel('concatList');
  }

  [daskRebuild](values: ReadonlyMap<string, unknown>): Bag<T> {
    const keys = this[daskKeys]() as string[];
    const layer = dataLayer(
      this.name,
      keys.map((k) => [k, values.get(k)] as const),
    );
    return new Bag<T>(this.name, this.npartitions, layer);
  }

  [tokenizeSymbol](): unknown {
    return ['Bag', this.name];
  }

  toString(): string {
    return `Bag<${this.name}, npartitions=${this.npartitions}>`;
  }
}
