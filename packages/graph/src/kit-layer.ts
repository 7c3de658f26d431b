// The collection kit's layer: one operation's tasks (a HighLevelGraph layer in Dask's terms), made
// lazily. A collection is a handful of layers; each operation adds one that names the layers it
// reads. Building a collection never builds tasks: a layer's builder runs the first time its
// tasks are wanted and its result is kept, so two collections sharing a layer share its tasks.
// Layers are identified by name (a content token): two layer objects with the same name hold the
// same tasks. Collection-specific facts (bag's element-wise stages, an array's chunks, a
// dataframe's columns) live in subclasses, which the collection's optimizer recognises.
import {
  daskGraph,
  data,
  type Collection,
  type GraphLayer,
  type GraphNode,
} from '@dask-ts/protocol';

/**
 * The tasks of one layer: `[canonical key, node]` pairs.
 *
 * @example
 * const nodes: LayerNodes = [['["x",0]', data(1)]];
 */
export type LayerNodes = Iterable<readonly [string, GraphNode]>;

/**
 * One operation's tasks, built on first demand and kept: a name, the layers it reads, a builder.
 * Subclass it to attach what your collection's optimizer needs to know about the layer.
 *
 * @example
 * const inc = new Layer('inc-ab12', [source], function* () {
 *   for (let i = 0; i < 4; i++) yield [keyToString(['inc-ab12', i]), task(kernels.ref('inc'), [ref(['x', i])])];
 * });
 */
export class Layer implements GraphLayer {
  private built: ReadonlyArray<readonly [string, GraphNode]> | undefined;
  constructor(
    /** The layer's name, a content token; its keys are usually `[name, ...index]`. */
    readonly name: string,
    /** The layers whose keys its tasks read. */
    readonly deps: readonly GraphLayer[],
    private readonly build: () => LayerNodes,
  ) {}

  /**
   * The layer's tasks (built on the first call).
   *
   * @example
   * for (const [key, node] of layer.nodes()) graph.set(key, node);
   */
  nodes(): ReadonlyArray<readonly [string, GraphNode]> {
    this.built ??= [...this.build()];
    return this.built;
  }

  /**
   * The same layer (same class, same tasks) reading `deps` instead: what an optimizer uses when a
   * layer this one reads was rewritten (see `rewriteLayers`).
   *
   * @example
   * const moved = layer.withDeps([fusedInput]);
   */
  withDeps(deps: readonly GraphLayer[]): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(copy, this);
    (copy as { deps: readonly GraphLayer[] }).deps = deps;
    return copy;
  }
}

/**
 * A layer of literal values (what `persist` rebuilds a collection from).
 *
 * @example
 * const held = dataLayer('x', [['["x",0]', [1, 2]], ['["x",1]', [3]]]);
 */
export function dataLayer(name: string, values: Iterable<readonly [string, unknown]>): Layer {
  const entries = [...values];
  return new Layer(name, [], () => entries.map(([k, v]) => [k, data(v)] as const));
}

let counter = 0;

/**
 * A layer holding another collection's whole graph (a `Delayed` value, another kit's collection),
 * so a collection built from it carries its tasks.
 *
 * @example
 * const layer = collectionLayer(delayed(load)('a.json'));
 */
export function collectionLayer(c: Collection): Layer {
  return new Layer(`collection-${++counter}`, [], () => c[daskGraph]());
}
