// The interned form a Delayed hands over with its kept graph, so a scheduler that works on slots
// (the sync scheduler's plan) need not iterate the Map or find each dependency by its key: the
// graph's keys and nodes in insertion order, and each node's dependencies as slot numbers, in
// `node.deps` order. It rides on the graph under a registered symbol, is made only for a sealed
// graph whose keys are all distinct, and, like the graph, is never mutated. A scheduler that does
// not know it reads the Map as always. A graph of values whose keys are all fresh random ones
// (distinct by construction) is handed over as a SlotGraph: a Map filled only when a Map method is
// first used, so the sync scheduler never hashes its keys. Changing the graph drops its slots.
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

/**
 * A graph that starts as its slots alone: the Map is filled on first use of any Map method, so a
 * scheduler that plans from the slots (the sync scheduler) never pays for hashing every key. Its
 * keys must be distinct (the size is known unfilled). @internal
 *
 * @example
 * const g = new SlotGraph(slots); // g.size === slots.keys.length; g.get(k) fills it first
 */
export class SlotGraph extends Map<string, GraphNode> {
  #slots: GraphSlots | undefined;

  constructor(slots: GraphSlots) {
    super();
    this.#slots = slots;
    (this as { [GRAPH_SLOTS]?: GraphSlots })[GRAPH_SLOTS] = slots;
  }

  #fill(): void {
    const s = this.#slots;
    if (s === undefined) return;
    this.#slots = undefined;
    for (let i = 0; i < s.keys.length; i++) super.set(s.keys[i], s.nodes[i]);
  }

  override get size(): number {
    return this.#slots !== undefined ? this.#slots.keys.length : super.size;
  }

  override get(key: string): GraphNode | undefined {
    this.#fill();
    return super.get(key);
  }

  override has(key: string): boolean {
    this.#fill();
    return super.has(key);
  }

  override set(key: string, node: GraphNode): this {
    this.#fill();
    delete (this as { [GRAPH_SLOTS]?: GraphSlots })[GRAPH_SLOTS];
    return super.set(key, node);
  }

  override delete(key: string): boolean {
    this.#fill();
    delete (this as { [GRAPH_SLOTS]?: GraphSlots })[GRAPH_SLOTS];
    return super.delete(key);
  }

  override clear(): void {
    this.#slots = undefined;
    delete (this as { [GRAPH_SLOTS]?: GraphSlots })[GRAPH_SLOTS];
    super.clear();
  }

  override forEach(
    fn: (node: GraphNode, key: string, map: Map<string, GraphNode>) => void,
    thisArg?: unknown,
  ): void {
    this.#fill();
    super.forEach(fn, thisArg);
  }

  override keys(): MapIterator<string> {
    this.#fill();
    return super.keys();
  }

  override values(): MapIterator<GraphNode> {
    this.#fill();
    return super.values();
  }

  override entries(): MapIterator<[string, GraphNode]> {
    this.#fill();
    return super.entries();
  }

  override [Symbol.iterator](): MapIterator<[string, GraphNode]> {
    this.#fill();
    return super[Symbol.iterator]();
  }
}
