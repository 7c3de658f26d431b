// DaskArray's shape methods (rechunk, transpose, reshape, squeeze, pad...): one-line methods
// delegating to rechunk.ts, shape-ops.ts and shape-more.ts; those needing known chunk sizes say so
// first. Internal and abstract, a link of the class chain DaskArray extends.
import type { ArrayValue, DaskArray, NdArray } from './array.js';
import { ArrayReduceMethods } from './array-reduce-methods.js';
import type { ChunksLike } from './chunks.js';
import { requireKnownChunks } from './known-chunks.js';
import { rechunk } from './rechunk.js';
import type { RechunkOptions } from './rechunk-plan.js';
import * as shapes from './shape-more.js';
import { reshape, transpose } from './shape-ops.js';

/** The shape methods of DaskArray (an internal link of its class chain; use DaskArray). */
export abstract class ArrayShapeMethods<
  R extends ArrayValue = NdArray,
> extends ArrayReduceMethods<R> {
  /**
   * The same array cut into other blocks: a size for every axis, one per axis (`-1`: the whole
   * axis; or explicit block sizes), or `'auto'`.
   *
   * @example
   * x.rechunk([1000, -1]);
   * x.rechunk([-1, 1000], { blockSizeLimit: 64 * 2 ** 20 });
   */
  rechunk(chunks: ChunksLike, options?: RechunkOptions): DaskArray<R> {
    requireKnownChunks(this, 'rechunk');
    return this.wrap<R>(rechunk(this, chunks, options));
  }

  /**
   * The axes permuted: axis `i` of the result is axis `axes[i]` (default: reversed).
   *
   * @example
   * x.transpose([1, 0, 2]);
   */
  transpose(axes?: readonly number[]): DaskArray {
    return this.wrap(transpose(this, axes));
  }

  /**
   * The same elements (C order) with another shape; one length may be -1. Rechunks first when
   * the blocks do not fall on whole rows of the new shape.
   *
   * @example
   * x.reshape([-1, 4]);
   */
  reshape(shape: readonly number[]): DaskArray {
    requireKnownChunks(this, 'reshape');
    return this.wrap(reshape(this, shape));
  }

  /** `x` without its length-1 axes (or those named). @example x.squeeze() */
  squeeze(axis?: number | readonly number[]): DaskArray {
    return this.wrap(shapes.squeeze(this, axis));
  }
  /** `x` with new axes of length 1 at the positions named. @example x.expandDims(0) */
  expandDims(axis: number | readonly number[]): DaskArray {
    return this.wrap(shapes.expandDims(this, axis));
  }
  /** `x` with two axes swapped. @example x.swapaxes(0, 1) */
  swapaxes(a: number, b: number): DaskArray {
    return this.wrap(shapes.swapaxes(this, a, b));
  }
  /** `x` with axes moved to new positions. @example x.moveaxis(0, -1) */
  moveaxis(source: number | readonly number[], destination: number | readonly number[]): DaskArray {
    return this.wrap(shapes.moveaxis(this, source, destination));
  }
  /** `x` flattened in C order. @example x.ravel() */
  ravel(): DaskArray {
    return this.wrap(shapes.ravel(this));
  }
  /** `x` reversed along `axis` (every axis by default). @example x.flip(0) */
  flip(axis?: number | readonly number[]): DaskArray {
    return this.wrap(shapes.flip(this, axis));
  }
  /** `x` shifted along `axis`, wrapping around (flattened without one). @example x.roll(1, 0) */
  roll(shift: number | readonly number[], axis?: number | readonly number[]): DaskArray {
    return this.wrap(shapes.roll(this, shift, axis));
  }
  /** `x` broadcast to `shape`. @example row.broadcastTo([100, 3]) */
  broadcastTo(shape: readonly number[]): DaskArray {
    return this.wrap(shapes.broadcastTo(this, shape));
  }
  /** Each element repeated along `axis` (flattened without one). @example x.repeat(2, 0) */
  repeat(repeats: number, axis?: number): DaskArray {
    return this.wrap(shapes.repeat(this, repeats, axis));
  }
  /** `x` repeated along each axis. @example x.tile([2, 1]) */
  tile(reps: number | readonly number[]): DaskArray {
    return this.wrap(shapes.tile(this, reps));
  }
  /**
   * `x` padded with a constant (default 0) or with its edge elements.
   *
   * @example
   * x.pad([[1, 1], [2, 0]], { mode: 'edge' });
   */
  pad(
    width: shapes.PadWidth,
    options: { readonly mode?: 'constant' | 'edge'; readonly constantValue?: number } = {},
  ): DaskArray {
    return this.wrap(shapes.pad(this, width, options.mode, options.constantValue));
  }
}
