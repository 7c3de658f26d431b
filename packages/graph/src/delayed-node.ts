// The object behind each Delayed proxy: its key, its graph node (made once, with the Delayed) and
// the values it reads (its parents). Materializing a graph is an iterative walk over parents,
// dependencies first, that only inserts existing nodes; foreign collections among the parents add
// their own graphs. A Delayed computed on its own keeps its prepared graph for the next compute
// (delayed-cache.ts). The collection protocol and `compute`/`persist` live here, reached through
// the proxy by symbol (or reserved name).
import {
  daskFinalize,
  daskGraph,
  daskKeys,
  daskRebuild,
  type Collection,
  type FunctionRef,
  type Graph,
  type GraphNode,
  type NestedKeys,
} from '@dask-ts/protocol';
import { compute, persist, type GraphComputeOptions } from './compute.js';
import { addsAncestorsOnly, daskGraphInto, ownGraph } from './graph-into.js';
import { keptGraph, type GraphHolder } from './delayed-cache.js';
import { prepareGraph } from './pipeline.js';
import { tokenizeSymbol } from './tokenize.js';
import { item, wrap } from './delayed-proxy.js';

/** The symbol through which a Delayed proxy (or its callable target) reaches its DelayedImpl. */
export const IMPL = Symbol('dask-ts.delayed-impl');
const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** What a Delayed reads: another Delayed, or a foreign collection. */
export type Parent = DelayedImpl | Collection;

/**
 * The object behind each Delayed proxy. Its graph node is made once, with the Delayed, so that
 * materializing a graph only inserts existing nodes (no allocation per task).
 */
export class DelayedImpl implements GraphHolder {
  /** This value's node: a task, or a data node. */
  readonly node: GraphNode;
  /** Its prepared graphs, while it is among the recently computed values (delayed-cache.ts). */
  graphs: GraphHolder['graphs'] = undefined;

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

  [daskRebuild](this: object, values: ReadonlyMap<string, unknown>): object {
    const self = implOf(this);
    return wrap(new DelayedImpl(self.key, undefined, values.get(self.key), NO_PARENTS, self.nout));
  }

  [daskGraph](this: object): Map<string, GraphNode> {
    const out = new Map<string, GraphNode>();
    implOf(this).addInto(out, new Set());
    return out;
  }

  [daskGraphInto](this: object, into: Map<string, GraphNode>, seen: Set<unknown>): void {
    implOf(this).addInto(into, seen);
  }

  /** The graph that computes this value alone, culled and (when `optimize`) fused; kept for reuse. */
  [ownGraph](this: object, optimize: boolean): Graph {
    const self = implOf(this);
    return keptGraph(self, optimize, () => {
      const graph = new Map<string, GraphNode>();
      const seen = new Set<unknown>();
      self.addInto(graph, seen);
      return prepareGraph(graph, [self.key], seen.size === 0, optimize);
    });
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
          seen.add(p);
          const adder = (p as Partial<Record<typeof daskGraphInto, DelayedImpl['addInto']>>)[
            daskGraphInto
          ];
          if (typeof adder === 'function') adder.call(p, into, seen);
          else for (const [k, v] of p[daskGraph]()) into.set(k, v);
        }
      } else {
        stack.pop();
        pos.pop();
        into.set(d.key, d.node);
      }
    }
  }

  *[Symbol.iterator](this: object): Iterator<object> {
    const self = implOf(this);
    if (self.nout === undefined) {
      throw new TypeError(
        `Delayed '${self.key}' is not iterable: its length is unknown. Pass { nout: n } to delayed() to destructure its result.`,
      );
    }
    for (let i = 0; i < self.nout; i++) yield item(self, i);
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
