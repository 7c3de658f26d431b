// Reduction fusion, an optimizer pass after blockwise fusion: the first step of a reduction
// (a PartialLayer) that reads an elementwise layer or a random array no one else reads becomes
// one task per block that computes the values and reduces them tile by tile (kernels-fused.ts),
// so `random(...).sum()` or `x.mul(2).sin().sum()` never holds a whole block. A random array
// that elementwise layer reads block for block is folded in too: its blocks are generated inside
// the task, from their description (a RandomBlock, a plain argument). A random array is folded
// into every such reader even when others read it as well: generating a tile again costs less
// than writing the block to fresh memory and reading it back, and nothing waits in memory for
// the other readers (`x.sum().add(x.max())` holds no block). An elementwise layer read twice,
// or requested itself, stays as it is (its work would be done twice).
import type { GraphLayer, GraphNode, Ref } from '@dask-ts/protocol';
import { layerDependents, rewriteLayers } from '@dask-ts/graph';
import type { Expr } from './kernels-elementwise.js';
import type { ReduceOp } from './kernels-reduce.js';
import { kernels } from './kernels.js';
import { ArrayLayer, BlockwiseLayer, type BlockInput } from './layers.js';
import { PartialLayer } from './partial-layer.js';
import { RandomLayer } from './random-layer.js';

/** One input of a fused task: a block of dep `dep` (its axes), or a random layer's block. */
type Leaf =
  | { readonly dep: number; readonly axes: readonly (number | null)[] }
  | { readonly random: RandomLayer };

/**
 * The partials of a reduction computed straight from an expression over chunks and random
 * blocks (see the module comment).
 *
 * @example
 * new FusedPartialLayer('sum-partial-ab', [], [8], 'sum', [0], null, [{ random: layer }]);
 */
export class FusedPartialLayer extends ArrayLayer {
  constructor(
    name: string,
    deps: readonly GraphLayer[],
    numblocks: readonly number[],
    readonly op: ReduceOp,
    readonly axes: readonly number[],
    readonly expr: Expr | null,
    readonly leaves: readonly Leaf[],
  ) {
    super(name, deps, numblocks);
  }
  inputs(idx: readonly number[]): readonly BlockInput[] {
    const out: BlockInput[] = [];
    for (const l of this.leaves) {
      if ('dep' in l) out.push([l.dep, l.axes.map((a) => (a === null ? 0 : idx[a]))]);
    }
    return out;
  }
  node(idx: readonly number[], refs: readonly Ref[]): GraphNode {
    let r = 0;
    const args = this.leaves.map((l): unknown => ('dep' in l ? refs[r++] : l.random.blockOf(idx)));
    return kernels.task('fusedPartial', [this.op, this.axes, this.expr, ...args]);
  }
}

const aligned = (axes: readonly (number | null)[], n: number): boolean =>
  axes.length === n && axes.every((a, i) => a === i);

/**
 * Fuses every reduction's first step with the elementwise layer or random array it alone reads.
 *
 * @example
 * const roots = fuseReductions(fuse(roots));
 */
export function fuseReductions(roots: readonly GraphLayer[]): GraphLayer[] {
  const { dependents } = layerDependents(roots);
  const requested = new Set(roots.map((r) => r.name));
  const readOnlyBy = (l: GraphLayer, reader: string): boolean => {
    const readers = dependents.get(l.name) ?? [];
    return !requested.has(l.name) && readers.length > 0 && readers.every((r) => r.name === reader);
  };
  return rewriteLayers(roots, (layer, { deps }) => {
    if (!(layer instanceof PartialLayer)) return undefined;
    const input = deps[0];
    const ndim = layer.numblocks.length;
    if (input instanceof RandomLayer) {
      return new FusedPartialLayer(layer.name, [], layer.numblocks, layer.op, layer.axes, null, [
        { random: input },
      ]);
    }
    if (!(input instanceof BlockwiseLayer) || !readOnlyBy(layer.deps[0], layer.name)) {
      return undefined;
    }
    const newDeps: GraphLayer[] = [];
    const leaves: Leaf[] = input.deps.map((d, k) => {
      const axes = input.axes[k];
      if (d instanceof RandomLayer && aligned(axes, ndim)) {
        return { random: d };
      }
      newDeps.push(d);
      return { dep: newDeps.length - 1, axes };
    });
    return new FusedPartialLayer(
      layer.name,
      newDeps,
      layer.numblocks,
      layer.op,
      layer.axes,
      input.expr,
      leaves,
    );
  });
}
