// The arguments of `client.map`: one array of items or several (Dask's `map(func, *iterables)`:
// the function takes one argument from each, position by position), then optional placement
// options. A call of the wrong shape (an argument that is not an array, arrays of different
// lengths) is a programming error, thrown at once, naming the argument; what goes wrong with
// the items themselves (a closure, an unclonable value) fails the futures instead.
import { delayed, type Delayed } from '@dask-ts/graph';
import type { PlacementOptions } from './placement-options.js';

/** What a value is, for messages. */
function kindOf(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * The arrays of items and the options of a `client.map` call (`rest`: what follows the function).
 *
 * @example
 * mapArguments([[1, 2], [3, 4], { retries: 1 }]); // { lists: [[1, 2], [3, 4]], options: { retries: 1 } }
 */
export function mapArguments(rest: readonly unknown[]): {
  lists: (readonly unknown[])[];
  options: PlacementOptions | undefined;
} {
  const last = rest[rest.length - 1];
  const hasOptions = rest.length > 1 && !Array.isArray(last);
  const lists = hasOptions ? rest.slice(0, -1) : rest.slice();
  if (lists.length === 0) throw new TypeError('client.map: expected an array of items');
  lists.forEach((l, i) => {
    if (!Array.isArray(l))
      throw new TypeError(
        `client.map: argument ${i + 2} must be an array of items, got ${kindOf(l)}`,
      );
  });
  const arrays = lists as (readonly unknown[])[];
  const n = arrays[0].length;
  if (arrays.some((a) => a.length !== n))
    throw new TypeError(
      `client.map: the arrays of items have different lengths (${arrays.map((a) => a.length).join(', ')})`,
    );
  return { lists: arrays, options: hasOptions ? (last as PlacementOptions) : undefined };
}

/**
 * One call of `fn` per position of `lists`, each with one item of every list.
 *
 * @example
 * zipCalls((a: number, b: number) => a + b, [[1, 2], [10, 20]]); // two Delayed values: 11, 22
 */
export function zipCalls<R>(
  fn: (...args: never[]) => unknown,
  lists: readonly (readonly unknown[])[],
): Delayed<R>[] {
  const f = delayed(fn as never) as unknown as (...x: unknown[]) => Delayed<R>;
  return lists[0].map((_, i) => f(...lists.map((l) => l[i])));
}
