// The object behind each Delayed proxy: its key, its graph node (made once, with the Delayed) and
// the values it reads (its parents). Materializing a graph is an iterative walk over parents,
// dependencies first, that only inserts existing nodes; foreign collections among the parents add
// their own graphs. A Delayed computed on its own keeps its prepared graph for the next compute
// (delayed-cache.ts). The collection protocol and `compute`/`persist` live here, reached through
// the proxy by symbol (or reserved name), except the members that give new Delayed values
// (`daskRebuild`, iteration): those live with the proxy (delayed-proxy.ts), which makes proxies,
// so that this module never imports it (no import cycle).
import {
  daskFinalize,
  daskGraph,
  daskGraphInto,
  daskKeys,
  type Collection,
  type FunctionRef,
  type Graph,
  type GraphNode,
  type NestedKeys,
} from '@dask-ts/protocol';
import { compute, persist, type GraphComputeOptions } from './compute.js';
import { addCollectionInto, addsAncestorsOnly, ownGraph, ownSelf } from './graph-into.js';
import { keptGraph, type GraphHolder } from './delayed-cache.js';
import { GRAPH_SLOTS, SlotGraph, type GraphSlots } from './graph-slots.js';
import { prepareGraph } from './pipeline.js';
import { tokenizeSymbol } from './tokenize.js';

/** The symbol through which a Delayed proxy (or its callable target) reaches its DelayedImpl. */
export const IMPL = Symbol('dask-ts.delayed-impl');
const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** What a Delayed reads: another Delayed, or a foreign collection. */
export type Parent = DelayedImpl | Collection;

/**
 * The object behind each Delayed proxy. Its graph node is made once, with the Delayed, so that
 * materializing a graph only inserts existing nodes (no allocation per task). A `GraphHolder`
 * (delayed-cache.ts), structurally: `implements` would name an internal type in the published
 * declarations.
 */
export class DelayedImpl {
  /** This value's node: a task, or a data node. */
  readonly node: GraphNode;
  /** Its prepared graphs, while it is among the recently computed values (delayed-cache.ts). @internal */
  graphs: GraphHolder['graphs'] = undefined;
  /** Creation number: parents are always made before their dependents. */
  readonly seq = nextSeq++;
  /**
   * The walk that last reached this value (see `ancestorsInOrder`), or, below zero, -1 - its slot
   * in the graph `slotsOf` numbered last (walk numbers are positive, so the two never meet).
   */
  walk = 0;
  /** Whether the key is a fresh random one, which no other value has (set by `delayed`). */
  unique = false;

  constructor(
    readonly key: string,
    /** The function, or undefined for a data node. */
    fn: FunctionRef | undefined,
    /** The task's arguments (refs in place), or the data node's value. */
    payload: unknown,
    readonly parents: readonly Parent[],
    readonly nout: number | undefined,
    /** Explicit dependencies (finalize nodes of foreign collections); default: the parents' keys. */
    deps?: readonly string[],
  ) {
    this.node =
      fn === undefined
        ? { kind: 'data', value: payload }
        : {
            kind: 'task',
            fn,
            args: payload as unknown[],
            deps: deps ?? parentKeys(parents as readonly DelayedImpl[]),
          };
  }

  get [IMPL](): DelayedImpl {
    return this;
  }

  /** @internal */
  get [ownSelf](): DelayedImpl {
    return this;
  }

  /** @internal */
  get [addsAncestorsOnly](): true {
    return true;
  }

  compute(this: object, options?: GraphComputeOptions): Promise<unknown> {
    return compute(this, options ?? {}).then((r) => r[0]);
  }

  persist(this: object, options?: GraphComputeOptions): Promise<unknown> {
    return persist(this, options ?? {}).then((r) => r[0]);
  }

  toString(this: object): string {
    return `Delayed('${implOf(this).key}')`;
  }

  [inspectSymbol](): string {
    return `Delayed('${implOf(this).key}')`;
  }

  [tokenizeSymbol](this: object): unknown {
    return ['Delayed', implOf(this).key];
  }

  [daskKeys](this: object): NestedKeys[] {
    return [implOf(this).key];
  }

  [daskFinalize](values: readonly unknown[]): unknown {
    return values[0];
  }

