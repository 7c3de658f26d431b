// Graph layers. Every bag operation adds one layer: a name, the layers it reads, and a builder
// that makes its tasks on first demand (then caches them). A bag's graph is the union of the
// layers it reaches, assembled once per request by walking the layer DAG iteratively (so a chain
// of thousands of operations needs no deep recursion) - layers are shared between bags, never
// copied into a growing Map at each step.
//
// Blockwise fusion happens here, when the graph is assembled (DESIGN.md principle 5). A layer may
// describe itself as a stream: a stage layer's partition i is its input's partition i pushed
// through its element-wise stages (map, filter, flatten, pluck...), and a source layer (readText)
// can be read as a stream of lines. A layer that consumes its input element by element (a stage,
// or the per-partition step of an aggregation) absorbs an input stream that nothing else reads:
// the input's own tasks are then not made at all, and the consumer's task for partition i runs
// source -> every stage -> its own step in one loop (pipeline.ts), with no intermediate arrays.
// A layer is absorbed only when it has exactly one consumer among the layers being assembled, is
// not itself requested, and was not already added by an earlier collection of the same compute.
import { daskGraph, keyToString, type Collection, type GraphNode } from '@dask-ts/protocol';
import type { StageSpec } from './specs.js';

/**
 * What a fusing consumer reads for partition i: a source (a `{ $ref }` to a materialized
 * partition, or a read spec streamed by the kernel) and the element-wise stages to apply.
 *
 * @example
 * const s: Stream = { source: { $ref: '["x",0]' }, stages: [['flatten']] };
 */
export interface Stream {
  readonly source: unknown;
  readonly stages: readonly StageSpec[];
}

/**
 * How a layer takes part in fusion: it reads `input` element by element and makes its tasks from
 * the stream of each input partition; with `stages`, it is itself element-wise (so a consumer can
 * fuse through it).
 *
 * @example
 * const f: Fusion = { input: parent.layer, stages: [['flatten']], make: (s) => [[key, pipeTask(s(0))]] };
 */
export interface Fusion {
  readonly input: Layer;
  readonly stages?: readonly StageSpec[];
  make(stream: (i: number) => Stream): Iterable<readonly [string, GraphNode]>;
}

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
    /** Set for layers that read their input element-wise (see the file comment). */
    readonly fusion?: Fusion,
    /** Set for source layers whose partition i can be streamed (the read spec of partition i). */
    readonly streamSource?: (i: number) => unknown,
  ) {}

  /** The layer's nodes, unfused (built on first call). */
  nodes(): ReadonlyArray<readonly [string, GraphNode]> {
    this.built ??= [...this.build()];
    return this.built;
  }
}

/**
 * A layer that reads `input` element-wise; unfused, it reads the input's partitions as they are.
 *
 * @example
 * const l = fusionLayer('flatten-ab12', [parent.layer], { input: parent.layer, stages: [['flatten']], make });
 */
export function fusionLayer(name: string, deps: readonly Layer[], fusion: Fusion): Layer {
  const input = fusion.input.name;
  const plain = (i: number): Stream => ({ source: { $ref: keyToString([input, i]) }, stages: [] });
  return new Layer(name, deps, () => fusion.make(plain), fusion);
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
 * The union of the nodes of `roots` and every layer they depend on (fused).
 *
 * @example
 * const graph = assemble([bag.layer]);
 */
export function assemble(roots: readonly Layer[]): Map<string, GraphNode> {
  const out = new Map<string, GraphNode>();
  addLayersInto(roots, out, new Set());
  return out;
}

const byName = (l: Layer): string => `bag-layer:${l.name}`;

/**
 * Adds the nodes of `roots` and their dependency layers into `into`, skipping layers in `seen`
 * (which it extends with the layers it adds): the `daskGraphInto` protocol of `@dask-ts/graph`'s
 * compute. Layers that fuse into their consumer add nothing (see the file comment).
 *
 * @example
 * addLayersInto([bag.layer], graph, seen);
 */
export function addLayersInto(
  roots: readonly Layer[],
  into: Map<string, GraphNode>,
  seen: Set<unknown>,
): void {
  const order = postOrder(roots, seen);
  // Consumers of each layer among those being added (an edge per dependency; requested layers
  // count one more), and the single consumer where there is one.
  const consumers = new Map<string, number>();
  const consumer = new Map<string, Layer>();
  for (const r of roots) consumers.set(r.name, (consumers.get(r.name) ?? 0) + 1);
  for (const l of order) {
    for (const d of l.deps) {
      consumers.set(d.name, (consumers.get(d.name) ?? 0) + 1);
      consumer.set(d.name, l);
    }
  }
  const fusable = (input: Layer): boolean => {
    if (seen.has(byName(input)) || consumers.get(input.name) !== 1) return false;
    if (input.fusion?.stages === undefined && input.streamSource === undefined) return false;
    const c = consumer.get(input.name);
    return c?.fusion !== undefined && c.fusion.input.name === input.name;
  };
  for (const layer of order) {
    const key = byName(layer);
    if (seen.has(key) || fusable(layer)) continue;
    seen.add(key);
    const f = layer.fusion;
    const nodes = f === undefined ? layer.nodes() : f.make(streamOf(f.input, fusable));
    for (const [k, node] of nodes) into.set(k, node);
  }
}

/** The stream a consumer reads from `input`: through every absorbable element-wise layer. */
function streamOf(input: Layer, fusable: (l: Layer) => boolean): (i: number) => Stream {
  const chain: (readonly StageSpec[])[] = [];
  let at = input;
  while (fusable(at) && at.fusion?.stages !== undefined) {
    chain.push(at.fusion.stages);
    at = at.fusion.input;
  }
  const stages = chain.reverse().flat();
  const src = at;
  if (fusable(src) && src.streamSource !== undefined) {
    const read = src.streamSource;
    return (i) => ({ source: read(i), stages });
  }
  return (i) => ({ source: { $ref: keyToString([src.name, i]) }, stages });
}

/** The layers reachable from `roots` and not in `seen`, dependencies first (iterative). */
function postOrder(roots: readonly Layer[], seen: Set<unknown>): Layer[] {
  const out: Layer[] = [];
  const visited = new Set<string>();
  const stack: Layer[] = [];
  const pos: number[] = [];
  const enter = (l: Layer): void => {
    // Two layer objects with the same name hold the same tasks (names are content tokens).
    if (visited.has(l.name) || seen.has(byName(l))) return;
    visited.add(l.name);
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
      out.push(layer);
    }
  }
  return out;
}
