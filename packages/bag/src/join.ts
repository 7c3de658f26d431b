// join: pairs each element of a bag with the items of another sequence that share its key, as
// Dask's `Bag.join` - the other sequence is small: an in-memory iterable (sent with the tasks), a
// Delayed value or an Item (computed once and read by every partition), or a one-partition bag.
// The result is `[otherItem, element]` pairs, in the bag's order (an element's matches in the
// other sequence's order). The join is an element-wise stage, so it fuses with its neighbours.
import { keyToString } from '@dask-ts/protocol';
import { isDelayed, type DelayedCore } from '@dask-ts/graph';
import { collectionLayer, type Layer } from '@dask-ts/graph';
import { keyArg, type FnOptions } from './fn-arg.js';
import { Item } from './item.js';
import type { Bag } from './bag.js';

/**
 * What a bag can be joined with.
 *
 * @example
 * const other: JoinOther<number> = [1, 2, 3];
 */
export type JoinOther<U> = Iterable<U> | Bag<U> | Item<Iterable<U>> | DelayedCore<Iterable<U>>;

/** `Bag.join`. @example join(b, [1, 2, 3], (x) => x % 2, undefined, {}) */
export function join<T, U>(
  b: Bag<T>,
  other: JoinOther<U>,
  onSelf: unknown,
  onOther: unknown,
  options: FnOptions,
): Bag<[U, T]> {
  const s = keyArg(onSelf, options, 'join');
  const o = onOther === undefined || onOther === null ? s : keyArg(onOther, options, 'join');
  let value: unknown;
  let token: unknown;
  const deps: Layer[] = [];
  if (other instanceof Item) {
    value = { $ref: other.key };
    token = ['item', other.key];
    deps.push(other.layer);
  } else if (isDelayed(other)) {
    const d = other as DelayedCore<Iterable<U>>;
    value = { $ref: d.key };
    token = ['delayed', d.key];
    deps.push(collectionLayer(d));
  } else if (isBag(other)) {
    if (other.npartitions !== 1) {
      throw new Error(
        `join: the other bag has ${other.npartitions} partitions; join works with a one-partition bag, an in-memory sequence or a Delayed value (repartition(1) it, or use groupby for large joins)`,
      );
    }
    value = { $ref: keyToString([other.name, 0]) };
    token = ['bag', other.name];
    deps.push(other.layer);
  } else if (other !== null && typeof other === 'object' && Symbol.iterator in other) {
    const items = Array.from(other);
    value = { $literal: items };
    token = items;
  } else {
    throw new TypeError(
      `join: other must be an iterable, a one-partition bag, an Item or a Delayed value, got ${other === null ? 'null' : typeof other}`,
    );
  }
  return b.stage<[U, T]>('join', [token, s.token, o.token], ['join', s.arg, o.arg, value], deps);
}

function isBag(x: unknown): x is Bag<unknown> {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Bag<unknown>).npartitions === 'number' &&
    typeof (x as Bag<unknown>).partitionKey === 'function'
  );
}
