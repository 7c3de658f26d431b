// Chunks of a layered collection as Delayed values (the collection kit's `toDelayed`, as Dask's
// `to_delayed`): the collection's layers are optimized once, for all its keys (lazily, on first
// use), and every chunk's Delayed reads those same optimized layers, with its one key and a
// portable finalizer (so it can be passed into other delayed functions and tasks). Sharing the
// layers is what makes chunks computed together correct: layers merge by name, so each chunk
// optimized (culled) on its own would bring a different layer under the same name. `compute` then
// culls the merged graph to the keys it needs. Arrays wrap their blocks with it, bags and
// dataframes their partitions.
import {
  daskFinalize,
  daskFinalizeRef,
  daskGraph,
  daskKeys,
  daskLayers,
  type Collection,
  type GraphLayer,
  type GraphNode,
  type LayerOptimizer,
  type PortableFunctionRef,
} from '@dask-ts/protocol';
import { delayed, type Delayed } from './delayed.js';
import { layeredGraph } from './kit-optimize.js';

/** The collection's layers, optimized once for all its keys. */
class Optimized {
  private layers: readonly GraphLayer[] | undefined;
  constructor(
    private readonly roots: readonly GraphLayer[],
    private readonly optimize: LayerOptimizer | undefined,
    private readonly keys: readonly string[],
  ) {}
  get(): readonly GraphLayer[] {
    return (this.layers ??=
      this.optimize === undefined ? this.roots : this.optimize(this.roots, [...this.keys]));
  }
}

/** One chunk (see the file comment). */
class Chunk<T> implements Collection<T> {
  constructor(
    private readonly whole: Optimized,
    private readonly key: string,
    private readonly finalize: (values: readonly unknown[]) => T,
    private readonly finalizer: PortableFunctionRef,
  ) {}
  [daskGraph](): Map<string, GraphNode> {
    return layeredGraph(this);
  }
  [daskLayers](): readonly GraphLayer[] {
    return this.whole.get();
  }
  [daskKeys](): string[] {
    return [this.key];
  }
  [daskFinalize](values: readonly unknown[]): T {
    return this.finalize(values);
  }
  [daskFinalizeRef](): PortableFunctionRef {
    return this.finalizer;
  }
}

/**
 * Chunks `keys` of a collection made of `layers` (optimized by `optimize`, once, for all of
 * `keys`) as Delayed values, each finalized by `finalize` (of its one-element values array;
 * default: the element), which `finalizeRef` names portably (a kernel doing the same, for tasks
 * that read the Delayed).
 *
 * @example
 * const parts = chunksToDelayed<Table>([df.layer], optimizeDataFrame, keys, kernels.ref('firstOf'));
 */
export function chunksToDelayed<T>(
  layers: readonly GraphLayer[],
  optimize: LayerOptimizer | undefined,
  keys: readonly string[],
  finalizeRef: PortableFunctionRef,
  finalize: (values: readonly unknown[]) => T = (values) => values[0] as T,
): Delayed<T>[] {
  const whole = new Optimized(layers, optimize, keys);
  return keys.map(
    (key) => delayed(new Chunk<T>(whole, key, finalize, finalizeRef)) as unknown as Delayed<T>,
  );
}
