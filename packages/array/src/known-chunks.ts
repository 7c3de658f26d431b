// Unknown chunk sizes: after a boolean mask (or unique, bincount) the length of each block is not
// known until computed, and is NaN in `chunks`, as in dask. Operations that need lengths (slicing,
// reshaping, rechunking, padding...) refuse such an array when the expression is built, naming
// the fix.
import type { ArraySpec } from './spec.js';

/**
 * Refuses an array whose chunk sizes are unknown (NaN), naming the operation and the fix.
 *
 * @example
 * requireKnownChunks(x, 'reshape');
 */
export function requireKnownChunks(x: ArraySpec, op: string): void {
  if (x.chunks.some((c) => c.some((s) => s !== s))) {
    throw new RangeError(
      `${op}: the array's chunk sizes are unknown (NaN, after a boolean mask); call x.computeChunkSizes() first`,
    );
  }
}
