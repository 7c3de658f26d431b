// The collection protocol: any object that can give its graph, its output keys and a finalizer
// can be computed by any scheduler (Dask's `__dask_graph__`, `__dask_keys__`,
// `__dask_postcompute__`). The members are global symbols, so two copies of this package agree.
import type { Graph } from './task.js';

/** Symbol of the method returning a collection's task graph. @example obj[daskGraph]() */
export const daskGraph: unique symbol = Symbol.for('dask-ts.graph') as never;
/** Symbol of the method returning a collection's output keys (canonical strings, possibly nested). @example obj[daskKeys]() */
export const daskKeys: unique symbol = Symbol.for('dask-ts.keys') as never;
/** Symbol of the method turning computed key values into the collection's result. @example obj[daskFinalize](values) */
export const daskFinalize: unique symbol = Symbol.for('dask-ts.finalize') as never;
/** Symbol of the method rebuilding the collection from computed values held as data (for `persist`). @example obj[daskRebuild](values) */
export const daskRebuild: unique symbol = Symbol.for('dask-ts.rebuild') as never;

/**
 * Output keys of a collection: canonical key strings, nested as the finalizer expects.
 *
 * @example
 * const keys: NestedKeys = ['["x",0]', '["x",1]'];
 */
export type NestedKeys = string | readonly NestedKeys[];

/**
 * Something a scheduler can compute: a lazy collection or a `Delayed` value.
 *
 * @example
 * class Answer implements Collection<number> {
 *   [daskGraph]() { return new Map([['a', data(42)]]); }
 *   [daskKeys]() { return ['a']; }
 *   [daskFinalize](values: unknown[]) { return values[0] as number; }
 * }
 */
export interface Collection<T = unknown> {
  [daskGraph](): Graph;
  [daskKeys](): readonly NestedKeys[];
  /** Receives the computed values in the order of the flattened keys. */
  [daskFinalize](values: readonly unknown[]): T;
  /** Optional: the same collection, its keys now literal data (what `persist` returns). */
  [daskRebuild]?(values: ReadonlyMap<string, unknown>): Collection<T>;
}

/**
 * Whether a value implements the {@link Collection} protocol.
 *
 * @example
 * if (isCollection(x)) await compute(x);
 */
export function isCollection(value: unknown): value is Collection {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as Partial<Collection>)[daskGraph] === 'function' &&
    typeof (value as Partial<Collection>)[daskKeys] === 'function' &&
    typeof (value as Partial<Collection>)[daskFinalize] === 'function'
  );
}

/**
 * Flattens nested keys into a list, depth first.
 *
 * @example
 * flattenKeys(['a', ['b', 'c']]); // ['a', 'b', 'c']
 */
export function flattenKeys(keys: readonly NestedKeys[], out: string[] = []): string[] {
  for (const k of keys) {
    if (typeof k === 'string') out.push(k);
    else flattenKeys(k, out);
  }
  return out;
}
