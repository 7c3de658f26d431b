// DaskArray: a lazy, chunked N-dimensional array (dask.array's `Array`). It is a layer making its
// blocks (keys `[name, ...blockIndex]`), the chunks and the dtype, so shape, size and nbytes are
// known without computing. Every operation returns a new array whose layer reads this one; the
// optimizer (optimize.ts) fuses elementwise chains and culls blocks nothing needs before any task
// exists. Computing gives one ndarray assembled from the blocks, or a number (a boolean for
// bool) for a 0-d array, such as a full reduction.
import {
  daskFinalize,
  daskFinalizeRef,
  daskGraph,
  daskKeys,
  daskLayers,
  daskOptimize,
  daskRebuild,
  type Collection,
  type GraphLayer,
  type GraphNode,
  type LayerOptimizer,
  type PortableFunctionRef,
} from '@dask-ts/protocol';
import {
  compute,
  layeredGraph,
  persist,
  sourceRef,
  tokenizeSymbol,
  type GraphComputeOptions,
} from '@dask-ts/graph';
import {
  blockIndices,
  formatShape,
  numblocks,
  shapeOf,
  type Chunks,
  type ChunksLike,
} from './chunks.js';
import { checkDtype, itemsize, type Dtype } from './dtype.js';
import { binary, unary, type Operand } from './elementwise.js';
import type { BinaryOp, UnaryOp } from './kernels-elementwise.js';
import { assemble } from './kernels-index.js';
import type { ReduceOp } from './kernels-reduce.js';
import { blockKey, dataBlocks, type ArrayLayer } from './layers.js';
import type { Nd } from './nd.js';
import { optimizeArrays } from './optimize.js';
import { rechunk } from './rechunk.js';
import type { RechunkOptions } from './rechunk-plan.js';
import { reduction, type ReduceOptions, type VarOptions } from './reductions.js';
import { reshape, transpose } from './shape-ops.js';
import { dot, matmul, type ContractOptions } from './matmul.js';
import { npyWrites } from './io-npy.js';
import { zarrWrites } from './io-zarr.js';
import type { ZarrWriteOptions } from './io-zarr-store.js';
import { totalWritten } from './io-store.js';
import { getitem, parseIndex, type IndexItem } from './slicing.js';
import type { ArraySpec } from './spec.js';
import { mapBlocksSpec, type MapBlocksOptions } from './blockwise.js';
import { mapOverlapSpec, type MapOverlapOptions } from './map-overlap.js';
import { argReduction, type ArgOptions } from './arg-reduce.js';
import { cumulative, type ScanOptions } from './cumulative.js';
import type { ArgOp } from './kernels-arg.js';
import type { ScanOp } from './kernels-scan.js';
import type { BlockInfo } from './kernels-blocks.js';
import * as shapes from './shape-more.js';
import { requireKnownChunks } from './known-chunks.js';
import {
  blockShapes,
  booleanMask,
  setBasic,
  setMask,
  take,
  vindex,
  type IntIndex,
} from './fancy-index.js';

/**
 * A computed array: a scijs ndarray over a typed array (compact, C order).
 *
 * @example
 * const a: NdArray = await x.compute();
 * a.get(0, 1);
 */
export type NdArray = Nd;

/**
 * What computing an array gives: an ndarray, or a number or boolean for a 0-d array.
 *
 * @example
 * const v: ArrayValue = await x.sum().compute();
 */
export type ArrayValue = NdArray | number | boolean;

/**
 * Options of a reduction over every axis, which gives a 0-d array (a number when computed).
 *
 * @example
 * x.sum({ splitEvery: 8 });
 */
export interface WholeReduceOptions extends VarOptions {
  readonly axis?: undefined;
  readonly keepdims?: false;
}

const ASSEMBLE_SOURCE = `(blocks) => globalThis[Symbol.for('@dask-ts/array/assemble')](blocks, chunks, dtype)`;

