// The kernels of the shape operations that make new elements from a block: broadcasting a block
// to a larger shape (NumPy's rules: new axes on the left, length-1 axes stretched) and repeating
// each element along an axis. Results are compact chunks owning their buffers.
import ndarray from 'ndarray';
import { compactCopy, copyRegion, makeNd, type Nd } from './nd.js';
import { dtypeOfTypedArray } from './dtype.js';

/**
 * A block broadcast to `shape`.
 *
 * @example
 * broadcastBlock(row, [4, 3]);
 */
export function broadcastBlock(chunk: Nd, shape: readonly number[]): Nd {
  const pad = shape.length - chunk.shape.length;
  const stride = shape.map((s, a) =>
    a < pad || (chunk.shape[a - pad] === 1 && s !== 1) ? 0 : chunk.stride[a - pad],
  );
  return compactCopy(ndarray(chunk.data, shape.slice(), stride, chunk.offset));
}

/**
 * A block with each element repeated `repeats` times along `axis`.
 *
 * @example
 * repeatBlock(chunk, 0, 3);
 */
export function repeatBlock(chunk: Nd, axis: number, repeats: number): Nd {
  const shape = chunk.shape.map((s, a) => (a === axis ? s * repeats : s));
  const out = makeNd(dtypeOfTypedArray(chunk.data) ?? 'float64', shape);
  // Copy slice i of the input to slices i*r .. i*r+r-1 of the output (a strided view each).
  for (let r = 0; r < repeats; r++) {
    const view = ndarray(
      out.data,
      chunk.shape.slice(),
      out.stride.map((s, a) => (a === axis ? s * repeats : s)),
      r * out.stride[axis],
    );
    copyRegion(
      chunk,
      chunk.shape.map(() => 0),
      view,
      chunk.shape.map(() => 0),
      chunk.shape,
    );
  }
  return out;
}
