// Taking in a submitted graph, in O(nodes + edges) and without recursion: append each new key once
// (one index lookup per key; none on an empty table, whose keys are all new), resolve each
// dependency string once (refusing a missing one), lay out the new tasks' dependencies and
// dependents in CSR form (in any insertion order: a task may come before its dependencies), and
// rank the new tasks by an iterative depth-first post-order from the wanted keys (dependencies
// before dependents, in argument order, so one branch finishes before the next starts), which
// also finds a cycle (the DFS stack names it). Known keys keep their node and rank; old tasks
// cannot depend on new ones, so only new tasks can close a cycle. Ranks are global and increasing
// across submits, so the ready heap runs earlier computes first with one comparison. Explicit
// `priorities` (smaller first) replace the post-order among the new tasks. On refusal everything
// added is rolled back.
//
// Resolving dependencies is the graph interner's (@dask-ts/graph's interner.ts): predicted, each
// prediction checked with one string comparison, so the key index is rarely built; the misses
// (a key that comes later in the graph, or one far from where it was predicted) are found after
// the pass. Wanted keys are looked up among the last keys added (outputs usually come last)
// before falling back to the index. The task table keeps one predictor for every submit: a fresh
// one per submit made V8 throw away the compiled intake on every compute (its code depended on
// the dead predictor's objects), which cost a third of a large submit's time.
import { GraphError, type Graph } from '@dask-ts/protocol';
import { findKeys, findRecent } from '@dask-ts/graph';
import type { TaskTable } from './task-table.js';

/** What {@link intake} returns: wanted ids, and the new tasks the wanted keys need, dependencies first. */
export interface Intake {
  readonly wanted: Int32Array;
  /** New tasks reachable from the wanted keys, in rank order (a topological order). */
  readonly needed: Int32Array;
  /** Old (already known) tasks that new needed tasks depend on directly. */
  readonly oldDeps: readonly number[];
}

