// Making bags from memory and from other lazy values: `fromSequence` cuts an array into
// partitions held as data nodes (by count, or by size), `range` makes its integers in tasks, and
// `fromDelayed` takes each Delayed value (an array or any iterable) as a partition. `concat`,
// `zip`, `map` and `mapPartitions` combine several bags.
import { isCollection, keyToString, task, data } from '@dask-ts/protocol';
import { isDelayed, tokenize, type DelayedCore } from '@dask-ts/graph';
import { Bag, type MapOptions, type PartitionArgs } from './bag.js';
import { collectionLayer, Layer } from '@dask-ts/graph';
import { kernel } from './kernels.js';
import { fnArg, keyPrefix, type UserFn } from './fn-arg.js';
import { prepareArgs, type ArgValues, type BagLike } from './args.js';

/**
 * How to cut a sequence: into `npartitions` partitions, or partitions of `partitionSize` elements
 * (default: one element per partition up to 100 elements, then about max(100, sqrt(n)) partitions,
 * at most 1000).
 *
 * @example
 * fromSequence(xs, { partitionSize: 1000 });
 */
export interface PartitionOptions {
  readonly npartitions?: number;
  readonly partitionSize?: number;
}

function positive(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
    throw new RangeError(`${name} must be a positive integer, got ${String(v)}`);
  }
}

/** The most partitions a default cut makes. */
const MAX_DEFAULT_PARTITIONS = 1000;

/**
 * The default partition count for `n` elements: one per element up to 100 (as Dask), then 100
 * until the square root of n passes 100, then about sqrt(n), at most 1000 - so partitions grow
 * with the input instead of staying at 100 (a million elements: 1000 partitions of 1000).
 */
function defaultPartitions(n: number): number {
  if (n <= 100) return Math.max(1, n);
  return Math.min(MAX_DEFAULT_PARTITIONS, Math.max(100, Math.ceil(Math.sqrt(n))));
}

/** Partition boundaries for `n` elements. */
function bounds(n: number, options: PartitionOptions, op: string): number[] {
  positive(`${op}: npartitions`, options.npartitions);
  positive(`${op}: partitionSize`, options.partitionSize);
  if (options.npartitions !== undefined && options.partitionSize !== undefined) {
    throw new Error(`${op}: give npartitions or partitionSize, not both`);
  }
  const size =
    options.partitionSize ??
    (options.npartitions === undefined
      ? Math.max(1, Math.ceil(n / defaultPartitions(n)))
      : undefined);
  const out = [0];
  if (size !== undefined) {
    for (let s = size; s < n; s += size) out.push(s);
    out.push(n);
    return out;
  }
  const p = Math.max(1, Math.min(options.npartitions!, Math.max(n, 1)));
  for (let j = 1; j <= p; j++) out.push(Math.floor((j * n) / p));
  return out;
}

/**
 * A bag of the elements of an array (or iterable), cut into partitions.
 *
 * @example
 * const b = fromSequence([1, 2, 3, 4], { npartitions: 2 });
 */
export function fromSequence<T>(seq: Iterable<T>, options: PartitionOptions = {}): Bag<T> {
  const xs = Array.isArray(seq) ? (seq as T[]) : Array.from(seq);
  const b = bounds(xs.length, options, 'fromSequence');
  const np = b.length - 1;
  const name = `from-sequence-${tokenize(xs, b)}`;
  const layer = new Layer(name, [], function* () {
    for (let i = 0; i < np; i++)
      yield [keyToString([name, i]), data(xs.slice(b[i], b[i + 1]))] as const;
  });
  return new Bag<T>(name, np, layer);
}

/**
 * A bag of the integers `0 .. n - 1`.
 *
 * @example
 * await range(5, { npartitions: 2 }).compute(); // [0, 1, 2, 3, 4]
 */
export function range(n: number, options: PartitionOptions = {}): Bag<number> {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`range: n must be a non-negative integer, got ${String(n)}`);
  const b = bounds(n, options, 'range');
  const np = b.length - 1;
  const name = `range-${tokenize(n, b)}`;
  const layer = new Layer(name, [], function* () {
    for (let i = 0; i < np; i++)
      yield [keyToString([name, i]), task(kernel('range'), [b[i], b[i + 1]])] as const;
  });
  return new Bag<number>(name, np, layer);
}

/**
 * A bag whose partitions are Delayed values (each an array or iterable), in order.
 *
 * @example
 * const load = delayed((i: number) => [i, i + 1]);
 * const b = fromDelayed([load(0), load(10)]);
 */