/**
 * A lazy, chunked N-dimensional array (dask.array's `Array`); `R` is what computing it gives.
 *
 * @example
 * const x = random.random([1000, 1000], { chunks: 250, seed: 1 });
 * const m = await x.add(x.T).mean({ axis: 0 }).compute(); // an ndarray of 1000 float64
 */
export class DaskArray<R extends ArrayValue = NdArray> implements Collection<R> {
  /** @internal Arrays are made by `fromArray`, `zeros`, `arange`, `random`... */
  constructor(
    /** @internal The layer that makes the blocks. */
    readonly layer: ArrayLayer,
    /** The block sizes along each axis, as in dask. */
    readonly chunks: Chunks,
    /** The element type. */
    readonly dtype: Dtype,
  ) {}

  /** @internal Wraps an operation's result. */
  static of<T extends ArrayValue = NdArray>(spec: ArraySpec): DaskArray<T> {
    return spec instanceof DaskArray
      ? (spec as DaskArray<T>)
      : new DaskArray<T>(spec.layer, spec.chunks, spec.dtype);
  }

  /** The name of the blocks (keys are `[name, ...blockIndex]`). @example x.name */
  get name(): string {
    return this.layer.name;
  }
  /** The length of each axis. @example x.shape // [1000, 1000] */
  get shape(): number[] {
    return shapeOf(this.chunks);
  }
  /** The number of axes. @example x.ndim // 2 */
  get ndim(): number {
    return this.chunks.length;
  }
  /** The number of elements. @example x.size // 1000000 */
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  /** Bytes per element. @example x.itemsize // 8 */
  get itemsize(): number {
    return itemsize(this.dtype);
  }
  /** The bytes of all elements. @example x.nbytes // 8000000 */
  get nbytes(): number {
    return this.size * this.itemsize;
  }
  /** The number of blocks along each axis. @example x.numblocks // [4, 4] */
  get numblocks(): number[] {
    return numblocks(this.chunks);
  }
  /** The number of blocks. @example x.npartitions // 16 */
  get npartitions(): number {
    return this.numblocks.reduce((a, b) => a * b, 1);
  }
  /** The transpose (axes reversed). @example x.T.shape */
  get T(): DaskArray {
    return this.transpose();
  }

  /** Elementwise `this + other`. @example x.add(1) */
  add(other: number): DaskArray<R>;
  add(other: DaskArray<ArrayValue>): DaskArray;
  add(other: Operand): DaskArray<ArrayValue> {
    return DaskArray.of(this.bin('add', other));
  }
  /** Elementwise `this - other`. @example x.sub(y) */
  sub(other: number): DaskArray<R>;
  sub(other: DaskArray<ArrayValue>): DaskArray;
  sub(other: Operand): DaskArray<ArrayValue> {
    return DaskArray.of(this.bin('sub', other));
  }
  /** Elementwise `this * other`. @example x.mul(2) */
  mul(other: number): DaskArray<R>;
  mul(other: DaskArray<ArrayValue>): DaskArray;
  mul(other: Operand): DaskArray<ArrayValue> {
    return DaskArray.of(this.bin('mul', other));
  }
  /** Elementwise true division (integers give float64). @example x.div(y) */
  div(other: number): DaskArray<R>;
  div(other: DaskArray<ArrayValue>): DaskArray;
  div(other: Operand): DaskArray<ArrayValue> {
    return DaskArray.of(this.bin('div', other));
  }
  /** Elementwise `this ** other`. @example x.pow(2) */
  pow(other: number): DaskArray<R>;
  pow(other: DaskArray<ArrayValue>): DaskArray;
  pow(other: Operand): DaskArray<ArrayValue> {
    return DaskArray.of(this.bin('pow', other));
  }
  /** Elementwise remainder with the sign of the divisor (NumPy's `mod`). @example x.mod(3) */
  mod(other: number): DaskArray<R>;
  mod(other: DaskArray<ArrayValue>): DaskArray;
  mod(other: Operand): DaskArray<ArrayValue> {
    return DaskArray.of(this.bin('mod', other));
  }
  /** Elementwise maximum (NaN propagates). @example x.maximum(0) */
  maximum(other: number): DaskArray<R>;
  maximum(other: DaskArray<ArrayValue>): DaskArray;
  maximum(other: Operand): DaskArray<ArrayValue> {
    return DaskArray.of(this.bin('maximum', other));
  }
  /** Elementwise minimum (NaN propagates). @example x.minimum(y) */
  minimum(other: number): DaskArray<R>;
  minimum(other: DaskArray<ArrayValue>): DaskArray;
  minimum(other: Operand): DaskArray<ArrayValue> {
    return DaskArray.of(this.bin('minimum', other));
  }
  /** Elementwise `this == other` (bool). @example x.eq(0) */
  eq(other: Operand): DaskArray {
    return DaskArray.of(this.bin('eq', other));
  }
  /** Elementwise `this != other` (bool). @example x.ne(0) */
  ne(other: Operand): DaskArray {
    return DaskArray.of(this.bin('ne', other));
  }
  /** Elementwise `this < other` (bool). @example x.lt(y) */
  lt(other: Operand): DaskArray {
    return DaskArray.of(this.bin('lt', other));
  }
  /** Elementwise `this <= other` (bool). @example x.le(1) */
  le(other: Operand): DaskArray {
    return DaskArray.of(this.bin('le', other));
  }
  /** Elementwise `this > other` (bool). @example x.gt(0.5) */
  gt(other: Operand): DaskArray {
    return DaskArray.of(this.bin('gt', other));
  }
  /** Elementwise `this >= other` (bool). @example x.ge(y) */
  ge(other: Operand): DaskArray {
    return DaskArray.of(this.bin('ge', other));
  }

