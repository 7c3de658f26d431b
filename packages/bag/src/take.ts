// take: the first `n` elements, computing only the partitions it reads (the first one by default,
// as Dask's most-used interactive call does; `npartitions: -1` reads all). Finding fewer than `n`
// elements warns (a process warning of type 'TakeWarning') unless `warn: false`.
import { keyToString, task } from '@dask-ts/protocol';
import { compute, tokenize, type GraphComputeOptions } from '@dask-ts/graph';
import { Layer } from '@dask-ts/graph';
import { kernel } from './kernels.js';
import type { Bag } from './bag.js';

/**
 * Options of `take`.
 *
 * @example
 * await b.take(5, { npartitions: 2 });
 */
export interface TakeOptions extends GraphComputeOptions {
  /** How many leading partitions to read (default 1; -1: all). */
  readonly npartitions?: number;
  /** false: return the one-partition bag instead of computing it. */
  readonly compute?: boolean;
  /** Warn when fewer than `n` elements were found (default true). */
  readonly warn?: boolean;
}

/** The lazy part of `Bag.take`: a one-partition bag. @example takeBag(b, 5, 1) */
export function takeBag<T>(b: Bag<T>, n: number, npartitions = 1): Bag<T> {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`take: n must be a non-negative integer, got ${String(n)}`);
  }
  const k = npartitions === -1 ? b.npartitions : npartitions;
  if (!Number.isInteger(k) || k < 1 || k > b.npartitions) {
    throw new RangeError(
      `take: npartitions must be between 1 and the bag's ${b.npartitions} partitions (or -1 for all), got ${String(npartitions)}`,
    );
  }
  const name = `take-${tokenize(b.name, n, k)}`;
  const refs = Array.from({ length: k }, (_, i) => ({ $ref: keyToString([b.name, i]) }));
  const layer = new Layer(name, [b.layer], () => [
    [keyToString([name, 0]), task(kernel('take'), [n, ...refs])] as const,
  ]);
  return b.derive<T>(name, 1, layer);
}

/** `Bag.take`. @example await take(b, 5, {}) */
export async function take<T>(b: Bag<T>, n: number, options: TakeOptions): Promise<T[]> {
  const { npartitions, compute: _c, warn, ...computeOptions } = options;
  const [got] = await compute(takeBag(b, n, npartitions), computeOptions);
  if (got.length < n && warn !== false) {
    process.emitWarning(
      `take: ${n} elements requested, only ${got.length} found in the first ${npartitions === -1 ? b.npartitions : (npartitions ?? 1)} partition(s); pass a larger npartitions (or -1) to read more`,
      { type: 'TakeWarning' },
    );
  }
  return got;
}
