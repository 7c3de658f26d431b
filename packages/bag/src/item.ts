// Item: the lazy single value an aggregation returns (`b.sum()`, `b.count()`...). Like a Delayed
// value it is a collection with one key; `compute()` gives the value, `apply` builds on it lazily,
// and it can be passed to bag operations as an argument broadcast to every element.
import {
  daskFinalize,
  daskFinalizeRef,
  daskGraph,
  daskKeys,
  daskLayers,
  daskOptimize,
  daskRebuild,
  task,
  type Collection,
  type GraphLayer,
  type GraphNode,
  type LayerOptimizer,
  type NestedKeys,
  type PortableFunctionRef,
} from '@dask-ts/protocol';
import {
  collectionLayer,
  compute,
  dataLayer,
  delayed,
  Layer,
  layeredGraph,
  isDelayed,
  persist,
  tokenize,
  tokenizeSymbol,
  type Delayed,
  type DelayedCore,
  type GraphComputeOptions,
} from '@dask-ts/graph';
import { fuseStages } from './fusion.js';
import { fnArg, type FnOptions, type UserFn } from './fn-arg.js';
import { kernel } from './kernels.js';

/**
 * A lazy single value, the result of an aggregation.
 *
 * @example
 * const total: Item<number> = fromSequence([1, 2, 3]).sum();
 * await total.compute(); // 6
 */
export class Item<T> implements Collection<T> {
  /** @internal Use aggregations (`sum`, `count`, `fold`...) to make Items. */
  constructor(
    /** The key of the value in the graph. */
    readonly key: string,
    /** @internal */
    readonly layer: Layer,
  ) {}

  /**
   * An Item holding a Delayed value's result (Dask's `Item.from_delayed`).
   *
   * @example
   * const total = Item.fromDelayed(delayed((xs: number[]) => xs.length)([1, 2]));
   */
  static fromDelayed<T>(value: DelayedCore<T>): Item<T> {
    if (!isDelayed(value)) {
      throw new TypeError(
        `Item.fromDelayed: expected a Delayed value, got ${value === null ? 'null' : typeof value}`,
      );
    }
    return new Item<T>(value.key, collectionLayer(value));
  }

  /**
   * Computes the value (default scheduler: `threads`).
   *
   * @example
   * await b.count().compute({ scheduler: 'sync' });
   */
  async compute(options: GraphComputeOptions = {}): Promise<T> {
    const [v] = await compute(this, options);
    return v;
  }

  /**
   * Computes the value and returns an Item holding it as data.
   *
   * @example
   * const n = await b.count().persist();
   */
  async persist(options: GraphComputeOptions = {}): Promise<Item<T>> {
    const [p] = await persist(this, options);
    return p;
  }

  /**
   * A lazy `fn(value)`.
   *
   * @example
   * const avg = b.sum().apply((s) => s / 10);
   */
  apply<R>(fn: UserFn<(value: T) => R>, options: FnOptions = {}): Item<R> {
    const f = fnArg(fn, options, 'apply');
    const key = `apply-${tokenize(this.key, f.token)}`;
    const layer = new Layer(key, [this.layer], () => [
      [key, task(kernel('applyTo'), [f.arg, { $ref: this.key }])],
    ]);
    return new Item<R>(key, layer);
  }

  /**
   * The value as a `Delayed` of `@dask-ts/graph`.
   *
   * @example
   * const d = b.sum().toDelayed();
   */
  toDelayed(): Delayed<T> {
    return delayed(this) as unknown as Delayed<T>;
  }

  [daskGraph](): Map<string, GraphNode> {
    return layeredGraph(this);
  }

  [daskLayers](): readonly GraphLayer[] {
    return [this.layer];
  }

  /** Bag's optimizer (an Item is optimized with the bags it reads). */
  get [daskOptimize](): LayerOptimizer {
    return fuseStages;
  }

  [daskKeys](): NestedKeys[] {
    return [this.key];
  }

  [daskFinalize](values: readonly unknown[]): T {
    return values[0] as T;
  }

  [daskFinalizeRef](): PortableFunctionRef {
    return kernel('first');
  }

  [daskRebuild](values: ReadonlyMap<string, unknown>): Item<T> {
    const v = values.get(this.key);
    return new Item<T>(this.key, dataLayer(this.key, [[this.key, v]]));
  }

  [tokenizeSymbol](): unknown {
    return ['Item', this.key];
  }

  toString(): string {
    return `Item<${this.key}>`;
  }
}