  /** Elementwise negation. @example x.neg() */
  neg(): DaskArray<R> {
    return this.un('neg');
  }
  /** Elementwise absolute value. @example x.abs() */
  abs(): DaskArray<R> {
    return this.un('abs');
  }
  /** Elementwise square root. @example x.sqrt() */
  sqrt(): DaskArray<R> {
    return this.un('sqrt');
  }
  /** Elementwise exponential. @example x.exp() */
  exp(): DaskArray<R> {
    return this.un('exp');
  }
  /** Elementwise natural logarithm. @example x.log() */
  log(): DaskArray<R> {
    return this.un('log');
  }
  /** Elementwise sine. @example x.sin() */
  sin(): DaskArray<R> {
    return this.un('sin');
  }
  /** Elementwise cosine. @example x.cos() */
  cos(): DaskArray<R> {
    return this.un('cos');
  }
  /**
   * The elements converted to `dtype` (NumPy's casts: to bool is `x != 0`, to integers truncates
   * and wraps).
   *
   * @example
   * x.astype('float32');
   */
  astype(dtype: Dtype): DaskArray<R> {
    return DaskArray.of<R>(unary('astype', this, checkDtype(dtype, 'astype')));
  }

  /** The sum (float64 for integers and bool). @example await x.sum().compute() */
  sum(options?: WholeReduceOptions): DaskArray<number>;
  sum(options: ReduceOptions): DaskArray;
  sum(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('sum', options);
  }
  /** The product (float64 for integers and bool). @example x.prod({ axis: 0 }) */
  prod(options?: WholeReduceOptions): DaskArray<number>;
  prod(options: ReduceOptions): DaskArray;
  prod(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('prod', options);
  }
  /** The smallest element (NaN propagates). @example x.min({ axis: -1 }) */
  min(options?: WholeReduceOptions): DaskArray<number>;
  min(options: ReduceOptions): DaskArray;
  min(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('min', options);
  }
  /** The largest element (NaN propagates). @example x.max() */
  max(options?: WholeReduceOptions): DaskArray<number>;
  max(options: ReduceOptions): DaskArray;
  max(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('max', options);
  }
  /** Whether any element is non-zero. @example await x.gt(0).any().compute() */
  any(options?: WholeReduceOptions): DaskArray<boolean>;
  any(options: ReduceOptions): DaskArray;
  any(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('any', options);
  }
  /** Whether every element is non-zero. @example x.all({ axis: 1 }) */
  all(options?: WholeReduceOptions): DaskArray<boolean>;
  all(options: ReduceOptions): DaskArray;
  all(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('all', options);
  }
  /** The mean. @example x.mean({ axis: 1 }) */
  mean(options?: WholeReduceOptions): DaskArray<number>;
  mean(options: ReduceOptions): DaskArray;
  mean(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('mean', options);
  }
  /** The variance, dividing by `n - ddof`. @example x.var({ ddof: 1 }) */
  var(options?: WholeReduceOptions): DaskArray<number>;
  var(options: VarOptions): DaskArray;
  var(options: VarOptions = {}): DaskArray<ArrayValue> {
    return this.red('var', options);
  }
  /** The standard deviation, dividing by `n - ddof`. @example x.std({ axis: 0 }) */
  std(options?: WholeReduceOptions): DaskArray<number>;
  std(options: VarOptions): DaskArray;
  std(options: VarOptions = {}): DaskArray<ArrayValue> {
    return this.red('std', options);
  }

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
    if (index instanceof DaskArray) return this.mask(index);
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
    if (k < 0) return DaskArray.of(getitem(this, items as readonly IndexItem[]));
    if (items.slice(k + 1).some(isInts)) {
      throw new TypeError(
        'at: only one integer array index is supported; use vindex for pointwise indexing',
      );
    }
    const used = items.filter((i) => i !== null && i !== '...').length;
    const outAxis = items
      .slice(0, k)
      .reduce<number>(
        (n, i) => n + (typeof i === 'number' ? 0 : i === '...' ? this.ndim - used : 1),
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
    return DaskArray.of(take(sliced, ix as IntIndex, outAxis));
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
    if (!(mask instanceof DaskArray)) {
      throw new TypeError(
        `mask: expected a bool DaskArray, got ${mask === null ? 'null' : typeof mask}`,
      );
    }
    return DaskArray.of(booleanMask(this, mask));
  }

