// What every array operation reads and returns: the layer that makes the blocks, the chunks and
// the dtype. The DaskArray class wraps one; the operation modules take and give these plain
// descriptions, so they need not import the class (no import cycles).
import type { Chunks } from './chunks.js';
import type { Dtype } from './dtype.js';
import type { ArrayLayer } from './layers.js';

/**
 * An array as the operations see it.
 *
 * @example
 * const spec: ArraySpec = { layer, chunks: [[2, 2]], dtype: 'float64' };
 */
export interface ArraySpec {
  readonly layer: ArrayLayer;
  readonly chunks: Chunks;
  readonly dtype: Dtype;
}
