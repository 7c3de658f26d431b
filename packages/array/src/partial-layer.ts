// The first step of a tree reduction (reductions.ts) as a layer of its own class: block `idx`
// reduces block `idx` of its input along `axes`. The optimizer recognises it and fuses it with
// the elementwise expression or random generation it reads (fuse-reduce.ts), so such a reduction
// never holds a whole input block.
import type { GraphLayer, GraphNode, Ref } from '@dask-ts/protocol';
import { ArrayLayer, type BlockInput } from './layers.js';
import type { ReduceOp } from './kernels-reduce.js';
import { kernels } from './kernels.js';

/**
 * The partials of reduction `op` along `axes`, one per block of `input`.
 *
 * @example
 * new PartialLayer('sum-partial-ab12', x.layer, 'sum', [0, 1]);
 */
export class PartialLayer extends ArrayLayer {
  constructor(
    name: string,
    input: GraphLayer & { readonly numblocks: readonly number[] },
    readonly op: ReduceOp,
    readonly axes: readonly number[],
  ) {
    super(name, [input], input.numblocks);
  }
  inputs(idx: readonly number[]): readonly BlockInput[] {
    return [[0, idx]];
  }
  node(_idx: readonly number[], [r]: readonly Ref[]): GraphNode {
    return kernels.task('partial', [this.op, this.axes, r]);
  }
}
