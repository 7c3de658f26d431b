// The interned form a Delayed hands over with its kept graph, so a scheduler that works on slots
// (the sync scheduler's plan) need not iterate the Map or find each dependency by its key: the
// graph's keys and nodes in insertion order, and each node's dependencies as slot numbers, in
// `node.deps` order. It rides on the graph under a registered symbol, is made only for a sealed
// graph whose keys are all distinct, and, like the graph, is never mutated. A scheduler that does
// not know it reads the Map as always.
import type { GraphNode } from '@dask-ts/protocol';

/** The registered symbol under which a kept graph carries its {@link GraphSlots}. @internal */
export const GRAPH_SLOTS = Symbol.for('dask-ts.graphSlots');

/**
 * A graph's keys and nodes in insertion order, with dependency slots: the dependencies of slot s
 * are `deps[depStart[s] .. depStart[s + 1])`, in the order of its node's `deps`. @internal
 *
 * @example
 * const slots = (graph as { [GRAPH_SLOTS]?: GraphSlots })[GRAPH_SLOTS];
 */
export interface GraphSlots {
  readonly keys: readonly string[];
  readonly nodes: readonly GraphNode[];
  readonly depStart: Int32Array;
  readonly deps: Int32Array;
}