  [daskGraph](this: object): Map<string, GraphNode> {
    const out = new Map<string, GraphNode>();
    implOf(this).addInto(out, new Set());
    return out;
  }

  [daskGraphInto](this: object, into: Map<string, GraphNode>, seen: Set<unknown>): void {
    implOf(this).addInto(into, seen);
  }

  /**
   * The graph that computes this value alone, culled and (when `optimize`) fused; kept for reuse.
   * Its nodes are in creation order (dependencies first, and layers as the user made them, which
   * is where schedulers predict inputs best); with a foreign collection among the ancestors, in
   * the order of `addInto`. @internal
   */
  [ownGraph](this: object, optimize: boolean): Graph {
    const self = implOf(this);
    return keptGraph(self, optimize, () => {
      const graph = new Map<string, GraphNode>();
      const ordered = self.ancestorsInOrder();
      if (ordered !== undefined) {
        // Without a chain to fuse, the graph is the values' slots; with distinct keys, a
        // SlotGraph that fills its Map only when asked.
        const slots = slotsOf(ordered, optimize);
        if (slots !== undefined && slots.unique) return new SlotGraph(slots);
        for (let i = 0; i < ordered.length; i++) graph.set(ordered[i].key, ordered[i].node);
        const g = prepareGraph(graph, [self.key], true, optimize);
        if (slots !== undefined && g === graph && graph.size === ordered.length) {
          (graph as { [GRAPH_SLOTS]?: GraphSlots })[GRAPH_SLOTS] = slots;
        }
        return g;
      }
      const seen = new Set<unknown>();
      self.addInto(graph, seen);
      return prepareGraph(graph, [self.key], seen.size === 0, optimize);
    });
  }

  /**
   * This value and its ancestors in creation order, or undefined when a foreign collection is
   * among them. Marks each value reached with the walk's number (no hashing), then sorts by `seq`.
   */
  ancestorsInOrder(): DelayedImpl[] | undefined {
    const walk = ++walks;
    const out: DelayedImpl[] = [];
    const stack: DelayedImpl[] = [this];
    this.walk = walk;
    while (stack.length > 0) {
      const d = stack.pop()!;
      out.push(d);
      const ps = d.parents;
      for (let i = 0; i < ps.length; i++) {
        const p = ps[i];
        if (!(p instanceof DelayedImpl)) return undefined;
        if (p.walk !== walk) {
          p.walk = walk;
          stack.push(p);
        }
      }
    }
    return sortBySeq(out);
  }

  /** Adds this node and its ancestors not yet in `into`, dependencies first (iteratively). */
  addInto(into: Map<string, GraphNode>, seen: Set<unknown>): void {
    if (into.has(this.key)) return;
    const stack: DelayedImpl[] = [this];
    const pos: number[] = [0];
    while (stack.length > 0) {
      const top = stack.length - 1;
      const d = stack[top];
      const i = pos[top];
      if (i < d.parents.length) {
        pos[top] = i + 1;
        const p = d.parents[i];
        if (p instanceof DelayedImpl) {
          if (!into.has(p.key)) {
            stack.push(p);
            pos.push(0);
          }
        } else if (!seen.has(p)) {
          addCollectionInto(p, into, seen);
          seen.add(p);
        }
      } else {
        stack.pop();
        pos.pop();
        into.set(d.key, d.node);
      }
    }
  }
}

/** The node of a foreign collection's finalizing task: its dependencies are the collection's keys. */
export class FinalizeImpl extends DelayedImpl {
  constructor(
    key: string,
    fn: FunctionRef,
    payload: unknown,
    parents: readonly Parent[],
    deps: readonly string[],
  ) {
    super(key, fn, payload, parents, undefined, deps);
  }
}

/** An attribute of a Delayed: calling it is a method call on the object. */
export class AttrImpl extends DelayedImpl {
  constructor(
    key: string,
    fn: FunctionRef,
    payload: unknown,
    readonly attrOf: DelayedImpl,
    readonly attrName: string,
  ) {
    super(key, fn, payload, [attrOf], undefined);
  }
}

let nextSeq = 0;
let walks = 0;

