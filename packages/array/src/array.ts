// DaskArray: a lazy, chunked N-dimensional array (dask.array's `Array`). It is a layer making its
// blocks (keys `[name, ...blockIndex]`), the chunks and the dtype, so shape, size and nbytes are
// known without computing. Every operation returns a new array whose layer reads this one; the
// optimizer (optimize.ts) fuses elementwise chains and culls blocks nothing needs before any task
// exists. Computing gives one ndarray assembled from the blocks, or a number (a boolean for
// bool) for a 0-d array, such as a full reduction. The method groups live in a chain of internal
// abstract classes that DaskArray extends, one concept each: array-elementwise-methods.ts,
// array-reduce-methods.ts, array-shape-methods.ts and array-index-methods.ts.
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
  type Delayed,
  type GraphComputeOptions,
} from '@dask-ts/graph';
import { blockIndices, formatShape, numblocks, shapeOf, type Chunks } from './chunks.js';
import { itemsize, type Dtype } from './dtype.js';
import { assemble } from './kernels-index.js';
import { blockKey, dataBlocks, type ArrayLayer } from './layers.js';
import type { Nd } from './nd.js';
import { optimizeArrays } from './optimize.js';
import { blocksToDelayed } from './to-delayed.js';
import type { VarOptions } from './reductions.js';
import { dot, matmul, type ContractOptions } from './matmul.js';
import { npyWrites } from './io-npy.js';
import { zarrWrites } from './io-zarr.js';
import type { ZarrWriteOptions } from './io-zarr-store.js';
import { totalWritten } from './io-store.js';
import type { ArraySpec } from './spec.js';
import { mapBlocksSpec, type MapBlocksOptions } from './blockwise.js';
import { mapOverlapSpec, type MapOverlapOptions } from './map-overlap.js';
import type { BlockInfo } from './kernels-blocks.js';
import { blockShapes } from './fancy-index.js';
import { ArrayIndexMethods } from './array-index-methods.js';

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
export class DaskArray<R extends ArrayValue = NdArray>
  extends ArrayIndexMethods<R>
  implements Collection<R>
{
  /** @internal Arrays are made by `fromArray`, `zeros`, `arange`, `random`... */
  constructor(
    /** @internal The layer that makes the blocks. */
    readonly layer: ArrayLayer,
    /** The block sizes along each axis, as in dask. */
    readonly chunks: Chunks,
    /** The element type. */
    readonly dtype: Dtype,
  ) {
    super();
  }

  /** @internal Wraps an operation's result. */
  static of<T extends ArrayValue = NdArray>(spec: ArraySpec): DaskArray<T> {
    return spec instanceof DaskArray
      ? (spec as DaskArray<T>)
      : new DaskArray<T>(spec.layer, spec.chunks, spec.dtype);
  }

  /** @internal An operation's result as a DaskArray. */
  protected wrap<T extends ArrayValue = NdArray>(spec: ArraySpec): DaskArray<T> {
    return DaskArray.of<T>(spec);
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

  /**
   * One Delayed per block, in C order of the block indices (Dask's `to_delayed`, flattened):
   * each computes to that block's ndarray.
   *
   * @example
   * const sums = x.toDelayed().map((b) => delayed((a: NdArray) => a.data.length)(b));
   */
  toDelayed(): Delayed<NdArray>[] {
    return blocksToDelayed(this.layer, blockIndices(this.numblocks));
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
  override toString(): string {
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
