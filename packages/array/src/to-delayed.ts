// toDelayed: one Delayed per block of an array, in C order of the block indices (Dask's
// `to_delayed`, flattened), through the kit's chunksToDelayed: the array's layers are optimized
// once for every block, and each Delayed's one key is the block's, so blocks can feed delayed
// functions (or another collection's `fromDelayed`) and be computed one by one or together.
import { chunksToDelayed, sourceRef, type Delayed } from '@dask-ts/graph';
import type { ArrayLayer } from './layers.js';
import { blockKey } from './layers.js';
import type { NdArray } from './array.js';
import { optimizeArrays } from './optimize.js';

/** Portably, a block's value from its one-element values array. */
const FIRST = sourceRef('(values) => values[0]', { name: 'firstBlock' });

/**
 * The blocks of an array (its `layer`, block indices `indices`) as Delayed values.
 *
 * @internal used by `DaskArray.toDelayed`.
 */
export function blocksToDelayed(
  layer: ArrayLayer,
  indices: Iterable<readonly number[]>,
): Delayed<NdArray>[] {
  const keys = [...indices].map((idx) => blockKey(layer.name, [...idx]));
  return chunksToDelayed<NdArray>([layer], optimizeArrays, keys, FIRST);
}
