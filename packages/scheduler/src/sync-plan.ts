// The sync scheduler's plan: the graph interned to ints, validated, culled and ordered, so the
// task loop works on flat typed arrays only. A key's slot is its position in the graph's insertion
// order. Interning is the graph interner's (@dask-ts/graph's interner.ts: dependencies predicted,
// each prediction checked with one string comparison, so hash-map operations stay rare on large
// graphs). Everything after that is int arrays. A depth-first walk from the wanted keys over those
// ints culls what is not needed, finds a missing dependency or a cycle (a GraphError naming the
// culprits), and hands out steps in post-order with dependencies visited in `order()` priority
// (argument order without one): a topological order that finishes a branch before starting the
// next. Each task's arguments get a shape (protocol's `argKind` decides what each one is):
// top-level `$ref`s become slot reads; anything nested falls back to `substitute`.
// A graph marked sealed (`Symbol.for('dask-ts.sealedGraph')`: never mutated, as the graphs a
// Delayed keeps across computes) keeps its plan for the same wanted keys (`keptPlan`), so computing
// it again touches none of its nodes' arguments; each run counts on its own copy of the refcounts
// (`runCounts`), reused from the previous run of the plan when that one has ended.
import {
  ArgKind,
  argKind,
  GraphError,
  visitArgs,
  type Graph,
  type GraphNode,
  type Ref,
  type Task,
} from '@dask-ts/protocol';
import { findRecent, internGraph, KeyIndex } from '@dask-ts/graph';

/** How the loop builds a task's arguments. */
export const enum ArgMode {
  /** A data node: no call. */
  Data = 0,
  /** Each argument is either a top-level reference (a slot) or a value used as it is. */
  Slots = 1,
  /** Something nested (a reference inside an array or object, a `$call`, a `$literal`). */
  Substitute = 2,
  /** As `Slots`, and some arguments are lists of references and values (read from `listSlot`). */
  Lists = 3,
}

/**
 * The flat form of a graph for one compute. Every key has a slot (its position in the graph);
 * `order` lists the slots the compute needs, in execution order. Other arrays are per slot.
 */
export interface SyncPlan {
  /** Canonical key of each slot. */
  readonly keys: string[];
  /** Node of each slot. */
  readonly nodes: GraphNode[];
  /** Slots to run, in a topological order (only what the wanted keys need). */
  readonly order: Int32Array;
  /** Dependency slots of slot s: `deps[depStart[s] .. depStart[s + 1])`, in `node.deps` order. */
  readonly depStart: Int32Array;
  readonly deps: Int32Array;
  /** Dependents that will run, plus one for each time the slot is wanted; released at zero. */
  readonly refcount: Int32Array;
  /** How each slot's arguments are built. */
  readonly mode: Uint8Array;
  /**
   * For `Slots` and `Lists`: argument j of slot s reads slot `argSlot[argStart[s] + j]` (-1: the
   * literal; -2 - i: a list whose item k reads slot `listSlot[i + k]`, -1 for a literal item).
   */
  readonly argStart: Int32Array;
  readonly argSlot: Int32Array;
  readonly listSlot: Int32Array;
  /** Slot of each wanted key, in the order asked. */
  readonly wanted: Int32Array;
  /**
   * What a scheduler derives from the plan and may reuse with it (the sync scheduler's resolved
   * functions); shared by every run of a kept plan.
   */
  readonly memo: { resolved?: unknown; spareCounts?: Int32Array | undefined; programs?: unknown[] };
}

/** The mark of a graph that is never mutated (set by the graph package on kept graphs). */
const SEALED = Symbol.for('dask-ts.sealedGraph');
/** Where a sealed graph made by `delayed` carries its slots (@dask-ts/graph's graph-slots.ts). */
const GRAPH_SLOTS = Symbol.for('dask-ts.graphSlots');
interface GraphSlots {
  readonly keys: readonly string[];
  readonly nodes: readonly GraphNode[];
  readonly depStart: Int32Array;
  readonly deps: Int32Array;
}
/** Where a sealed graph carries its plan, with the wanted keys it was made for. */
const KEPT = Symbol('dask-ts.keptSyncPlan');
interface Kept {
  readonly wanted: readonly string[];
  readonly plan: SyncPlan;
}