  /**
   * The slices at integer positions along `axis` (NumPy's `take`).
   *
   * @example
   * x.take([0, 3, 3, -1], 1);
   */
  take(indices: IntIndex, axis = 0): DaskArray {
    return DaskArray.of(take(this, indices, axis));
  }

  /**
   * Single elements: one integer array per axis, point `k` at `[points[0][k], points[1][k], ...]`
   * (dask's `vindex`), as a 1-d array.
   *
   * @example
   * x.vindex([[0, 2, 4], [1, 1, 0]]);
   */
  vindex(points: readonly IntIndex[]): DaskArray {
    return DaskArray.of(vindex(this, points));
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
    if (typeof value !== 'number' && !(value instanceof DaskArray)) {
      throw new TypeError(
        `set: the value must be a number or a DaskArray, got ${value === null ? 'null' : typeof value}`,
      );
    }
    if (index instanceof DaskArray) return DaskArray.of<R>(setMask(this, index, value));
    return DaskArray.of<R>(setBasic(this, index, value));
  }

  /**
   * The same array with its chunk sizes known: after a boolean mask they are unknown (NaN); this
   * computes the blocks once to learn them (dask's `compute_chunk_sizes`).
   *
   * @example
   * const known = await x.mask(x.gt(0)).computeChunkSizes();
   * known.shape; // [the number of positive elements]
   */
  async computeChunkSizes(options: GraphComputeOptions = {}): Promise<DaskArray<R>> {
    if (this.chunks.every((c) => c.every((s) => s === s))) return this;
    const shapes = DaskArray.of(blockShapes(this));
    const table = await shapes.compute(options);
    const chunks = this.chunks.map((c, a) =>
      c.map((_, i) => {
        const at = this.chunks.map((_c, b) => (b === a ? i : 0));
        return table.get(...at, a);
      }),
    );
    return new DaskArray<R>(this.layer, chunks, this.dtype);
  }

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
    return DaskArray.of<R>(rechunk(this, chunks, options));
  }

  /**
   * The axes permuted: axis `i` of the result is axis `axes[i]` (default: reversed).
   *
   * @example
   * x.transpose([1, 0, 2]);
   */
  transpose(axes?: readonly number[]): DaskArray {
    return DaskArray.of(transpose(this, axes));
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
    return DaskArray.of(reshape(this, shape));
  }

  /**
   * `fn` over every block (dask.array's `map_blocks`): it gets the block as an ndarray and the
   * block's place, and returns the output block (an ndarray or typed array). Say the output's
   * `dtype`, and its `chunks` (with `dropAxis` / `newAxis`) when the function changes the
   * block's shape; a closure names what it reads in `scope` to run on worker threads.
   *
   * @example
   * x.mapBlocks((b) => { for (let i = 0; i < b.data.length; i++) b.data[i] *= 2; return b; });
   * x.mapBlocks((b, info) => b, { dtype: 'float32' });
   */
  mapBlocks(
    fn: (
      block: NdArray,
      info: BlockInfo,
    ) => NdArray | ArrayLike<number> | number | Promise<NdArray>,
    options: MapBlocksOptions = {},
  ): DaskArray {
    return DaskArray.of(mapBlocksSpec(fn, [this], options));
  }

  /**
   * `fn` over every block extended by `depth` elements of its neighbours (and of `boundary` at
   * the array's edges), its result trimmed back to the block (dask.array's `map_overlap`).
   *
   * @example
   * x.mapOverlap((b) => smooth(b), { depth: 1, boundary: 'reflect' });
   */
  mapOverlap(
    fn: (block: NdArray, info: BlockInfo) => NdArray | ArrayLike<number> | Promise<NdArray>,
    options: MapOverlapOptions,
  ): DaskArray {
    return DaskArray.of(mapOverlapSpec(fn, this, options));
  }

  /** The index of the smallest element (along `axis`, or flat). @example x.argmin({ axis: 0 }) */
  argmin(options?: Omit<ArgOptions, 'axis'>): DaskArray<number>;
  argmin(options: ArgOptions): DaskArray;
  argmin(options: ArgOptions = {}): DaskArray<ArrayValue> {
    return this.arg('argmin', options);
  }
  /** The index of the largest element (along `axis`, or flat). @example x.argmax() */
  argmax(options?: Omit<ArgOptions, 'axis'>): DaskArray<number>;
  argmax(options: ArgOptions): DaskArray;
  argmax(options: ArgOptions = {}): DaskArray<ArrayValue> {
    return this.arg('argmax', options);
  }
  /** argmin ignoring NaN. @example x.nanargmin({ axis: 1 }) */
  nanargmin(options?: Omit<ArgOptions, 'axis'>): DaskArray<number>;
  nanargmin(options: ArgOptions): DaskArray;
  nanargmin(options: ArgOptions = {}): DaskArray<ArrayValue> {
    return this.arg('nanargmin', options);
  }
  /** argmax ignoring NaN. @example x.nanargmax() */
  nanargmax(options?: Omit<ArgOptions, 'axis'>): DaskArray<number>;
  nanargmax(options: ArgOptions): DaskArray;
  nanargmax(options: ArgOptions = {}): DaskArray<ArrayValue> {
    return this.arg('nanargmax', options);
  }
  /** The sum treating NaN as 0. @example x.nansum({ axis: 0 }) */
  nansum(options?: WholeReduceOptions): DaskArray<number>;
  nansum(options: ReduceOptions): DaskArray;
  nansum(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('nansum', options);
  }
  /** The product treating NaN as 1. @example x.nanprod() */
  nanprod(options?: WholeReduceOptions): DaskArray<number>;
  nanprod(options: ReduceOptions): DaskArray;
  nanprod(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('nanprod', options);
  }
  /** The minimum ignoring NaN (NaN where all are NaN). @example x.nanmin({ axis: 1 }) */
  nanmin(options?: WholeReduceOptions): DaskArray<number>;
  nanmin(options: ReduceOptions): DaskArray;
  nanmin(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('nanmin', options);
  }
  /** The maximum ignoring NaN. @example x.nanmax() */
  nanmax(options?: WholeReduceOptions): DaskArray<number>;
  nanmax(options: ReduceOptions): DaskArray;
  nanmax(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('nanmax', options);
  }
  /** The mean of the non-NaN elements. @example x.nanmean({ axis: 0 }) */
  nanmean(options?: WholeReduceOptions): DaskArray<number>;
  nanmean(options: ReduceOptions): DaskArray;
  nanmean(options: ReduceOptions = {}): DaskArray<ArrayValue> {
    return this.red('nanmean', options);
  }
  /** The variance of the non-NaN elements. @example x.nanvar({ ddof: 1 }) */
  nanvar(options?: WholeReduceOptions): DaskArray<number>;
  nanvar(options: VarOptions): DaskArray;
  nanvar(options: VarOptions = {}): DaskArray<ArrayValue> {
    return this.red('nanvar', options);
  }
  /** The standard deviation of the non-NaN elements. @example x.nanstd() */
  nanstd(options?: WholeReduceOptions): DaskArray<number>;
  nanstd(options: VarOptions): DaskArray;
  nanstd(options: VarOptions = {}): DaskArray<ArrayValue> {
    return this.red('nanstd', options);
  }
  /** Running sums along `axis` (of the flattened array without one). @example x.cumsum({ axis: 0 }) */
  cumsum(options: ScanOptions = {}): DaskArray {
    return this.scan('cumsum', options);
  }
  /** Running products along `axis`. @example x.cumprod({ axis: 1 }) */
  cumprod(options: ScanOptions = {}): DaskArray {
    return this.scan('cumprod', options);
  }
  /** Running sums treating NaN as 0. @example x.nancumsum({ axis: 0 }) */
  nancumsum(options: ScanOptions = {}): DaskArray {
    return this.scan('nancumsum', options);
  }
  /** Running products treating NaN as 1. @example x.nancumprod({ axis: 0 }) */
  nancumprod(options: ScanOptions = {}): DaskArray {
    return this.scan('nancumprod', options);
  }

  /** Elementwise floor of the quotient (NumPy's `//`). @example x.floorDivide(3) */
  floorDivide(other: number): DaskArray<R>;
  floorDivide(other: DaskArray<ArrayValue>): DaskArray;
  floorDivide(other: Operand): DaskArray<ArrayValue> {
    return DaskArray.of(this.bin('floorDivide', other));
  }
  /** Elementwise rounding to `decimals` places, half to even (NumPy's `round`). @example x.round(2) */
  round(decimals = 0): DaskArray<R> {
    if (!Number.isInteger(decimals)) {
      throw new TypeError(`round: decimals must be an integer, got ${decimals}`);
    }
    return DaskArray.of<R>(binary('round', this, decimals));
  }
  /**
   * The elements limited to `[min, max]` (either may be null; NaN stays NaN).
   *
   * @example
   * x.clip(0, 1);
   */
  clip(
    min: number | DaskArray<ArrayValue> | null,
    max: number | DaskArray<ArrayValue> | null = null,
  ): DaskArray {
    if (min === null && max === null) {
      throw new TypeError('clip: one of min and max must be given');
    }
    const low = min === null ? this : binary('maximum', this, min);
    return DaskArray.of(max === null ? low : binary('minimum', low, max));
  }
  /** Elementwise test for NaN (bool). @example x.isnan() */
  isnan(): DaskArray {
    return DaskArray.of(unary('isnan', this));
  }
  /** Elementwise test for finite values (bool). @example x.isfinite() */
  isfinite(): DaskArray {
    return DaskArray.of(unary('isfinite', this));
  }
  /** Elementwise test for infinities (bool). @example x.isinf() */
  isinf(): DaskArray {
    return DaskArray.of(unary('isinf', this));
  }
  /** Elementwise logical not (bool). @example mask.logicalNot() */
  logicalNot(): DaskArray {
    return DaskArray.of(unary('logicalNot', this));
  }
  /** Elementwise logical and (bool). @example a.logicalAnd(b) */
  logicalAnd(other: Operand): DaskArray {
    return DaskArray.of(this.bin('logicalAnd', other));
  }
  /** Elementwise logical or (bool). @example a.logicalOr(b) */
  logicalOr(other: Operand): DaskArray {
    return DaskArray.of(this.bin('logicalOr', other));
  }
  /** Elementwise sign: -1, 0 or 1 (NaN stays NaN). @example x.sign() */
  sign(): DaskArray<R> {
    return this.un('sign');
  }
  /** Elementwise square. @example x.square() */
  square(): DaskArray<R> {
    return this.un('square');
  }
  /** Elementwise tangent. @example x.tan() */
  tan(): DaskArray<R> {
    return this.un('tan');
  }
  /** Elementwise hyperbolic tangent. @example x.tanh() */
  tanh(): DaskArray<R> {
    return this.un('tanh');
  }
  /** Elementwise `log(1 + x)`, accurate near 0. @example x.log1p() */
  log1p(): DaskArray<R> {
    return this.un('log1p');
  }
  /** Elementwise `exp(x) - 1`, accurate near 0. @example x.expm1() */
  expm1(): DaskArray<R> {
    return this.un('expm1');
  }
  /** Elementwise floor (a float result, as NumPy's). @example x.floor() */
  floor(): DaskArray<R> {
    return this.un('floor');
  }
  /** Elementwise ceiling. @example x.ceil() */
  ceil(): DaskArray<R> {
    return this.un('ceil');
  }

  /** `x` without its length-1 axes (or those named). @example x.squeeze() */
  squeeze(axis?: number | readonly number[]): DaskArray {
    return DaskArray.of(shapes.squeeze(this, axis));
  }
  /** `x` with new axes of length 1 at the positions named. @example x.expandDims(0) */
  expandDims(axis: number | readonly number[]): DaskArray {
    return DaskArray.of(shapes.expandDims(this, axis));
  }
  /** `x` with two axes swapped. @example x.swapaxes(0, 1) */
  swapaxes(a: number, b: number): DaskArray {
    return DaskArray.of(shapes.swapaxes(this, a, b));
  }
  /** `x` with axes moved to new positions. @example x.moveaxis(0, -1) */
  moveaxis(source: number | readonly number[], destination: number | readonly number[]): DaskArray {
    return DaskArray.of(shapes.moveaxis(this, source, destination));
  }
  /** `x` flattened in C order. @example x.ravel() */
  ravel(): DaskArray {
    return DaskArray.of(shapes.ravel(this));
  }
  /** `x` reversed along `axis` (every axis by default). @example x.flip(0) */
  flip(axis?: number | readonly number[]): DaskArray {
    return DaskArray.of(shapes.flip(this, axis));
  }
  /** `x` shifted along `axis`, wrapping around (flattened without one). @example x.roll(1, 0) */
  roll(shift: number | readonly number[], axis?: number | readonly number[]): DaskArray {
    return DaskArray.of(shapes.roll(this, shift, axis));
  }
  /** `x` broadcast to `shape`. @example row.broadcastTo([100, 3]) */
  broadcastTo(shape: readonly number[]): DaskArray {
    return DaskArray.of(shapes.broadcastTo(this, shape));
  }
  /** Each element repeated along `axis` (flattened without one). @example x.repeat(2, 0) */
  repeat(repeats: number, axis?: number): DaskArray {
    return DaskArray.of(shapes.repeat(this, repeats, axis));
  }
  /** `x` repeated along each axis. @example x.tile([2, 1]) */
  tile(reps: number | readonly number[]): DaskArray {
    return DaskArray.of(shapes.tile(this, reps));
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
    return DaskArray.of(shapes.pad(this, width, options.mode, options.constantValue));
  }

  private arg(op: ArgOp, options: ArgOptions): DaskArray<ArrayValue> {
    return DaskArray.of(argReduction(this, op, options));
  }
  private scan(op: ScanOp, options: ScanOptions): DaskArray {
    return DaskArray.of(cumulative(this, op, options));
  }

  /**
   * Computes the array (default scheduler: the registry's default).
   *
   * @example
   * const a = await x.compute({ scheduler: 'sync' });
   */
  async compute(options: GraphComputeOptions = {}): Promise<R> {
    const [v] = await compute(this, options);
    return v;
  }

  /**
   * Computes the blocks and returns an array holding them.
   *
   * @example
   * const held = await x.persist();
   */
  async persist(options: GraphComputeOptions = {}): Promise<DaskArray<R>> {
    const [p] = await persist(this, options);
    return p;
  }

  private bin(op: BinaryOp, other: Operand): ArraySpec {
    if (typeof other !== 'number' && !(other instanceof DaskArray)) {
      throw new TypeError(
        `${op}: expected a DaskArray or a number, got ${other === null ? 'null' : typeof other}`,
      );
    }
    return binary(op, this, other);
  }
  private un(op: UnaryOp): DaskArray<R> {
    return DaskArray.of<R>(unary(op, this));
  }
  private red(op: ReduceOp, options: VarOptions): DaskArray<ArrayValue> {
    return DaskArray.of(reduction(this, op, options));
  }

  [daskGraph](): Map<string, GraphNode> {
    return layeredGraph(this);
  }
  [daskLayers](): readonly GraphLayer[] {
    return [this.layer];
  }
  get [daskOptimize](): LayerOptimizer {
    return optimizeArrays;
  }
  [daskKeys](): string[] {
    const name = this.name;
    return [...blockIndices(this.numblocks)].map((idx) => blockKey(name, idx));
  }
  [daskFinalize](values: readonly unknown[]): R {
    return assemble(values as Nd[], this.chunks, this.dtype, true) as R;
  }
  [daskFinalizeRef](): PortableFunctionRef {
    return sourceRef(ASSEMBLE_SOURCE, {
      scope: { chunks: this.chunks, dtype: this.dtype },
      name: 'assemble',
    });
  }
  [daskRebuild](values: ReadonlyMap<string, unknown>): DaskArray<R> {
    const name = this.name;
    const layer = dataBlocks(name, this.numblocks, (idx) => values.get(blockKey(name, idx)));
    return new DaskArray<R>(layer, this.chunks, this.dtype);
  }
  [tokenizeSymbol](): unknown {
    return ['DaskArray', this.name];
  }
  toString(): string {
    const chunksize = this.chunks.map((c) => Math.max(...c));
    return `DaskArray<${this.name}, shape=${formatShape(this.shape)}, dtype=${this.dtype}, chunksize=${formatShape(chunksize)}>`;
  }

  // ---- linear algebra and I/O ----
  /**
   * The matrix product `this @ other` (NumPy's `matmul`).
   *
   * @example
   * x.matmul(x.T);
   */
  matmul(other: DaskArray<ArrayValue>, options: ContractOptions = {}): DaskArray {
    return DaskArray.of(matmul(this, other, options));
  }
  /**
   * NumPy's `dot` of this and `other`.
   *
   * @example
   * v.dot(w);
   */
  dot(other: DaskArray<ArrayValue>, options: ContractOptions = {}): DaskArray {
    return DaskArray.of(dot(this, other, options));
  }
  /**
   * Writes the array to the .npy file `path` (C order), each block in place by the thread that
   * computed it; resolves to the bytes written.
   *
   * @example
   * await x.toNpy('/out/x.npy', { scheduler: 'threads' });
   */
  async toNpy(path: string, options: GraphComputeOptions = {}): Promise<number> {
    return totalWritten(await DaskArray.of<ArrayValue>(npyWrites(this, path)).compute(options));
  }
  /**
   * Writes the array as a Zarr v3 array in directory `dir` (created or replaced), its blocks as
   * the Zarr chunks, uncompressed or with `compression: 'zstd'`; resolves to the bytes written
   * (before compression).
   *
   * @example
   * await x.toZarr('/out/x.zarr');
   * await x.toZarr('/out/y.zarr', { compression: 'zstd', level: 5 });
   */
  async toZarr(dir: string, options: GraphComputeOptions & ZarrWriteOptions = {}): Promise<number> {
    const w = await zarrWrites(this, dir, options);
    return totalWritten(await DaskArray.of<ArrayValue>(w).compute(options));
  }
}
