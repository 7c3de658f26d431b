// Bag's aggregations (reduction, fold, foldby, groupby, frequencies, distinct, topk, count, sum,
// mean...): one-line methods delegating to aggregations.ts, which adds a reduction tree and returns
// an Item, or a one-partition bag for grouped results. Internal and abstract, the last link of the
// class chain Bag extends (bag-restructure-methods.ts).
import * as agg from './aggregations.js';
import type { Bag } from './bag.js';
import { asBag, BagRestructureMethods } from './bag-restructure-methods.js';
import type { KeyFn } from './bag-types.js';
import type { UserFn } from './fn-arg.js';
import type { Item } from './item.js';

/** The aggregations of Bag (an internal link of its class chain; use Bag). */
export abstract class BagAggregateMethods<T> extends BagRestructureMethods<T> {
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
    return agg.reduction<R>(asBag(this), perpartition, aggregate, options);
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
    return agg.fold(asBag(this), binop, options);
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
    return agg.foldby(asBag(this), key, binop, options);
  }

  /**
   * Groups the elements by `key` with a shuffle: a bag of `[key, elements]` pairs in
   * `options.npartitions` partitions (default: as many as this bag, at most 100).
   *
   * @example
   * people.groupby((p) => p.age >= 18);
   */
  groupby<K>(key: KeyFn<T, K>, options: agg.GroupbyOptions = {}): Bag<[K, T[]]> {
    return agg.groupby(asBag(this), key, options);
  }

  /**
   * How often each distinct element occurs: `[element, count]` pairs (with `sort`, most frequent
   * first).
   *
   * @example
   * words.frequencies({ sort: true });
   */
  frequencies(options: agg.TreeOptions & { readonly sort?: boolean } = {}): Bag<[T, number]> {
    return agg.frequencies(asBag(this), options);
  }

  /**
   * The distinct elements (by `key` when given: the first element of each key).
   *
   * @example
   * b.distinct();
   */
  distinct<K>(key?: KeyFn<T, K>, options: agg.TreeOptions = {}): Bag<T> {
    return agg.distinct(asBag(this), key, options);
  }

  /**
   * The `k` largest elements (by `key` when given), largest first.
   *
   * @example
   * b.topk(3);
   * people.topk(2, 'age');
   */
  topk<K>(k: number, key?: KeyFn<T, K>, options: agg.TreeOptions = {}): Bag<T> {
    return agg.topk(asBag(this), k, key, options);
  }

  /** The number of elements. @example await b.count().compute() */
  count(options: agg.TreeOptions = {}): Item<number> {
    return agg.simple(asBag(this), 'count', options);
  }

  /** The sum of the elements (0 for an empty bag). @example await b.sum().compute() */
  sum(this: Bag<number>, options: agg.TreeOptions = {}): Item<number> {
    return agg.simple(this, 'sum', options);
  }

  /** The smallest element (an empty bag is an error). @example await b.min().compute() */
  min(options: agg.TreeOptions = {}): Item<T> {
    return agg.simple(asBag(this), 'min', options);
  }

  /** The largest element (an empty bag is an error). @example await b.max().compute() */
  max(options: agg.TreeOptions = {}): Item<T> {
    return agg.simple(asBag(this), 'max', options);
  }

  /** Whether every element is truthy. @example await b.all().compute() */
  all(options: agg.TreeOptions = {}): Item<boolean> {
    return agg.simple(asBag(this), 'all', options);
  }

  /** Whether some element is truthy. @example await b.any().compute() */
  any(options: agg.TreeOptions = {}): Item<boolean> {
    return agg.simple(asBag(this), 'any', options);
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
}
