// Walking and rewriting a DAG of layers (a high-level graph), and lowering it to tasks. Every walk
// is iterative, with an explicit stack, so a chain of thousands of operations needs no deep
// recursion; every walk deduplicates by layer name (names are content tokens), so a layer shared
// by many collections is visited, rewritten and lowered once. Lowering adds each layer's tasks
// into a shared graph and records the layer in `seen` (as `layer:<name>`), so collections computed
// together, or reached again through a delayed function, never add a layer twice.
import type { GraphLayer, GraphNode } from '@dask-ts/protocol';
import { Layer } from './kit-layer.js';

/**
 * The layers reachable from `roots`, each once, dependencies before the layers that read them.
 * Layers for which `skip` is true are left out, and so are the layers only they reach.
 *
 * @example
 * for (const layer of layersInOrder([vector.layer])) console.log(layer.name);
 */
export function layersInOrder(
  roots: readonly GraphLayer[],
  skip?: (layer: GraphLayer) => boolean,
): GraphLayer[] {
  const out: GraphLayer[] = [];
  const visited = new Set<string>();
  const stack: GraphLayer[] = [];
  const pos: number[] = [];
  const enter = (l: GraphLayer): void => {
    if (visited.has(l.name) || (skip !== undefined && skip(l))) return;
    visited.add(l.name);
    stack.push(l);
    pos.push(0);
  };
  for (const r of roots) {
    enter(r);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const layer = stack[top];
      const i = pos[top];
      if (i < layer.deps.length) {
        pos[top] = i + 1;
        enter(layer.deps[i]);
        continue;
      }
      stack.pop();
      pos.pop();
      out.push(layer);
    }
  }
  return out;
}

/**
 * The layers reachable from `roots` in dependency order, and for each layer name the layers that
 * read it (once per dependency edge): what an optimizer asks to know whether a layer has a single
 * consumer (Dask's `HighLevelGraph.dependents`).
 *
 * @example
 * const { order, dependents } = layerDependents([vector.layer]);
 * const single = (l: GraphLayer) => dependents.get(l.name)?.length === 1;
 */
export function layerDependents(roots: readonly GraphLayer[]): {
  readonly order: readonly GraphLayer[];
  readonly dependents: ReadonlyMap<string, readonly GraphLayer[]>;
} {
  const order = layersInOrder(roots);
  const dependents = new Map<string, GraphLayer[]>();
  for (const l of order) {
    for (const d of l.deps) {
      const list = dependents.get(d.name);
      if (list === undefined) dependents.set(d.name, [l]);
      else list.push(l);
    }
  }
  return { order, dependents };
}

/**
 * What a rewrite step receives: the layer, the layers it reads as already rewritten (the very
 * `layer.deps` array when none changed), and every layer rewritten so far, by name.
 *
 * @example
 * const step = (layer: GraphLayer, { deps }: RewriteContext) => (deps === layer.deps ? layer : undefined);
 */
export interface RewriteContext {
  readonly deps: readonly GraphLayer[];
  readonly rewritten: ReadonlyMap<string, GraphLayer>;
}

/**
 * Rewrites a layer DAG bottom-up, the tool of optimizers: `step` is called once per layer,
 * dependencies first, and returns its replacement, or undefined to keep it (moved onto the
 * rewritten `deps` when those changed, through `Layer.withDeps` or a plain wrapper). Returns the
 * rewritten `roots`; layers no longer reached simply drop out.
 *
 * @example
 * const fused = rewriteLayers(roots, (layer, { deps }) =>
 *   layer instanceof MapLayer && deps[0] instanceof MapLayer ? composeMaps(layer, deps[0]) : undefined);
 */
export function rewriteLayers(
  roots: readonly GraphLayer[],
  step: (layer: GraphLayer, context: RewriteContext) => GraphLayer | undefined,
): GraphLayer[] {
  const rewritten = new Map<string, GraphLayer>();
  for (const layer of layersInOrder(roots)) {
    let deps: GraphLayer[] | undefined;
    for (let i = 0; i < layer.deps.length; i++) {
      const d = layer.deps[i];
      const r = rewritten.get(d.name) ?? d;
      if (r !== d) (deps ??= layer.deps.slice())[i] = r;
    }
    const context: RewriteContext = { deps: deps ?? layer.deps, rewritten };
    const out = step(layer, context) ?? (deps === undefined ? layer : moved(layer, deps));
    rewritten.set(layer.name, out);
  }
  return roots.map((r) => rewritten.get(r.name) ?? r);
}

function moved(layer: GraphLayer, deps: readonly GraphLayer[]): GraphLayer {
  if (layer instanceof Layer) return layer.withDeps(deps);
  return { name: layer.name, deps, nodes: () => layer.nodes() };
}

const seenName = (l: GraphLayer): string => `layer:${l.name}`;

/**
 * Lowers layers to tasks: adds the tasks of `roots` and of every layer they reach into `into`,
 * skipping the layers `seen` records and recording those it adds.
 *
 * @example
 * const graph = new Map<string, GraphNode>();
 * lowerLayers([vector.layer], graph, new Set());
 */
export function lowerLayers(
  roots: readonly GraphLayer[],
  into: Map<string, GraphNode>,
  seen: Set<unknown>,
): void {
  for (const layer of layersInOrder(roots, (l) => seen.has(seenName(l)))) {
    seen.add(seenName(layer));
    for (const [k, node] of layer.nodes()) into.set(k, node);
  }
}
