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
// Two groups of methods live in internal abstract classes that Bag extends, one concept each:
// bag-restructure-methods.ts (product, zip, take, join...) and bag-aggregate-methods.ts.
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
import { mapOptions, type ArgValues } from './args.js';
import { concatParts } from './aggregations.js';
import { toTextFiles, type ToTextFilesOptions } from './write-text.js';
import type { Flat, MapOptions, PartitionArgs } from './bag-types.js';
import { BagAggregateMethods } from './bag-aggregate-methods.js';
import { mapLike } from './map-like.js';
import { partitionsToDelayed } from './partition.js';
import { StrAccessor } from './str.js';

export type { Flat, KeyFn, MapOptions, PartitionArgs } from './bag-types.js';

/**
 * A lazy, partitioned collection of plain values (`dask.bag`).
 *
 * @example
 * const b = fromSequence([1, 2, 3, 4, 5], { npartitions: 2 });
 * await b.map((x) => x * 2).filter((x) => x > 4).compute(); // [6, 8, 10]
 */
export class Bag<T> extends BagAggregateMethods<T> implements Collection<T[]> {
  /** @internal Bags are made by `fromSequence`, `range`, `readText`... */
  constructor(
    /** The name of this bag's partitions (keys are `[name, i]`). */
    readonly name: string,
    /** The number of partitions. */
    readonly npartitions: number,
    /** @internal The layer that makes the partitions. */
    readonly layer: Layer,
  ) {
    super();
  }

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
   * Python's string methods over a bag of strings (Dask's `bag.str`).
   *
   * @example
   * await names.str.lower().compute();
   */
  get str(): StrAccessor {
    return new StrAccessor(this as unknown as Bag<string>);
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
    return concatParts(values as T[][]);
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

  override toString(): string {
    return `Bag<${this.name}, npartitions=${this.npartitions}>`;
  }
}
