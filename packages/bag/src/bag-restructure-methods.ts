// Bag's restructuring methods (product, zip, accumulate, repartition, take, sampling, join,
// unzip): one-line methods delegating to restructure.ts, take.ts, sample.ts and join.ts, in the
// root of the chain of internal abstract classes that Bag extends. Every instance is a Bag, so
// `asBag` only restores the type; these files import bag.ts for types only (no import cycle).
import type { GraphComputeOptions } from '@dask-ts/graph';
import type { ArgValues, BagLike } from './args.js';
import type { Bag } from './bag.js';
import type { KeyFn } from './bag-types.js';
import type { FnOptions, UserFn } from './fn-arg.js';
import { join, type JoinOther } from './join.js';
import * as re from './restructure.js';
import { randomSample } from './sample.js';
import { take, takeBag, type TakeOptions } from './take.js';

/** @internal A link of Bag's class chain as the Bag it is. */
export function asBag<T>(b: BagRestructureMethods<T>): Bag<T> {
  return b as unknown as Bag<T>;
}

/** The restructuring methods of Bag (an internal link of its class chain; use Bag). */
export abstract class BagRestructureMethods<T> {
  /**
   * The cartesian product with another bag: every `[x, y]` pair (`n * m` partitions).
   *
   * @example
   * fromSequence([1, 2]).product(fromSequence(['a'])); // [[1, 'a'], [2, 'a']]
   */
  product<U>(other: Bag<U>): Bag<[T, U]> {
    return re.product(asBag(this), other);
  }

  /**
   * Zips with other bags of the same partitioning into tuples.
   *
   * @example
   * a.zip(b); // [[a0, b0], [a1, b1], ...]
   */
  zip<const B extends readonly BagLike[]>(...others: B): Bag<[T, ...ArgValues<B>]> {
    return re.zip(asBag(this), others);
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
    return re.accumulate(asBag(this), binop, options);
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
    if (typeof arg === 'number') return re.repartition(asBag(this), arg);
    const { npartitions, partitionSize, ...computeOptions } = arg;
    if ((npartitions === undefined) === (partitionSize === undefined)) {
      throw new Error('repartition: give npartitions or partitionSize (exactly one)');
    }
    return npartitions !== undefined
      ? re.repartition(asBag(this), npartitions)
      : re.repartitionBySize(asBag(this), partitionSize!, computeOptions);
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
    if (options.compute === false) return takeBag(asBag(this), n, options.npartitions);
    try {
      takeBag(asBag(this), n, options.npartitions);
    } catch (err) {
      return Promise.reject(err);
    }
    return take(asBag(this), n, options);
  }

  /**
   * Each element kept with probability `prob`, from a generator seeded by `seed` (or by a seed
   * drawn when the sample is defined): the same sample at every compute.
   *
   * @example
   * b.randomSample(0.1, 42);
   */
  randomSample(prob: number, seed?: number): Bag<T> {
    return randomSample(asBag(this), prob, seed);
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
    return join(asBag(this), other, onSelf, onOther, options);
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
      asBag(this).stage<E>(
        'pluck',
        [i, false, undefined],
        ['pluck', { $literal: i }, false, { $literal: undefined }],
      ),
    );
  }
}
