// Extra arguments of `map`-like operations. They come in `options.args`, or positionally as in
// Dask (`b.map(fn, otherBag, 10)`): after the function, one plain object is the options and
// anything else is an argument (an unknown option key is an error that shows both forms). A bag argument is zipped with the mapped bag element by
// element (same number of partitions required); an Item or Delayed argument is computed once and
// broadcast; any other value is passed as it is (as a literal, never scanned for references).
import { isPlainObject, keyToString, type Ref } from '@dask-ts/protocol';
import { isDelayed, tokenize, type DelayedCore } from '@dask-ts/graph';
import { collectionLayer, Layer } from '@dask-ts/graph';
import { Item } from './item.js';
import type { Bag } from './bag.js';

/**
 * The part of a bag that combining operations need (any element type fits).
 *
 * @example
 * const parts: BagLike[] = [bagOfNumbers, bagOfStrings];
 */
export interface BagLike {
  readonly name: string;
  readonly npartitions: number;
  readonly layer: Layer;
}

/**
 * What an extra argument of type `A` gives the function: the element of a bag, the value of an
 * Item or Delayed, or the value itself.
 *
 * @example
 * type V = ArgValue<Item<number>>; // number
 */
export type ArgValue<A> =
  A extends Bag<infer U> ? U : A extends Item<infer U> ? U : A extends DelayedCore<infer U> ? U : A;

/**
 * The values a function receives for a tuple of extra arguments.
 *
 * @example
 * type Vs = ArgValues<[Bag<string>, number]>; // [string, number]
 */
export type ArgValues<A extends readonly unknown[]> = { -readonly [K in keyof A]: ArgValue<A[K]> };

/** Extra arguments prepared for tasks. */
export interface PreparedArgs {
  /** 'b' (bag partition, zipped) or 'v' (value) per argument. */
  readonly kinds: string;
  /** The argument values of partition `i`. */
  vals(i: number): unknown[];
  readonly layers: Layer[];
  readonly token: string;
}

function isBagLike(v: unknown): v is BagLike {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as BagLike).name === 'string' &&
    typeof (v as BagLike).npartitions === 'number' &&
    (v as BagLike).layer instanceof Layer
  );
}

/**
 * Prepares arguments for `op` over `n` partitions.
 *
 * @example
 * const p = prepareArgs('map', [otherBag, 3], 4);
 */
export function prepareArgs(op: string, args: readonly unknown[], n: number): PreparedArgs {
  let kinds = '';
  const perArg: ((i: number) => unknown)[] = [];
  const layers: Layer[] = [];
  const tokens: unknown[] = [];
  args.forEach((a, j) => {
    if (isBagLike(a)) {
      if (a.npartitions !== n) {
        throw new Error(
          `${op}: argument ${j} is a bag with ${a.npartitions} partitions, but the bag it is combined with has ${n}; bags used together need the same number of partitions (use .repartition(${n}))`,
        );
      }
      kinds += 'b';
      perArg.push((i) => ({ $ref: keyToString([a.name, i]) }) satisfies Ref);
      layers.push(a.layer);
      tokens.push(['bag', a.name]);
    } else if (a instanceof Item) {
      kinds += 'v';
      perArg.push(() => ({ $ref: a.key }));
      layers.push(a.layer);
      tokens.push(['item', a.key]);
    } else if (isDelayed(a)) {
      const d = a;
      kinds += 'v';
      perArg.push(() => ({ $ref: d.key }));
      layers.push(collectionLayer(d));
      tokens.push(['delayed', d.key]);
    } else {
      kinds += 'v';
      const lit = { $literal: a };
      perArg.push(() => lit);
      tokens.push(a);
    }
  });
  return {
    kinds,
    vals: (i) => perArg.map((f) => f(i)),
    layers,
    token: tokens.length === 0 ? '' : tokenize(tokens),
  };
}

const MAP_OPTION_KEYS = new Set(['scope', 'name', 'args']);

/**
 * The options of a map-like call from what follows its function: nothing, one options object, or
 * positional arguments (Dask's form).
 *
 * @example
 * mapOptions('map', [otherBag, 10]); // { args: [otherBag, 10] }
 */
export function mapOptions(
  op: string,
  rest: readonly unknown[],
): {
  readonly scope?: Readonly<Record<string, unknown>>;
  readonly name?: string;
  readonly args?: readonly unknown[];
} {
  if (rest.length === 0) return {};
  const first = rest[0];
  if (rest.length === 1 && isPlainObject(first) && !isBagLike(first) && !isDelayed(first)) {
    for (const k of Object.keys(first)) {
      if (!MAP_OPTION_KEYS.has(k)) {
        throw new TypeError(
          `${op}: unknown option '${k}' (the options are scope, name and args); to pass an object as an argument, write ${op}(fn, { args: [obj] })`,
        );
      }
    }
    if (first.args !== undefined && !Array.isArray(first.args)) {
      throw new TypeError(`${op}: options.args must be an array of arguments`);
    }
    return first;
  }
  return { args: rest };
}
