// The layer of a seeded random array: a source layer (it reads nothing) that also says what each
// of its blocks is (a RandomBlock: seed, distribution, place in the whole array), so the optimizer
// can fold the generation into the task that reads the block (fuse-reduce.ts) instead of making
// the block, handing it over and dropping it.
import type { GraphNode, Ref } from '@dask-ts/protocol';
import { ArrayLayer, type BlockInput } from './layers.js';
import { kernels } from './kernels.js';
import type { RandomBlock } from './random-block.js';

const NO_INPUTS: readonly BlockInput[] = [];

/**
 * A random array's layer: block `idx` is `blockOf(idx)`, made by the `random` kernel.
 *
 * @example
 * new RandomLayer('random-ab12', [4], (idx) => ({ dtype: 'float64', seed: 1, dist, full: [40], start: [idx[0] * 10], shape: [10] }));
 */
export class RandomLayer extends ArrayLayer {
  constructor(
    name: string,
    numblocks: readonly number[],
    /** What block `idx` holds. */
    readonly blockOf: (idx: readonly number[]) => RandomBlock,
  ) {
    super(name, [], numblocks);
  }
  inputs(): readonly BlockInput[] {
    return NO_INPUTS;
  }
  node(idx: readonly number[], _refs: readonly Ref[]): GraphNode {
    const b = this.blockOf(idx);
    return kernels.task('random', [b.dtype, b.seed, b.dist, b.full, b.start, b.shape]);
  }
}
