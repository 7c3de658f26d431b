// The public helper types of Bag's methods: map options, key functions, the element type of a
// flattened bag, and what `mapPartitions` passes for its extra arguments. Types only.
import type { FnOptions, UserFn } from './fn-arg.js';
import type { ArgValues } from './args.js';
import type { Bag } from './bag.js';

/**
 * Options of `map`-like operations: the function's `scope`, and extra arguments (bags are zipped
 * element by element, Items and Delayed values broadcast, other values passed as they are).
 *
 * @example
 * b.map((x, y, k) => x + y * k, { args: [other, 10] });
 */
export interface MapOptions<A extends readonly unknown[] = readonly unknown[]> extends FnOptions {
  readonly args?: A;
}

/**
 * A key function: a function of the element, a function reference, or a property name or index.
 *
 * @example
 * const byName: KeyFn<{ name: string }, string> = 'name';
 */
export type KeyFn<T, K> =
  UserFn<(x: T) => K> | (T extends object ? keyof T & (string | number) : never);

/** The element type of an iterable element type. */
export type Flat<T> = T extends string ? string : T extends Iterable<infer U> ? U : never;

/**
 * What `mapPartitions` passes for extra arguments: the matching partition of a bag, the value of
 * an Item or Delayed, other values as they are.
 *
 * @example
 * type P = PartitionArgs<[Bag<number>, string]>; // [number[], string]
 */
export type PartitionArgs<A extends readonly unknown[]> = {
  -readonly [K in keyof A]: A[K] extends Bag<infer U> ? U[] : ArgValues<[A[K]]>[0];
};