/**
 * {@link planGraph}, kept with a sealed graph and reused while the same keys are wanted. The plan
 * may be shared by runs (of this compute and others): a run counts on {@link runCounts}, never on
 * `plan.refcount` itself.
 *
 * @example
 * const plan = keptPlan(graph, ['y']); // a second call with the same sealed graph plans nothing
 */
export function keptPlan(graph: Graph, keys: readonly string[]): SyncPlan {
  const holder = graph as { [SEALED]?: unknown; [KEPT]?: Kept };
  if (holder[SEALED] !== true) return planGraph(graph, keys);
  const hit = holder[KEPT];
  if (hit !== undefined && sameKeys(hit.wanted, keys)) return hit.plan;
  const plan = planGraph(graph, keys);
  holder[KEPT] = { wanted: keys.slice(), plan };
  return plan;
}

/**
 * A copy of `plan`'s refcounts for one run to count down: the copy the plan's last run gave back
 * with {@link returnCounts} (refilled), else a new one.
 *
 * @example
 * const counts = runCounts(plan); // ...run...; returnCounts(plan, counts);
 */
export function runCounts(plan: SyncPlan): Int32Array {
  const memo = plan.memo;
  const spare = memo.spareCounts;
  if (spare === undefined) return plan.refcount.slice();
  memo.spareCounts = undefined;
  spare.set(plan.refcount);
  return spare;
}