export function fromDelayed<T>(
  values: DelayedCore<Iterable<T>> | readonly DelayedCore<Iterable<T>>[],
): Bag<T> {
  const list = (Array.isArray(values) ? values : [values]) as DelayedCore<Iterable<T>>[];
  if (list.length === 0) throw new Error('fromDelayed: give at least one Delayed value');
  list.forEach((d, i) => {
    if (!isDelayed(d) && !isCollection(d)) {
      throw new TypeError(
        `fromDelayed: element ${i} is not a Delayed value (got ${typeof d}); wrap plain data with fromSequence`,
      );
    }
  });
  const keys = list.map((d) => d.key);
  const name = `from-delayed-${tokenize(keys)}`;
  const deps = list.map((d) => collectionLayer(d));
  const layer = new Layer(name, deps, () =>
    keys.map((k, i) => [keyToString([name, i]), task(kernel('toArray'), [{ $ref: k }])] as const),
  );
  return new Bag<T>(name, list.length, layer);
}

/**
 * The partitions of several bags, one after the other.
 *
 * @example
 * concat([a, b]);
 */
export function concat<T>(bags: readonly Bag<T>[]): Bag<T> {
  if (bags.length === 0) throw new Error('concat: give at least one bag');
  const name = `concat-${tokenize(bags.map((b) => b.name))}`;
  const refs: string[] = [];
  for (const b of bags) for (let i = 0; i < b.npartitions; i++) refs.push(b.partitionKey(i));
  const layer = new Layer(
    name,
    bags.map((b) => b.layer),
    () =>
      refs.map((k, i) => [keyToString([name, i]), task(kernel('concat'), [{ $ref: k }])] as const),
  );
  return new Bag<T>(name, refs.length, layer);
}

/**
 * Zips bags of the same partitioning into tuples.
 *
 * @example
 * zip(names, ages); // [['ann', 31], ['bob', 27]]
 */
export function zip<const B extends readonly [BagLike, ...BagLike[]]>(
  ...bags: B
): Bag<ArgValues<B>> {
  if (bags.length === 0) throw new Error('zip: give at least one bag');
  const [first, ...rest] = bags;
  return (first as Bag<unknown>).zip(...rest) as unknown as Bag<ArgValues<B>>;
}

/**
 * Calls `fn` with the elements of several bags side by side (zipped) and any other arguments
 * (Items and Delayed values computed and broadcast, plain values passed as they are).
 *
 * @example
 * map((x, y, k) => x * k + y, [xs, ys, 10]);
 */
export function map<R, const A extends readonly unknown[]>(
  fn: UserFn<(...args: ArgValues<A>) => R>,
  args: A,
  options: Omit<MapOptions, 'args'> = {},
): Bag<R> {
  const j = args.findIndex((a) => a instanceof Bag);
  if (j < 0) throw new Error('map: at least one argument must be a bag');
  const lead = args[j] as Bag<unknown>;
  const f = fnArg(fn, options, 'map');
  const p = prepareArgs('map', args, lead.npartitions);
  return lead.partitionwise<R>(
    keyPrefix(fn, options) ?? 'map',
    ['map', f.token, p.token],
    (i) => task(kernel('map'), [f.arg, p.kinds, ...p.vals(i)]),
    p.layers,
  );
}

/**
 * Calls `fn` with the matching partitions of several bags (as arrays) and any other arguments
 * (Items and Delayed values computed and broadcast, plain values passed as they are).
 *
 * @example
 * mapPartitions((xs, ys) => xs.map((x, i) => Math.max(x, ys[i])), [xs, ys]);
 */
export function mapPartitions<R, const A extends readonly unknown[]>(
  fn: UserFn<(...args: PartitionArgs<A>) => Iterable<R> | Promise<Iterable<R>>>,
  args: A,
  options: Omit<MapOptions, 'args'> = {},
): Bag<R> {
  const j = args.findIndex((a) => a instanceof Bag);
  if (j < 0) throw new Error('mapPartitions: at least one argument must be a bag');
  const lead = args[j] as Bag<unknown>;
  const f = fnArg(fn, options, 'mapPartitions');
  const p = prepareArgs('mapPartitions', args, lead.npartitions);
  return lead.partitionwise<R>(
    keyPrefix(fn, options) ?? 'mapPartitions',
    ['mapPartitions', f.token, p.token],
    (i) => task(kernel('mapPartitions'), [f.arg, ...p.vals(i)]),
    p.layers,
  );
}
