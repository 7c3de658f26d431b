// The partitions of a bag as Delayed values (`Bag.toDelayed`), through the kit's chunksToDelayed:
// the bag's layers are optimized once for every partition, and each finalizes with the portable
// `first` kernel (or `firstOfFirst`, for one-element partitions), so it can be passed to delayed
// functions.
import { chunksToDelayed, type Delayed } from '@dask-ts/graph';
import { fuseStages } from './fusion.js';
import { kernel } from './kernels.js';
import type { Bag } from './bag.js';

/**
 * The partitions of `b` as `Delayed` values, see `Bag.toDelayed` (`single`: each partition's one
 * element instead).
 *
 * @example
 * const parts = partitionsToDelayed(b);
 */
export function partitionsToDelayed<T>(b: Bag<T>, single = false): Delayed<T[]>[] {
  const keys = Array.from({ length: b.npartitions }, (_, i) => b.partitionKey(i));
  return chunksToDelayed<T[]>(
    [b.layer],
    fuseStages,
    keys,
    kernel(single ? 'firstOfFirst' : 'first'),
    single ? (values) => (values[0] as T[])[0] as T[] : (values) => values[0] as T[],
  );
}
