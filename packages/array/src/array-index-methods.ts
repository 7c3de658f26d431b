// DaskArray's indexing methods (NumPy's `x[...]`, masks, take, vindex, set): the index is parsed
// and checked here, then slicing.ts and fancy-index.ts build the layers; only the blocks an index
// touches are computed. Internal and abstract, the last link of the class chain DaskArray extends.
import type { ArrayValue, DaskArray, NdArray } from './array.js';
import { isDaskArray } from './array-elementwise-methods.js';
import { ArrayShapeMethods } from './array-shape-methods.js';
import { shapeOf } from './chunks.js';
import { booleanMask, setBasic, setMask, take, vindex, type IntIndex } from './fancy-index.js';
import { requireKnownChunks } from './known-chunks.js';
import { getitem, parseIndex, type IndexItem } from './slicing.js';

/** The indexing methods of DaskArray (an internal link of its class chain; use DaskArray). */
export abstract class ArrayIndexMethods<
  R extends ArrayValue = NdArray,
> extends ArrayShapeMethods<R> {
  /**
   * Indexing, as NumPy's `x[...]`: a string (`'0:10, ::2'`, `'-1, ..., None'`) or items
   * (integers, slices, `null` for a new axis, `'...'`, and at most one integer array for that
   * axis), or a boolean DaskArray mask (see {@link DaskArray.mask}). Only the blocks the index
   * touches are computed.
   *
   * @example
   * x.at('::2, 10:');
   * x.at([slice(null, null, -1), 0, newaxis]);
   * x.at([slice(), [0, 5, 2]]); // x[:, [0, 5, 2]]
   * x.at([[true, false, true]]); // x[[True, False, True]]
   * x.at(x.gt(0)); // x[x > 0]
   */
  at(
    index:
      | string
      | IndexItem
      | readonly (IndexItem | IntIndex | readonly boolean[])[]
      | DaskArray<ArrayValue>,
  ): DaskArray {
    if (isDaskArray(index)) return this.mask(index);
    const items: readonly (IndexItem | IntIndex | readonly boolean[])[] =
      typeof index === 'string' && index !== '...'
        ? parseIndex(index)
        : Array.isArray(index)
          ? (index as readonly (IndexItem | IntIndex | readonly boolean[])[])
          : [index as IndexItem];
    requireKnownChunks(this, 'at');
    const isInts = (v: unknown): v is IntIndex | readonly boolean[] =>
      Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
    const k = items.findIndex(isInts);
    if (k < 0) return this.wrap(getitem(this, items as readonly IndexItem[]));
    if (items.slice(k + 1).some(isInts)) {
      throw new TypeError(
        'at: only one integer array index is supported; use vindex for pointwise indexing',
      );
    }
    const used = items.filter((i) => i !== null && i !== '...').length;
    const outAxis = items
      .slice(0, k)
      .reduce<number>(
        (n, i) => n + (typeof i === 'number' ? 0 : i === '...' ? this.chunks.length - used : 1),
        0,
      );
    const basic = items.map((i, j) => (j === k ? {} : i)) as IndexItem[];
    const sliced = getitem(this, basic);
    let ix = items[k] as IntIndex | readonly boolean[];
    if (Array.isArray(ix) && ix.length > 0 && typeof ix[0] === 'boolean') {
      // A boolean list in memory: the positions of its true entries.
      const n = shapeOf(sliced.chunks)[outAxis];
      if (ix.length !== n) {
        throw new RangeError(
          `at: boolean index did not match indexed array along dimension ${outAxis}; dimension is ${n} but corresponding boolean dimension is ${ix.length}`,
        );
      }
      ix = (ix as readonly unknown[]).flatMap((v, i) => (v === true ? [i] : []));
    }
    return this.wrap(take(sliced, ix as IntIndex, outAxis));
  }

  /**
   * The elements where `mask` (a bool DaskArray of this shape) is true, in C order, as a 1-d
   * array whose chunk sizes are unknown (NaN) until computed; a 1-d mask on a larger array keeps
   * rows along axis 0 (NumPy's `x[mask]`).
   *
   * @example
   * const pos = x.mask(x.gt(0));
   * await pos.sum().compute();
   */
  mask(mask: DaskArray<ArrayValue>): DaskArray {
    if (!isDaskArray(mask)) {
      throw new TypeError(
        `mask: expected a bool DaskArray, got ${mask === null ? 'null' : typeof mask}`,
      );
    }
    return this.wrap(booleanMask(this, mask));
  }

  /**
   * The slices at integer positions along `axis` (NumPy's `take`).
   *
   * @example
   * x.take([0, 3, 3, -1], 1);
   */
  take(indices: IntIndex, axis = 0): DaskArray {
    return this.wrap(take(this, indices, axis));
  }

  /**
   * Single elements: one integer array per axis, point `k` at `[points[0][k], points[1][k], ...]`
   * (dask's `vindex`), as a 1-d array.
   *
   * @example
   * x.vindex([[0, 2, 4], [1, 1, 0]]);
   */
  vindex(points: readonly IntIndex[]): DaskArray {
    return this.wrap(vindex(this, points));
  }

  /**
   * A new array with the elements at `index` replaced by `value` (a number, or an array
   * broadcast to what the index selects): `index` is a basic index (string or items: slices and
   * integers) or a boolean DaskArray mask.
   *
   * @example
   * x.set('0:2, ::2', 0);
   * x.set(x.lt(0), 0);
   */
  set(
    index: string | readonly IndexItem[] | DaskArray<ArrayValue>,
    value: number | DaskArray<ArrayValue>,
  ): DaskArray<R> {
    if (typeof value !== 'number' && !isDaskArray(value)) {
      throw new TypeError(
        `set: the value must be a number or a DaskArray, got ${value === null ? 'null' : typeof value}`,
      );
    }
    if (isDaskArray(index)) return this.wrap<R>(setMask(this, index, value));
    return this.wrap<R>(setBasic(this, index, value));
  }
}
