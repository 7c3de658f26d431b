// The collection protocol: any object that can give its graph, its output keys and a finalizer
// can be computed by any scheduler (Dask's `__dask_graph__`, `__dask_keys__`,
// `__dask_postcompute__`). The members are global symbols, so two copies of this package agree.
// The whole protocol is here; `@dask-ts/graph` holds the helpers that implement it (the layer kit,
// compute). Beyond the three required members, a collection may: rebuild itself from computed
// values (persist), add its nodes into a shared graph (several collections computed together),
// name a portable finalizer (passed to a delayed function), and describe itself as a high-level
// graph of layers with an optimizer that `compute` runs before lowering the layers to tasks
// (Dask's HighLevelGraph, `__dask_layers__` and `__dask_optimize__`).
import type { PortableFunctionRef } from './functions.js';
import type { Graph, GraphNode } from './task.js';

/** Symbol of the method returning a collection's task graph. @example obj[daskGraph]() */
export const daskGraph: unique symbol = Symbol.for('dask-ts.graph') as never;
/** Symbol of the method returning a collection's output keys (canonical strings, possibly nested). @example obj[daskKeys]() */
export const daskKeys: unique symbol = Symbol.for('dask-ts.keys') as never;
/** Symbol of the method turning computed key values into the collection's result. @example obj[daskFinalize](values) */
export const daskFinalize: unique symbol = Symbol.for('dask-ts.finalize') as never;
/** Symbol of the method rebuilding the collection from computed values held as data (for `persist`). @example obj[daskRebuild](values) */
export const daskRebuild: unique symbol = Symbol.for('dask-ts.rebuild') as never;

/**
 * Symbol of the optional method through which a collection adds its nodes into a shared graph,
 * skipping what is already there (`seen` holds what earlier collections added).
 *
 * @example
 * if (typeof c[daskGraphInto] === 'function') c[daskGraphInto](graph, new Set());
 */
export const daskGraphInto: unique symbol = Symbol.for('dask-ts.graph-into') as never;

/**
 * Symbol of the optional method through which a collection names a portable function that turns
 * its computed key values (in flattened key order) into its result; used when the collection is
 * passed to a delayed function, so that the finalizing task can run on a worker.
 *
 * @example
 * class Chunks { [daskFinalizeRef]() { return builtinRef('array.concat', '@dask-ts/array'); } }
 */
export const daskFinalizeRef: unique symbol = Symbol.for('dask-ts.finalize-ref') as never;

/**
 * Symbol of the optional method returning a collection's high-level graph: its output layers,
 * which reach every layer they read through `deps` (Dask's `__dask_layers__` with the
 * HighLevelGraph behind it).
 *
 * @example
 * const roots = bag[daskLayers]();
 */
export const daskLayers: unique symbol = Symbol.for('dask-ts.layers') as never;

/**
 * Symbol of a collection's optional optimizer (Dask's `__dask_optimize__`): one function per
 * collection type, which `compute` and `persist` call once for all the collections computed
 * together that share it, before their layers become tasks. See {@link LayerOptimizer}.
 *
 * @example
 * class Vector { get [daskOptimize]() { return fuseMaps; } }
 */
export const daskOptimize: unique symbol = Symbol.for('dask-ts.optimize') as never;

/**
 * One layer of a high-level graph: a named group of tasks (one operation's, typically one per
 * chunk or partition), the layers it reads, and its tasks, made on demand. Two layers with the
 * same name hold the same tasks (names are content tokens).
 *
 * @example
 * const layer: GraphLayer = { name: 'x', deps: [], nodes: () => [['["x",0]', data(1)]] };
 */
export interface GraphLayer {
  readonly name: string;
  readonly deps: readonly GraphLayer[];
  /** The layer's tasks, keyed by canonical key strings. */
  nodes(): Iterable<readonly [string, GraphNode]>;
}

/**
 * A collection type's optimizer: given the output layers of every collection of that type computed
 * together and all their output keys, returns the layers to lower instead (it may rewrite any
 * layer it recognises: fuse, push projections or slices down; it must keep every output key).
 * It runs unless `compute(..., { optimize: false })`; the generic task-level passes (cull, linear
 * fusion) run after it.
 *
 * @example
 * const identity: LayerOptimizer = (roots) => roots;
 */
export type LayerOptimizer = (
  roots: readonly GraphLayer[],
  keys: readonly string[],
) => readonly GraphLayer[];

/**
 * Output keys of a collection: canonical key strings, nested as the finalizer expects.
 *
 * @example
 * const keys: NestedKeys = ['["x",0]', '["x",1]'];
 */
export type NestedKeys = string | readonly NestedKeys[];

/**
 * Something a scheduler can compute: a lazy collection or a `Delayed` value.
 *
 * @example
 * class Answer implements Collection<number> {
 *   [daskGraph]() { return new Map([['a', data(42)]]); }
 *   [daskKeys]() { return ['a']; }
 *   [daskFinalize](values: unknown[]) { return values[0] as number; }
 * }
 */
export interface Collection<T = unknown> {
  [daskGraph](): Graph;
  [daskKeys](): readonly NestedKeys[];
  /** Receives the computed values in the order of the flattened keys. */
  [daskFinalize](values: readonly unknown[]): T;
  /** Optional: the same collection, its keys now literal data (what `persist` returns). */
  [daskRebuild]?(values: ReadonlyMap<string, unknown>): Collection<T>;
  /** Optional: adds its nodes into a shared graph, skipping what `seen` says is there. */
  [daskGraphInto]?(into: Map<string, GraphNode>, seen: Set<unknown>): void;
  /** Optional: a portable function finalizing its values (for delayed functions on workers). */
  [daskFinalizeRef]?(): PortableFunctionRef;
  /** Optional: its output layers (a high-level graph); `compute` then lowers them itself. */
  [daskLayers]?(): readonly GraphLayer[];
  /** Optional: the optimizer of its type, run on its layers before lowering. */
  readonly [daskOptimize]?: LayerOptimizer;
}

/**
 * Whether a value implements the {@link Collection} protocol.
 *
 * @example
 * if (isCollection(x)) await compute(x);
 */
export function isCollection(value: unknown): value is Collection {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as Partial<Collection>)[daskGraph] === 'function' &&
    typeof (value as Partial<Collection>)[daskKeys] === 'function' &&
    typeof (value as Partial<Collection>)[daskFinalize] === 'function'
  );
}

/**
 * Flattens nested keys into a list, depth first.
 *
 * @example
 * flattenKeys(['a', ['b', 'c']]); // ['a', 'b', 'c']
 */
export function flattenKeys(keys: readonly NestedKeys[], out: string[] = []): string[] {
  for (const k of keys) {
    if (typeof k === 'string') out.push(k);
    else flattenKeys(k, out);
  }
  return out;
}
