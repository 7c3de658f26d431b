// The toy collection of docs/writing-a-collection.md: a lazy, chunked vector of numbers with a
// `map` and a `sum`, built on the collection kit of @dask-ts/graph. Each operation adds one layer;
// the optimizer fuses chains of maps into one task per chunk.
import {
  daskFinalize,
  daskGraph,
  daskKeys,
  daskLayers,
  daskOptimize,
  keyToString,
  type Collection,
  type GraphLayer,
  type LayerOptimizer,
} from '@dask-ts/protocol';
import {
  Layer,
  compute,
  layerDependents,
  layeredGraph,
  rewriteLayers,
  tokenize,
  userFunctions,
  type FnOptions,
  type GraphComputeOptions,
} from '@dask-ts/graph';
import { kernels } from './vector-kernels.js';

const fns = userFunctions('vector');
const key = (name: string, i: number): string => keyToString([name, i]);

/** A layer applying user functions, in order, to each of the `n` chunks of `input`. */
class MapLayer extends Layer {
  constructor(
    name: string,
    readonly input: GraphLayer,
    readonly fns: readonly unknown[],
    readonly n: number,
  ) {
    super(name, [input], function* () {
      for (let i = 0; i < n; i++)
        yield [key(name, i), kernels.task('map', [{ $ref: key(input.name, i) }, ...fns])];
    });
  }
}

/** The optimizer: a map reading a map that nothing else reads takes over its functions. */
const fuseMaps: LayerOptimizer = (roots) => {
  const { dependents } = layerDependents(roots);
  const requested = new Set(roots.map((r) => r.name));
  const alone = (l: GraphLayer): boolean =>
    !requested.has(l.name) && dependents.get(l.name)?.length === 1;
  return rewriteLayers(roots, (layer, { deps }) => {
    const input = deps[0];
    if (!(layer instanceof MapLayer) || !(input instanceof MapLayer) || !alone(input)) return;
    return new MapLayer(layer.name, input.input, [...input.fns, ...layer.fns], layer.n);
  });
};

/**
 * A lazy vector of numbers in `nchunks` chunks (keys `[layer.name, i]`).
 *
 * @example
 * await range(10, 4).map((x) => x * 2).sum().compute(); // 90
 */
export class Vector implements Collection<number[]> {
  constructor(
    readonly layer: Layer,
    readonly nchunks: number,
  ) {}

  /** Applies `fn` to every element. @example v.map((x) => x + k, { scope: { k } }) */
  map(fn: (x: number) => number, options: FnOptions = {}): Vector {
    const f = fns.arg(fn, options, 'map');
    const name = `map-${tokenize(this.layer.name, f.token)}`;
    return new Vector(new MapLayer(name, this.layer, [f.arg], this.nchunks), this.nchunks);
  }

  /** The sum of the elements. @example await v.sum().compute() */
  sum(): Total {
    const name = `sum-${tokenize(this.layer.name)}`;
    const parts = Array.from({ length: this.nchunks }, (_, i) => ({
      $ref: key(this.layer.name, i),
    }));
    return new Total(new Layer(name, [this.layer], () => [[name, kernels.task('sum', parts)]]));
  }

  /** Computes the elements. @example await v.compute({ scheduler: 'sync' }) */
  async compute(options: GraphComputeOptions = {}): Promise<number[]> {
    const [v] = await compute(this, options);
    return v;
  }

  [daskLayers](): readonly GraphLayer[] {
    return [this.layer];
  }
  get [daskOptimize](): LayerOptimizer {
    return fuseMaps;
  }
  [daskGraph]() {
    return layeredGraph(this);
  }
  [daskKeys](): string[] {
    return Array.from({ length: this.nchunks }, (_, i) => key(this.layer.name, i));
  }
  [daskFinalize](chunks: readonly unknown[]): number[] {
    return (chunks as number[][]).flat();
  }
}

/**
 * A lazy number: the sum of a Vector.
 *
 * @example
 * await range(4, 2).sum().compute(); // 6
 */
export class Total implements Collection<number> {
  constructor(readonly layer: Layer) {}

  /** Computes the number. @example await t.compute() */
  async compute(options: GraphComputeOptions = {}): Promise<number> {
    const [v] = await compute(this, options);
    return v;
  }

  [daskLayers](): readonly GraphLayer[] {
    return [this.layer];
  }
  get [daskOptimize](): LayerOptimizer {
    return fuseMaps;
  }
  [daskGraph]() {
    return layeredGraph(this);
  }
  [daskKeys](): string[] {
    return [this.layer.name];
  }
  [daskFinalize](values: readonly unknown[]): number {
    return values[0] as number;
  }
}

/**
 * The numbers `0 .. n-1` in chunks of `chunk`.
 *
 * @example
 * await range(5, 2).compute(); // [0, 1, 2, 3, 4]
 */
export function range(n: number, chunk: number): Vector {
  const name = `range-${tokenize(n, chunk)}`;
  const nchunks = Math.ceil(n / chunk);
  const layer = new Layer(name, [], function* () {
    for (let i = 0; i < nchunks; i++)
      yield [key(name, i), kernels.task('range', [i * chunk, Math.min(n, (i + 1) * chunk)])];
  });
  return new Vector(layer, nchunks);
}