/** Adds the new nodes of `graph` to `t`; returns what the submit needs, or the refusal. */
export function intake(
  t: TaskTable,
  graph: Graph,
  wantedKeys: readonly string[],
  priorities: ReadonlyMap<string, number> | undefined,
): Intake | GraphError {
  // Each hot loop is a function of its own that returns right after it: V8 compiles a hot loop on
  // the spot (on-stack replacement) before the code after it has ever run, and reuses that code
  // on later calls, where it bails out at the first statement past the loop.
  const index = t.index;
  const notThere = missingWanted(graph, index, wantedKeys);
  if (notThere !== undefined) return GraphError.missingWanted(notThere);
  const base = t.size;
  const depsLen0 = t.depsLen;
  const dependentsLen0 = t.dependentsLen;
  t.reserve(base + graph.size);
  const fresh = base === 0; // an empty table: every key is new (a Map's keys are unique)
  const fail = (e: GraphError): GraphError => {
    t.truncate(base);
    t.depsLen = depsLen0;
    t.dependentsLen = dependentsLen0;
    return e;
  };
  const oldEdges: number[] = [];
  const predictor = t.predictor;
  predictor.reset(t.keys, index, base, graph.size);
  appendNodes(t, graph, fresh, oldEdges);
  const end = t.size;
  const n = end - base;
  const missing = resolveMisses(t, base, fresh, oldEdges);
  if (missing !== undefined) return fail(missing);
  t.dependentsLen = dependentStarts(t, base, end);
  t.reserveDependents(t.dependentsLen);
  fillDependents(t, base, end);
  // Depth-first post-order: from the wanted keys first (the needed tasks), then from every other
  // new task in insertion order.
  const wanted = wantedIds(t, wantedKeys, base);
  const order = new Int32Array(n);
  const oldDeps: number[] = [];
  const cycle: { error?: GraphError } = {};
  const neededCount = rankNew(t, wanted, base, order, oldDeps, cycle);
  if (cycle.error !== undefined) return fail(cycle.error);
  const prio0 = t.nextPrio;
  if (priorities === undefined) rankAsPriority(t.prio, order, prio0);
  else {
    // Explicit priorities among the new tasks (ties: insertion order).
    const ids = Array.from({ length: n }, (_, i) => base + i);
    const p = ids.map((id) => priorities.get(t.keys[id]) ?? id - base);
    const byPrio = ids.map((_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
    for (let r = 0; r < n; r++) t.prio[base + byPrio[r]] = prio0 + r;
  }
  t.nextPrio = prio0 + n;
  for (let i = 0; i < oldEdges.length; i += 2) {
    const d = oldEdges[i];
    const list = t.extraDependents.get(d);
    if (list === undefined) t.extraDependents.set(d, [oldEdges[i + 1]]);
    else list.push(oldEdges[i + 1]);
  }
  return { wanted, needed: order.subarray(0, neededCount), oldDeps };
}

/**
 * One pass over the graph: appends each new key and resolves its dependencies through the
 * table's predictor (counting the dependents of new tasks in `dtCount`, and recording edges from
 * old tasks in `oldEdges`); the predictor records the misses.
 */
function appendNodes(t: TaskTable, graph: Graph, fresh: boolean, oldEdges: number[]): void {
  const index = t.index;
  const dtCount = t.dtCount;
  const predictor = t.predictor;
  const base = t.size;
  for (const [key, node] of graph) {
    if (!fresh && index.has(key)) continue;
    const id = t.add(key, node);
    if (node.placement !== undefined) t.placed[id] = 1;
    dtCount[id] = 0;
    t.depStart[id] = t.depsLen;
    if (node.kind !== 'task' || node.deps.length === 0) {
      t.depCount[id] = 0;
      continue;
    }
    const ds = node.deps;
    if (t.depsLen + ds.length > t.deps.length) t.reserveDeps(t.depsLen + ds.length);
    const deps = t.deps;
    const at = t.depsLen;
    const len = predictor.resolve(id, ds, deps, at, t.size);
    for (let j = at; j < at + len; j++) {
      const d = deps[j];
      if (d >= base) dtCount[d]++;
      else if (d >= 0) oldEdges.push(d, id);
    }
    t.depCount[id] = len;
    t.depsLen = at + len;
  }
}

/** Finds the dependencies the predictor missed; returns the refusal for one that is nowhere. */
function resolveMisses(
  t: TaskTable,
  base: number,
  fresh: boolean,
  oldEdges: number[],
): GraphError | undefined {
  const p = t.predictor;
  const missed = p.missedKeys;
  if (missed.length === 0) return undefined;
  // A table that was not empty has its index in use already (each new key was looked up in it):
  // catching it up costs only the keys added since, where a scan would cost the whole table on
  // every submit (many small computes into a long-lived core).
  const found = findKeys(t.keys, t.size, missed, t.index, !fresh);
  for (let f = 0; f < missed.length; f++) {
    const d = found[f];
    const id = p.missedTask[f];
    if (d === undefined) return GraphError.missingDependency(t.keys[id], missed[f]);
    t.deps[p.missedAt[f]] = d;
    if (d >= base) t.dtCount[d]++;
    else oldEdges.push(d, id);
  }
  return undefined;
}

/** Where each new task's dependents start (CSR offsets from the counts); returns the end. */
function dependentStarts(t: TaskTable, base: number, end: number): number {
  const dtStart = t.dtStart;
  const dtCount = t.dtCount;
  let off = t.dependentsLen;
  for (let id = base; id < end; id++) {
    dtStart[id] = off;
    off += dtCount[id];
    dtCount[id] = 0;
  }
  return off;
}

/** Writes each new task's dependents (those among the new tasks) into the CSR. */
function fillDependents(t: TaskTable, base: number, end: number): void {
  const dl = t.dependents;
  const deps = t.deps;
  const depStart = t.depStart;
  const depCount = t.depCount;
  const dtStart = t.dtStart;
  const dtCount = t.dtCount;
  for (let id = base; id < end; id++) {
    const s = depStart[id];
    const e = s + depCount[id];
    for (let j = s; j < e; j++) {
      const d = deps[j];
      if (d >= base) dl[dtStart[d] + dtCount[d]++] = id;
    }
  }
}

/** The state of one `rankNew` pass: marks (0 unvisited, 1 on the stack, 2 ranked), its stack. */
interface Ranking {
  readonly t: TaskTable;
  readonly base: number;
  readonly order: Int32Array;
  readonly mark: Uint8Array;
  readonly stackId: Int32Array;
  readonly stackPos: Int32Array;
  ranked: number;
  /** Old tasks the ranked ones depend on, while ranking from the wanted keys; then undefined. */
  oldDeps: number[] | undefined;
  readonly cycle: { error?: GraphError };
}

/**
 * Ranks the new tasks by an iterative depth-first post-order, from the wanted ones first, into
 * `order`; returns how many of them the wanted keys need (the rest follow). Old tasks the needed
 * ones depend on go to `oldDeps`; a cycle is reported in `cycle.error`. Each loop over the roots
 * is a function of its own that returns right after it (see `intake`): one loop over both kinds
 * of roots, compiled on the spot during a 20,000-key submit before the second kind had run, bailed
 * out there on every later one-key submit.
 */
function rankNew(
  t: TaskTable,
  wanted: Int32Array,
  base: number,
  order: Int32Array,
  oldDeps: number[],
  cycle: { error?: GraphError },
): number {
  const n = order.length;
  const r: Ranking = {
    t,
    base,
    order,
    mark: new Uint8Array(n),
    stackId: new Int32Array(n),
    stackPos: new Int32Array(n),
    ranked: 0,
    oldDeps,
    cycle,
  };
  if (!rankFromWanted(r, wanted)) return 0;
  const neededCount = r.ranked;
  r.oldDeps = undefined;
  if (!rankFromRest(r, n)) return 0;
  return neededCount;
}

/** Ranks from each wanted key that is a new task; false on a cycle. */
function rankFromWanted(r: Ranking, wanted: Int32Array): boolean {
  for (let i = 0; i < wanted.length; i++) if (!rankFrom(r, wanted[i])) return false;
  return true;
}

/** Ranks from every new task not ranked yet, in insertion order; false on a cycle. */
function rankFromRest(r: Ranking, n: number): boolean {
  for (let i = 0; i < n; i++) if (!rankFrom(r, r.base + i)) return false;
  return true;
}

/** The depth-first post-order from `root` (nothing when it is old or marked); false on a cycle. */
function rankFrom(r: Ranking, root: number): boolean {
  const { t, base, order, mark, stackId, stackPos, oldDeps } = r;
  if (root < base || mark[root - base] !== 0) return true;
  const deps = t.deps;
  const depStart = t.depStart;
  const depCount = t.depCount;
  let ranked = r.ranked;
  let sp = 0;
  stackId[0] = root;
  stackPos[0] = 0;
  mark[root - base] = 1;
  while (sp >= 0) {
    const id = stackId[sp];
    const p = stackPos[sp];
    if (p < depCount[id]) {
      stackPos[sp] = p + 1;
      const d = deps[depStart[id] + p];
      if (d < base) {
        oldDeps?.push(d);
        continue;
      }
      const m = mark[d - base];
      if (m === 2) continue;
      if (m === 1) {
        r.cycle.error = cycleError(t, stackId, sp, d);
        return false;
      }
      mark[d - base] = 1;
      stackId[++sp] = d;
      stackPos[sp] = 0;
    } else {
      mark[id - base] = 2;
      order[ranked++] = id;
      sp--;
    }
  }
  r.ranked = ranked;
  return true;
}

/** Gives the tasks in `order` increasing priorities from `prio0`. */
function rankAsPriority(prio: Int32Array, order: Int32Array, prio0: number): void {
  for (let i = 0; i < order.length; i++) prio[order[i]] = prio0 + i;
}

/**
 * The ids of the wanted keys, each once: among the last new keys first, then in the index. Ids
 * that increase (keys wanted in table order, as a `map`'s are) are distinct already.
 */
function wantedIds(t: TaskTable, wantedKeys: readonly string[], base: number): Int32Array {
  const ids = findRecent(t.keys, base, t.size, wantedKeys, t.index) as number[];
  if (increasing(ids)) return Int32Array.from(ids);
  const seen = new Set<number>();
  for (const id of ids) seen.add(id);
  return Int32Array.from(seen);
}

/** Whether each id is larger than the one before it (a loop of its own: see `intake`). */
function increasing(ids: readonly number[]): boolean {
  for (let i = 1; i < ids.length; i++) if (!(ids[i] > ids[i - 1])) return false;
  return true;
}

/** The DFS stack from `d`'s entry up to the top is the cycle: each key depends on the next. */
function cycleError(t: TaskTable, stackId: Int32Array, sp: number, d: number): GraphError {
  let i = sp;
  while (stackId[i] !== d) i--;
  const cycle: string[] = [];
  for (let j = i; j <= sp; j++) cycle.push(t.keys[stackId[j]]);
  return GraphError.cycle(cycle);
}

/** The first of `wanted` neither in `graph` nor in `index` (a loop of its own: see `intake`). */
function missingWanted(
  graph: Graph,
  index: { has(key: string): boolean },
  wanted: readonly string[],
): string | undefined {
  for (const k of wanted) if (!graph.has(k) && !index.has(k)) return k;
  return undefined;
}