/**
 * The slots of a graph made of `ordered` (in that order), unless `optimize` and a task has one
 * dependency (a chain that fusing will change), and whether all its keys are distinct by
 * construction. (The slots hold only when the keys are distinct.) Each task's parents'
 * positions, deduplicated in order as `parentKeys` does, checked against `node.deps` (one pointer
 * comparison each: the keys are the very strings); undefined when a task's deps are not its
 * parents' keys.
 */
function slotsOf(
  ordered: readonly DelayedImpl[],
  optimize: boolean,
): (GraphSlots & { readonly unique: boolean }) | undefined {
  const n = ordered.length;
  let edges = 0;
  let unique = true;
  for (let i = 0; i < n; i++) {
    const d = ordered[i];
    const node = d.node;
    if (node.kind === 'task') {
      // A chain to fuse: the graph will change.
      if (optimize && node.deps.length === 1) return undefined;
      edges += node.deps.length;
    }
    if (!d.unique) unique = false;
  }
  const keys = new Array<string>(n);
  const nodes = new Array<GraphNode>(n);
  for (let i = 0; i < n; i++) {
    const d = ordered[i];
    d.walk = -1 - i;
    keys[i] = d.key;
    nodes[i] = d.node;
  }
  const depStart = new Int32Array(n + 1);
  const deps = new Int32Array(edges);
  // seen[s] === i + 1: slot s is already among task i's dependencies.
  const seen = new Int32Array(n);
  let e = 0;
  for (let i = 0; i < n; i++) {
    depStart[i] = e;
    const node = nodes[i];
    if (node.kind !== 'task') continue;
    const ds = node.deps;
    const ps = ordered[i].parents;
    const end = e + ds.length;
    for (let j = 0; j < ps.length; j++) {
      const s = -1 - (ps[j] as DelayedImpl).walk;
      if (seen[s] === i + 1) continue;
      seen[s] = i + 1;
      if (e === end || keys[s] !== ds[e - depStart[i]]) return undefined;
      deps[e++] = s;
    }
    if (e !== end) return undefined;
  }
  depStart[n] = e;
  return { keys, nodes, depStart, deps, unique };
}

/**
 * Values sorted by `seq`, in linear time: by counting when their numbers are dense, else by two
 * passes of a radix sort on 16-bit digits (numbers past 2^32: a comparison sort).
 */
function sortBySeq(xs: DelayedImpl[]): DelayedImpl[] {
  const n = xs.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const q = xs[i].seq;
    if (q < lo) lo = q;
    if (q > hi) hi = q;
  }
  if (n < 2) return xs;
  const span = hi - lo + 1;
  if (span <= 4 * n) {
    const at = new Int32Array(span).fill(-1);
    for (let i = 0; i < n; i++) at[xs[i].seq - lo] = i;
    const out: DelayedImpl[] = [];
    for (let j = 0; j < span; j++) if (at[j] >= 0) out.push(xs[at[j]]);
    return out;
  }
  if (span > 2 ** 32) return xs.sort((a, b) => a.seq - b.seq);
  let src = xs;
  let dst = new Array<DelayedImpl>(n);
  for (let shift = 0; shift < 32; shift += 16) {
    const count = new Int32Array(65537);
    for (let i = 0; i < n; i++) count[(((src[i].seq - lo) / 2 ** shift) & 0xffff) + 1]++;
    for (let d = 0; d < 65536; d++) count[d + 1] += count[d];
    for (let i = 0; i < n; i++) dst[count[((src[i].seq - lo) / 2 ** shift) & 0xffff]++] = src[i];
    [src, dst] = [dst, src];
  }
  return src;
}

export const NO_PARENTS: readonly Parent[] = Object.freeze([]);
const NO_DEPS: readonly string[] = Object.freeze([]);

/** The distinct keys of a task's parents, in order (one small array; shared when empty). */
function parentKeys(ps: readonly DelayedImpl[]): readonly string[] {
  switch (ps.length) {
    case 0:
      return NO_DEPS;
    case 1:
      return [ps[0].key];
    case 2:
      return ps[0].key === ps[1].key ? [ps[0].key] : [ps[0].key, ps[1].key];
    default:
      return [...new Set(ps.map((p) => p.key))];
  }
}

/** The DelayedImpl behind a Delayed proxy (or the impl itself). */
export function implOf(x: object): DelayedImpl {
  return (x as { [IMPL]: DelayedImpl })[IMPL];
}
