// Graph layers. Every bag operation adds one layer: a name, the layers it reads, and a builder
// that makes its tasks on first demand (then caches them). A bag's graph is the union of the
// layers it reaches, assembled once per request by walking the layer DAG iteratively (so a chain
// of thousands of operations needs no deep recursion) - layers are shared between bags, never
// copied into a growing Map at each step.
import { daskGraph, type Collection, type GraphNode } from '@dask-ts/protocol';

/**
 * One operation's tasks, built lazily.
 *
 * @example
 * const l = new Layer('inc-ab12', [parent], () => [[key, node]]);
 */
export class Layer {
  private built: ReadonlyArray<readonly [string, GraphNode]> | undefined;
  constructor(
    readonly name: string,
    readonly deps: readonly Layer[],
    private readonly build: () => Iterable<readonly [string, GraphNode]>,
  ) {}

  /** The layer's nodes (built on first call). */
  nodes(): ReadonlyArray<readonly [string, GraphNode]> {
    this.built ??= [...this.build()];
    return this.built;
  }
}

/**
 * A layer holding another collection's whole graph (a `Delayed` value, an `Item`), so bags built
 * from it carry its tasks.
 *
 * @example
 * const l = collectionLayer(delayedValue);
 */
export function collectionLayer(c: Collection): Layer {
  return new Layer(`collection-${nextId()}`, [], () => c[daskGraph]());
}

let counter = 0;
function nextId(): number {
  return ++counter;
}

/**
 * The union of the nodes of `roots` and every layer they depend on.
 *
 * @example
 * const graph = assemble([bag.layer]);
 */
export function assemble(roots: readonly Layer[]): Map<string, GraphNode> {
  const out = new Map<string, GraphNode>();
  addLayersInto(roots, out, new Set());
  return out;
}

/**
 * Adds the nodes of `roots` and their dependency layers into `into`, skipping layers in `seen`
 * (which it extends): the `daskGraphInto` protocol of `@dask-ts/graph`'s compute.
 *
 * @example
 * addLayersInto([bag.layer], graph, seen);
 */
export function addLayersInto(roots: readonly Layer[], into: Map<string, GraphNode>, seen: Set<unknown>): void {
  // Iterative post-order: a layer's dependencies are added before it, so every node comes after
  // the nodes it reads (some consumers expect dependencies first).
  const stack: Layer[] = [];
  const pos: number[] = [];
  const enter = (l: Layer): void => {
    if (seen.has(l)) return;
    seen.add(l);
    stack.push(l);
    pos.push(0);
  };
  for (const r of roots) {
    enter(r);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const layer = stack[top]!;
      const i = pos[top]!;
      if (i < layer.deps.length) {
        pos[top] = i + 1;
        enter(layer.deps[i]!);
        continue;
      }
      stack.pop();
      pos.pop();
      // Two layer objects with the same name hold the same tasks (names are content tokens).
      const byName = `bag-layer:${layer.name}`;
      if (seen.has(byName)) continue;
      seen.add(byName);
      for (const [k, node] of layer.nodes()) into.set(k, node);
    }
  }
}