/** Gives back the counts of a run that has ended, for the plan's next run. */
export function returnCounts(plan: SyncPlan, counts: Int32Array): void {
  plan.memo.spareCounts = counts;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const ON_STACK = 1;
const DONE = 2;
const MISSING = -1;

/**
 * Validates, culls and interns `graph` for the wanted `keys`. `priorities` (smaller first, as
 * from `order()`) chooses which dependency branch is walked first.
 *
 * @example
 * const plan = planGraph(new Map([['x', data(1)]]), ['x']);
 */
export function planGraph(
  graph: Graph,
  keys: readonly string[],
  priorities?: ReadonlyMap<string, number>,
): SyncPlan {
  const { slotKeys, nodes, depStart, deps, index } = slotsOf(graph) ?? interned(graph);
  const n = slotKeys.length;
  const mode = new Uint8Array(n);
  const argStart = new Int32Array(n + 1);
  let argCount = 0;
  for (let i = 0; i < n; i++) {
    argStart[i] = argCount;
    const node = nodes[i];
    if (node.kind === 'task') argCount += node.args.length;
  }
  argStart[n] = argCount;
  const slotOf = (k: string): number | undefined => index.get(k);

  const wanted = new Int32Array(keys.length);
  const found = findRecent(slotKeys, 0, n, keys, index);
  for (let i = 0; i < keys.length; i++) {
    const slot = found[i];
    if (slot === undefined) throw GraphError.missingWanted(keys[i]);
    wanted[i] = slot;
  }

  const prio =
    priorities === undefined ? undefined : slotPriorities(priorities, (k) => slotOf(k), n);
  const order = walk(nodes, slotKeys, depStart, deps, wanted, prio);

  const refcount = new Int32Array(n);
  const argSlot = new Int32Array(argCount);
  const lists: number[] = [];
  for (let i = 0; i < order.length; i++) {
    const t = order[i];
    for (let j = depStart[t], end = depStart[t + 1]; j < end; j++) refcount[deps[j]]++;
    const node = nodes[t];
    if (node.kind === 'task')
      mode[t] = slotArgs(node, deps, depStart[t], argSlot, argStart[t], lists);
  }
  for (let i = 0; i < wanted.length; i++) refcount[wanted[i]]++;
  return {
    keys: slotKeys,
    nodes,
    order,
    depStart,
    deps,
    refcount,
    mode,
    argStart,
    argSlot,
    listSlot: Int32Array.from(lists),
    wanted,
    memo: {},
  };
}

/** The graph's keys, nodes and dependency slots (-1: a key not in the graph), with its key index. */
interface Interned {
  readonly slotKeys: string[];
  readonly nodes: GraphNode[];
  readonly depStart: Int32Array;
  readonly deps: Int32Array;
  readonly index: KeyIndex;
}

/** The slots a sealed graph carries (see @dask-ts/graph's graph-slots.ts), when it does. */
function slotsOf(graph: Graph): Interned | undefined {
  if ((graph as { [SEALED]?: unknown })[SEALED] !== true) return undefined;
  const slots = (graph as { [GRAPH_SLOTS]?: GraphSlots })[GRAPH_SLOTS];
  if (slots === undefined || slots.keys.length !== graph.size) return undefined;
  const index = new KeyIndex(slots.keys);
  index.size = slots.keys.length;
  return {
    slotKeys: slots.keys as string[],
    nodes: slots.nodes as GraphNode[],
    depStart: slots.depStart,
    deps: slots.deps,
    index,
  };
}

/** The graph read from the Map by the graph interner. */
function interned(graph: Graph): Interned {
  const g = internGraph(graph);
  return { slotKeys: g.keys, nodes: g.nodes, depStart: g.depStart, deps: g.deps, index: g.index };
}

/** Depth-first post-order from the wanted slots; throws on a missing dependency or a cycle. */
function walk(
  nodes: GraphNode[],
  keys: string[],
  depStart: Int32Array,
  deps: Int32Array,
  wanted: Int32Array,
  prio: Float64Array | undefined,
): Int32Array {
  const n = nodes.length;
  const state = new Uint8Array(n);
  const order = new Int32Array(n);
  const stack = new Int32Array(n);
  const pos = new Int32Array(n);
  let steps = 0;
  for (let w = 0; w < wanted.length; w++) {
    const root = wanted[w];
    if (state[root] !== 0) continue;
    let top = 0;
    stack[0] = root;
    pos[0] = 0;
    state[root] = ON_STACK;
    const children = prio === undefined ? undefined : new Map<number, Int32Array>();
    while (top >= 0) {
      const t = stack[top];
      const start = depStart[t];
      const p = pos[top];
      if (start + p < depStart[t + 1]) {
        pos[top] = p + 1;
        const d =
          children === undefined
            ? deps[start + p]
            : sortedChildren(children, t, deps, depStart, prio!)[p];
        if (d === MISSING) throw missingDependency(nodes[t] as Task, keys[t], deps, start);
        const st = state[d];
        if (st === 0) {
          state[d] = ON_STACK;
          stack[++top] = d;
          pos[top] = 0;
        } else if (st === ON_STACK) {
          const cycle: string[] = [];
          for (let i = stack.indexOf(d); i <= top; i++) cycle.push(keys[stack[i]]);
          throw GraphError.cycle(cycle);
        }
      } else {
        state[t] = DONE;
        order[steps++] = t;
        top--;
      }
    }
  }
  return order.subarray(0, steps);
}

function missingDependency(node: Task, key: string, deps: Int32Array, start: number): GraphError {
  let i = 0;
  while (deps[start + i] !== MISSING) i++;
  const d = node.deps[i];
  return GraphError.missingDependency(key, d);
}

function slotPriorities(
  priorities: ReadonlyMap<string, number>,
  slotOf: (key: string) => number | undefined,
  n: number,
): Float64Array {
  const prio = new Float64Array(n);
  for (const [k, p] of priorities) {
    const s = slotOf(k);
    if (s !== undefined) prio[s] = p;
  }
  return prio;
}

function sortedChildren(
  cache: Map<number, Int32Array>,
  t: number,
  deps: Int32Array,
  depStart: Int32Array,
  prio: Float64Array,
): Int32Array {
  let c = cache.get(t);
  if (c === undefined) {
    c = deps.slice(depStart[t], depStart[t + 1]);
    if (c.length > 1) c.sort((x, y) => (x < 0 ? -1 : y < 0 ? 1 : prio[x] - prio[y]));
    cache.set(t, c);
  }
  return c;
}

/** Dependencies past which a miss of the in-order guess builds a key map instead of scanning. */
const SCAN_LIMIT = 8;

/**
 * Fills the argument slots of a task from its dependency slots (`node.deps[i]` is at
 * `depSlots[at + i]`): `Slots` when every argument is a reference or a value, `Lists` when some
 * are lists of references and values (their items' slots appended to `lists`), `Substitute` when
 * something else needs `substitute`. Linear in the arguments: a reference is first looked for
 * right after the previous one's dependency (arguments usually read their dependencies in order),
 * then by a scan of a few dependencies or in a map of many.
 */
function slotArgs(
  node: Task,
  depSlots: Int32Array,
  at: number,
  out: Int32Array,
  outAt: number,
  lists: number[],
): ArgMode {
  const args = node.args;
  const finder: DepFinder = { deps: node.deps, next: 0, byKey: undefined };
  const listsAt = lists.length;
  let mode = ArgMode.Slots;
  for (let j = 0; j < args.length; j++) {
    const v = args[j];
    const k = typeof v !== 'object' || v === null ? ArgKind.Value : argKind(v);
    if (k === ArgKind.Value) {
      out[outAt + j] = -1;
    } else if (k === ArgKind.Ref) {
      const d = findDep(finder, (v as Ref).$ref);
      if (d < 0) return restore(lists, listsAt);
      out[outAt + j] = depSlots[at + d]!;
    } else if (k !== ArgKind.Literal && !visitArgs(v, STOP_AT_ANY)) {
      out[outAt + j] = -1; // a container without refs, calls or literals: used as it is
    } else if (k === ArgKind.Array) {
      // A list of references and values (a fan-in, a combine's inputs): its items' slots.
      const items = v as readonly unknown[];
      out[outAt + j] = -2 - lists.length;
      for (const item of items) {
        const ik = typeof item !== 'object' || item === null ? ArgKind.Value : argKind(item);
        if (ik === ArgKind.Ref) {
          const d = findDep(finder, (item as Ref).$ref);
          if (d < 0) return restore(lists, listsAt);
          lists.push(depSlots[at + d]);
        } else if (ik !== ArgKind.Literal && !visitArgs(item, STOP_AT_ANY)) {
          lists.push(-1);
        } else return restore(lists, listsAt);
      }
      mode = ArgMode.Lists;
    } else {
      return restore(lists, listsAt);
    }
  }
  return mode;
}

/** Drops the list slots a task appended before it turned out to need `substitute`. */
function restore(lists: number[], length: number): ArgMode {
  lists.length = length;
  return ArgMode.Substitute;
}

/** Finding a task's references among its dependencies, in order as a rule. */
interface DepFinder {
  readonly deps: readonly string[];
  next: number;
  byKey: Map<string, number> | undefined;
}

/** The index in `f.deps` of the dependency `r` (-1: none), looked for right after the last found. */
function findDep(f: DepFinder, r: string): number {
  const deps = f.deps;
  let d: number | undefined = f.next;
  if (deps[d] !== r) {
    if (deps.length <= SCAN_LIMIT) {
      d = 0;
      while (d < deps.length && deps[d] !== r) d++;
    } else {
      if (f.byKey === undefined) {
        f.byKey = new Map();
        for (let i = deps.length - 1; i >= 0; i--) f.byKey.set(deps[i], i);
      }
      d = f.byKey.get(r);
    }
    if (d === undefined || d === deps.length) return -1;
  }
  f.next = d + 1;
  return d;
}

/** Stops a walk at the first reference, inline call or literal wrapper. */
const STOP_AT_ANY = { ref: () => true, call: () => true, literal: () => true } as const;
