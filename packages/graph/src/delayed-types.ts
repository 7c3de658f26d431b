// The public types of `delayed`: the options, and the type of a Delayed value, whose members mirror
// those of the value it stands for (so `d.name.toUpperCase()` type-checks as a lazy call). A
// Delayed is never thenable (`then` is excluded) and its own members (key, compute...) win over
// the value's.
import type { Collection, daskRebuild } from '@dask-ts/protocol';
import type { GraphComputeOptions } from './compute.js';

/**
 * Options of {@link delayed}.
 *
 * @example
 * const load = delayed(readChunk, { name: 'load', pure: true });
 */
export interface DelayedOptions {
  /** The key prefix (default: the function's name). */
  readonly name?: string;
  /**
   * Same function and arguments give the same key (default false: every call gets a new key).
   * Only for a function whose text says all it computes: a closure over outer variables (not
   * passed in `scope`), a bound or a native function gets random keys, with a warning.
   */
  readonly pure?: boolean;
  /**
   * For a value: find Delayed values and collections inside arrays, plain objects, Sets and Maps
   * (default true). With false, the value is kept as it is, Delayed values inside included.
   */
  readonly traverse?: boolean;
  /** The result is a sequence of `nout` values: it can be destructured into Delayeds. */
  readonly nout?: number;
  /** Outer values the function reads, passed by name so it can run on workers. */
  readonly scope?: Readonly<Record<string, unknown>>;
}

/**
 * The members every Delayed has, besides those proxied to its value.
 *
 * @example
 * const k: string = inc(1).key;
 */
export interface DelayedCore<T> extends Collection<T> {
  /** The key of this value in the graph. */
  readonly key: string;
  /** Computes this value (see `compute` for the options). */
  compute(options?: GraphComputeOptions): Promise<T>;
  /** Computes this value and returns a Delayed holding it as data. */
  persist(options?: GraphComputeOptions): Promise<Delayed<T>>;
  [daskRebuild](values: ReadonlyMap<string, unknown>): Delayed<T>;
  toString(): string;
}

type Apparent<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends bigint
        ? bigint
        : T;
type MemberKeys<T> = Exclude<
  keyof Apparent<T>,
  symbol | keyof DelayedCore<unknown> | 'then' | 'constructor'
>;

/**
 * A lazily accessed member of a Delayed value: a Delayed, callable when the member is a method.
 *
 * @example
 * const upper: Delayed<string> = name.toUpperCase();
 */
export type DelayedMember<V> = V extends (...args: infer A) => infer R
  ? Delayed<V> & ((...args: DelayedArgs<A>) => Delayed<Awaited<R>>)
  : Delayed<V>;

/**
 * A lazy value: the result of a delayed call, computed on demand. Member access, indexing and
 * method calls give new Delayed values.
 *
 * @example
 * const n: Delayed<number> = delayed((s: string) => s.length)('abc');
 * const first: Delayed<string> = delayed(['a', 'b'])[0];
 */
export type Delayed<T> = DelayedCore<T> & {
  readonly [K in MemberKeys<T>]: DelayedMember<Apparent<T>[K]>;
};

/**
 * What a delayed function accepts for a parameter of type `T`: the value itself, a Delayed or
 * collection giving it, or (for arrays, objects, Sets, Maps and iterables) a container of those.
 *
 * @example
 * const x: DelayedArg<number> = inc(1);
 */
export type DelayedArg<T> =
  | T
  | Delayed<T>
  | Collection<T>
  | (T extends string
      ? never
      : T extends ReadonlySet<infer U>
        ? ReadonlySet<DelayedArg<U>>
        : T extends ReadonlyMap<infer K, infer V>
          ? ReadonlyMap<DelayedArg<K>, DelayedArg<V>>
          : T extends Iterable<infer U>
            ? Iterable<DelayedArg<U>>
            : never)
  | (T extends readonly unknown[]
      ? { readonly [K in keyof T]: DelayedArg<T[K]> }
      : T extends (...args: never[]) => unknown
        ? never
        : T extends object
          ? { readonly [K in keyof T]: DelayedArg<T[K]> }
          : never);

/**
 * The parameters of a delayed function.
 *
 * @example
 * type P = DelayedArgs<[number, string]>; // [DelayedArg<number>, DelayedArg<string>]
 */
export type DelayedArgs<A extends readonly unknown[]> = { [K in keyof A]: DelayedArg<A[K]> };

/**
 * A function made lazy by {@link delayed}: calling it builds a task and returns its Delayed result.
 *
 * @example
 * const inc: DelayedFunction<(x: number) => number> = delayed((x: number) => x + 1);
 */
export type DelayedFunction<F extends (...args: never[]) => unknown> = (
  ...args: DelayedArgs<Parameters<F>>
) => Delayed<Awaited<ReturnType<F>>>;

/**
 * A Delayed sequence of known length: it destructures into Delayed items.
 *
 * @example
 * const [q, r] = divmod(7, 2);
 */
export type DelayedTuple<T> = Delayed<T> &
  (T extends readonly unknown[]
    ? readonly [...{ [K in keyof T]: Delayed<T[K]> }]
    : Iterable<Delayed<unknown>>);
