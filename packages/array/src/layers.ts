// The layers of an array: one per operation, with a task per block `[name, ...blockIndex]`. Each
// layer knows which blocks of the layers it reads each of its blocks needs (`inputs`), so the
// optimizer can cull block by block before any task exists (slice pushdown: slicing a
// 10,000 x 10,000-block array makes tasks for the blocks it touches only). Blockwise layers (an
// expression over aligned blocks) are their own class, which the optimizer fuses. A layer's tasks
// are made when it is lowered, never when the user builds the array, and are not kept.
import { data, keyToString, type GraphLayer, type GraphNode, type Ref } from '@dask-ts/protocol';
import { Layer } from '@dask-ts/graph';
import { blockIndices } from './chunks.js';
import type { Expr } from './kernels-elementwise.js';
import { kernels } from './kernels.js';

/**
 * A block of a layer this one reads: the index of the layer in `deps`, and the block index.
 *
 * @example
 * const input: BlockInput = [0, [2, 3]];
 */
export type BlockInput = readonly [number, readonly number[]];

/**
 * The canonical key of block `idx` of layer `name`.
 *
 * @example
 * blockKey('x', [0, 1]); // '["x",0,1]'
 */
export function blockKey(name: string, idx: readonly number[]): string {
  return keyToString([name, ...idx]);
}

/**
 * An array layer: a grid of blocks, each a task reading blocks of `deps`.
 *
 * @example
 * class Twice extends ArrayLayer { ... }
 */
export abstract class ArrayLayer extends Layer {
  /** The blocks to make, when the optimizer culled the layer (all of them otherwise). */
  private only: readonly (readonly number[])[] | undefined;

  constructor(
    name: string,
    deps: readonly GraphLayer[],
    /** The number of blocks along each axis. */
    readonly numblocks: readonly number[],
  ) {
    super(name, deps, () => []);
  }

  /** The blocks of `deps` that block `idx` reads, in the order `node` receives them. */
  abstract inputs(idx: readonly number[]): readonly BlockInput[];

  /** The task of block `idx`, given references to its inputs. */
  abstract node(idx: readonly number[], refs: readonly Ref[]): GraphNode;

  /** The number of blocks of the whole grid. */
  get nblocks(): number {
    return this.numblocks.reduce((a, b) => a * b, 1);
  }

  /** The number of blocks this layer makes (fewer once culled). */
  get made(): number {
    return this.only?.length ?? this.nblocks;
  }

  /**
   * The layer's tasks, made on each call and not kept: a layer of `fromArray` would otherwise keep
   * a copy of every block for as long as the array lives (lowering calls this once per compute).
   */
  override nodes(): ReadonlyArray<readonly [string, GraphNode]> {
    const out: (readonly [string, GraphNode])[] = [];
    for (const idx of this.only ?? blockIndices(this.numblocks)) {
      const refs = this.inputs(idx).map(([d, j]) => ({ $ref: blockKey(this.deps[d].name, j) }));
      out.push([blockKey(this.name, idx), this.node(idx, refs)]);
    }
    return out;
  }

  /** The same layer making only `blocks`. */
  restrict(blocks: readonly (readonly number[])[]): this {
    const copy = this.withDeps(this.deps);
    copy.only = blocks;
    return copy;
  }
}

/**
 * A layer described by two functions: the inputs of a block and its task.
 *
 * @example
 * new BlockLayer('t-1', [x.layer], [2, 2], (idx) => [[0, [idx[1], idx[0]]]], (idx, [r]) => kernels.task('transpose', [r, [1, 0]]));
 */
export class BlockLayer extends ArrayLayer {
  constructor(
    name: string,
    deps: readonly GraphLayer[],
    numblocks: readonly number[],
    private readonly inputsOf: (idx: readonly number[]) => readonly BlockInput[],
    private readonly nodeOf: (idx: readonly number[], refs: readonly Ref[]) => GraphNode,
  ) {
    super(name, deps, numblocks);
  }
  inputs(idx: readonly number[]): readonly BlockInput[] {
    return this.inputsOf(idx);
  }
  node(idx: readonly number[], refs: readonly Ref[]): GraphNode {
    return this.nodeOf(idx, refs);
  }
}

const NO_INPUTS: readonly BlockInput[] = [];

/**
 * A layer without inputs: each block is made from nothing (creation, random, data).
 *
 * @example
 * sourceLayer('zeros-1', [2], (idx) => kernels.task('full', ['float64', [5], 0]));
 */
export function sourceLayer(
  name: string,
  numblocks: readonly number[],
  make: (idx: readonly number[]) => GraphNode,
): BlockLayer {
  return new BlockLayer(
    name,
    [],
    numblocks,
    () => NO_INPUTS,
    (idx) => make(idx),
  );
}

/**
 * A layer of literal blocks (what `persist` gives back).
 *
 * @example
 * dataBlocks('x', [2], (idx) => chunks[idx[0]]);
 */
export function dataBlocks(
  name: string,
  numblocks: readonly number[],
  value: (idx: readonly number[]) => unknown,
): BlockLayer {
  return sourceLayer(name, numblocks, (idx) => data(value(idx)));
}

/**
 * An elementwise layer: block `idx` evaluates `expr` over one block of each input. `axes[k][j]`
 * is the output axis that axis `j` of input `k` follows, or null where the input has a single
 * block (it broadcasts: block 0).
 *
 * @example
 * new BlockwiseLayer('add-1', [x.layer, y.layer], [2, 2], expr, [[0, 1], [null, 1]]);
 */
export class BlockwiseLayer extends ArrayLayer {
  constructor(
    name: string,
    deps: readonly GraphLayer[],
    numblocks: readonly number[],
    readonly expr: Expr,
    readonly axes: readonly (readonly (number | null)[])[],
  ) {
    super(name, deps, numblocks);
  }
  inputs(idx: readonly number[]): readonly BlockInput[] {
    return this.axes.map((ax, k) => [k, ax.map((a) => (a === null ? 0 : idx[a]))] as const);
  }
  node(_idx: readonly number[], refs: readonly Ref[]): GraphNode {
    return kernels.task('blockwise', [this.expr, ...refs]);
  }
}
