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
import { reduction, type ReduceOptions, type VarOptions } from './reductions.js';
import { reshape, transpose } from './shape-ops.js';
import { dot, matmul, type ContractOptions } from './matmul.js';
import { npyWrites } from './io-npy.js';
import { zarrWrites } from './io-zarr.js';
import { totalWritten } from './io-store.js';
import { getitem, parseIndex, type IndexItem } from './slicing.js';
import type { ArraySpec } from './spec.js';

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
   * Basic indexing, as NumPy's `x[...]`: a string (`'0:10, ::2'`, `'-1, ..., None'`) or items
   * (integers, slices, `null` for a new axis, `'...'`). Only the blocks the index touches are
   * computed.
   *
   * @example
   * x.at('::2, 10:');
   * x.at([slice(null, null, -1), 0, newaxis]);
   */
  at(index: string | IndexItem | readonly IndexItem[]): DaskArray {
    const items: readonly IndexItem[] =
      typeof index === 'string' && index !== '...'
        ? parseIndex(index)
        : Array.isArray(index)
          ? (index as readonly IndexItem[])
          : [index as IndexItem];
    return DaskArray.of(getitem(this, items));
  }

  /**
   * The same array cut into other blocks: a size for every axis, one per axis (`-1`: the whole
   * axis; or explicit block sizes), or `'auto'`.
   *
   * @example
   * x.rechunk([1000, -1]);
   */
  rechunk(chunks: ChunksLike): DaskArray<R> {
    return DaskArray.of<R>(rechunk(this, chunks));
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
    return DaskArray.of(reshape(this, shape));
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
   * the Zarr chunks; resolves to the bytes written.
   *
   * @example
   * await x.toZarr('/out/x.zarr');
   */
  async toZarr(dir: string, options: GraphComputeOptions = {}): Promise<number> {
    const w = await zarrWrites(this, dir);
    return totalWritten(await DaskArray.of<ArrayValue>(w).compute(options));
  }
}
