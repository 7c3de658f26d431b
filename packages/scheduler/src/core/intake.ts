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
// Resolving dependencies first checks depth-first post-order (how `delayed` lays out a graph; see
// predict.ts), then tries the id after the previous dependency's, then that id again: collections
// list a layer's inputs in the order their tasks were added (partition i reads partitions 2i and
// 2i+1, or partition i of the layer before). So most dependencies resolve with one string
// comparison and the key index (key-index.ts) is not built at all. The few misses are found after
// the pass, with one scan of the table against a small map of them. Wanted keys are looked up
// among the last keys added (outputs usually come last) before falling back to the index.
// This is the one place that keeps its own inlined copy of the graph interner's prediction
// (@dask-ts/graph's interner.ts, which graph-index and the sync plan use): through the interner's
// `DepPredictor` object, a submit of 400k tasks measured 1.33x slower (intake +46 %), so the core
// keeps this loop until the shared predictor is as cheap.
import { GraphError, type Graph } from '@dask-ts/protocol';
import { postOrder } from './predict.js';
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
  const index = t.index;
  for (const k of wantedKeys) {
    if (!graph.has(k) && !index.has(k)) return GraphError.missingWanted(k);
  }
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
  // One pass over the graph: append each new key and resolve its dependencies (counting the
  // dependents of new tasks). A dependency the prediction misses (a key that comes later in the
  // graph, or one far from the previous) is resolved after the pass (`forward`: its place in
  // `deps`, its task, its key).
  const dtCount = t.dtCount;
  const keys = t.keys;
  const oldEdges: number[] = [];
  const forward: number[] = [];
  const forwardKeys: string[] = [];
  let guess = base - 1; // predictions start at the first new id
  // Where the previous two new tasks' dependencies start in `deps`, and how many they have.
  let prevAt = 0;
  let prevLen = -1;
  let prev2At = 0;
  let prev2Len = -1;
  const lo = new Int32Array(graph.size); // subtree starts, for post-order prediction (predict.ts)
  for (const [key, node] of graph) {
    if (!fresh && index.has(key)) continue;
    const id = t.add(key, node);
    dtCount[id] = 0;
    lo[id - base] = id;
    t.depStart[id] = t.depsLen;
    if (node.kind !== 'task' || node.deps.length === 0) {
      t.depCount[id] = 0;
      continue;
    }
    const ds = node.deps;
    if (t.depsLen + ds.length > t.deps.length) t.reserveDeps(t.depsLen + ds.length);
    const deps = t.deps;
    const len = ds.length;
    const at = t.depsLen;
    // The previous new task's inputs (and the one's before it), for stride predictions.
    const lastAt = prevAt;
    const lastLen = prevLen;
    const beforeAt = prev2At;
    const beforeLen = prev2Len;
    prev2At = lastAt;
    prev2Len = lastLen;
    prevAt = at;
    prevLen = len;
    if (postOrder(keys, ds, id, lo, base, base, deps, at)) {
      for (let i = 0; i < len; i++) dtCount[deps[at + i]]++;
      lo[id - base] = lo[deps[at] - base]!;
      t.depCount[id] = len;
      t.depsLen += len;
      guess = id - 1;
      continue;
    }
    const size = t.size;
    const stride = lastLen === len;
    const stride2 = stride && beforeLen === len;
    let j = at;
    for (let i = 0; i < len; i++) {
      const dk = ds[i];
      const g = guess + 1;
      let d: number | undefined;
      if (g < size && keys[g] === dk) d = g;
      else {
        if (stride) {
          // Layers made in order: input i sits one stride after the previous task's input i (or
          // two after the one's before, when the previous one's is not known yet).
          const b = deps[lastAt + i];
          const c = stride2 ? deps[beforeAt + i] : -1;
          const p = b >= 0 ? (c >= 0 ? 2 * b - c : b + 1) : c >= 0 ? c + 2 : -1;
          if (p >= 0 && p < size && keys[p] === dk) d = p;
          // Right after a wrap-around the two-step stride is wrong; a unit stride may still hold.
          else if (c >= 0 && b >= 0 && b + 1 < size && keys[b + 1] === dk) d = b + 1;
        }
        d ??= guess >= 0 && keys[guess] === dk ? guess : index.current ? index.get(dk) : undefined;
      }
      if (d === undefined) {
        forward.push(j, id);
        forwardKeys.push(dk);
        deps[j++] = -1;
        continue;
      }
      guess = d;
      deps[j++] = d;
      if (d >= base) dtCount[d]++;
      else oldEdges.push(d, id);
    }
    t.depCount[id] = ds.length;
    t.depsLen = j;
  }
  const end = t.size;
  const n = end - base;
  const found = findKeys(t, forwardKeys, fresh);
  for (let f = 0; f < forwardKeys.length; f++) {
    const dk = forwardKeys[f];
    const d = found[f];
    const id = forward[2 * f + 1];
    if (d === undefined) {
      return fail(GraphError.missingDependency(keys[id], dk));
    }
    t.deps[forward[2 * f]] = d;
    if (d >= base) dtCount[d]++;
    else oldEdges.push(d, id);
  }
  // Dependents CSR for the new block.
  let off = t.dependentsLen;
  for (let id = base; id < end; id++) {
    t.dtStart[id] = off;
    off += dtCount[id];
    dtCount[id] = 0;
  }
  t.reserveDependents(off);
  const dl = t.dependents;
  const deps = t.deps;
  for (let id = base; id < end; id++) {
    const s = t.depStart[id];
    const e = s + t.depCount[id];
    for (let j = s; j < e; j++) {
      const d = deps[j];
      if (d >= base) dl[t.dtStart[d] + dtCount[d]++] = id;
    }
  }
  t.dependentsLen = off;
  // Depth-first post-order: from the wanted keys first (the needed tasks), then from every other
  // new task in insertion order. mark: 0 unvisited, 1 on the stack, 2 ranked.
  const wanted = wantedIds(t, wantedKeys, base);
  const order = new Int32Array(n);
  const mark = new Uint8Array(n);
  const stackId = new Int32Array(n);
  const stackPos = new Int32Array(n);
  const oldDeps: number[] = [];
  let ranked = 0;
  let neededCount = -1;
  const depStart = t.depStart;
  const depCount = t.depCount;
  const roots = wanted.length + n;
  for (let r = 0; r < roots; r++) {
    if (r === wanted.length) neededCount = ranked;
    const root = r < wanted.length ? wanted[r] : base + (r - wanted.length);
    if (root < base || mark[root - base] !== 0) continue;
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
          if (neededCount < 0) oldDeps.push(d);
          continue;
        }
        const m = mark[d - base];
        if (m === 2) continue;
        if (m === 1) return fail(cycleError(t, stackId, sp, d));
        mark[d - base] = 1;
        stackId[++sp] = d;
        stackPos[sp] = 0;
      } else {
        mark[id - base] = 2;
        order[ranked++] = id;
        sp--;
      }
    }
  }
  if (neededCount < 0) neededCount = ranked;
  const prio0 = t.nextPrio;
  if (priorities === undefined) {
    for (let i = 0; i < n; i++) t.prio[order[i]] = prio0 + i;
  } else {
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
 * The ids of `keys` (undefined: not in the table). In a fresh table, a few keys are found with one
 * pass over the table against a small map of them (the table's key strings have their hashes
 * cached by the graph's Map), which is much cheaper than building the key index; many keys, or a
 * table that held keys before this submit, use the index.
 */
function findKeys(t: TaskTable, keys: readonly string[], fresh: boolean): (number | undefined)[] {
  if (keys.length === 0) return [];
  // A table that was not empty has its index in use already (each new key was looked up in it):
  // catching it up costs only the keys added since, where a scan would cost the whole table on
  // every submit (many small computes into a long-lived core).
  if (!fresh || t.index.current || 8 * keys.length >= t.size)
    return keys.map((k) => t.index.get(k));
  const at = new Map<string, number>();
  for (const k of keys) at.set(k, -1);
  let left = at.size;
  const all = t.keys;
  for (let id = 0; id < t.size && left > 0; id++) {
    if (at.get(all[id]) === -1) {
      at.set(all[id], id);
      left--;
    }
  }
  return keys.map((k) => {
    const id = at.get(k)!;
    return id >= 0 ? id : undefined;
  });
}

/** The ids of the wanted keys, each once: among the last new keys first, then in the index. */
function wantedIds(t: TaskTable, wantedKeys: readonly string[], base: number): Int32Array {
  const tail = new Map<string, number>();
  const from = Math.max(base, t.size - wantedKeys.length - 16);
  for (let id = from; id < t.size; id++) tail.set(t.keys[id], id);
  const seen = new Set<number>();
  for (const k of wantedKeys) seen.add(tail.get(k) ?? t.index.get(k)!);
  return Int32Array.from(seen);
}

/** The DFS stack from `d`'s entry up to the top is the cycle: each key depends on the next. */
function cycleError(t: TaskTable, stackId: Int32Array, sp: number, d: number): GraphError {
  let i = sp;
  while (stackId[i] !== d) i--;
  const cycle: string[] = [];
  for (let j = i; j <= sp; j++) cycle.push(t.keys[stackId[j]]);
  return GraphError.cycle(cycle);
}
