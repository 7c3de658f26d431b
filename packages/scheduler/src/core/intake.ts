// Taking in a submitted graph, in O(nodes + edges) and without recursion: intern the new keys,
// resolve every dependency to an id (refusing a missing one), lay out the new tasks' dependencies
// and dependents in CSR form, and run Kahn's algorithm over the new tasks to refuse a cycle
// (naming it). Known keys keep their node; old tasks cannot depend on new ones, so only new tasks
// can close a cycle. On refusal everything added is rolled back.
import { GraphError, type Graph } from '@dask-ts/protocol';
import type { TaskTable } from './task-table.js';

/** Adds the new nodes of `graph` to `t`; returns the wanted ids or the refusal. */
export function intake(
  t: TaskTable,
  graph: Graph,
  wanted: readonly string[],
  gen: number,
  priorities: ReadonlyMap<string, number> | undefined,
): Int32Array | GraphError {
  for (const k of wanted) {
    if (!graph.has(k) && !t.index.has(k)) {
      return new GraphError(`Wanted key ${k} is not in the graph`, [k]);
    }
  }
  const base = t.size;
  const depsLen0 = t.depsLen;
  const dependentsLen0 = t.dependentsLen;
  t.reserve(base + graph.size);
  let order = 0;
  const fresh = base === 0; // an empty table: every key is new (a Map's keys are unique)
  for (const [key, node] of graph) {
    if (!fresh && t.index.has(key)) continue;
    const id = t.add(key, node);
    t.gen[id] = gen;
    const p = priorities?.get(key);
    t.prio[id] = p ?? order;
    order++;
  }
  const end = t.size;
  const n = end - base;
  const indeg = new Int32Array(n);
  const oldEdges: number[] = [];
  const fail = (e: GraphError): GraphError => {
    t.truncate(base);
    t.depsLen = depsLen0;
    t.dependentsLen = dependentsLen0;
    return e;
  };
  // Dependencies, and counts of dependents among the new tasks.
  const index = t.index;
  for (let id = base; id < end; id++) {
    const node = t.nodes[id]!;
    t.depStart[id] = t.depsLen;
    t.dtCount[id] = 0;
    if (node.kind !== 'task' || node.deps.length === 0) {
      t.depCount[id] = 0;
      continue;
    }
    const ds = node.deps;
    t.reserveDeps(t.depsLen + ds.length);
    const deps = t.deps;
    let j = t.depsLen;
    for (let i = 0; i < ds.length; i++) {
      const d = index.get(ds[i]!);
      if (d === undefined) {
        return fail(new GraphError(`Task ${t.keys[id]} depends on missing key ${ds[i]}`, [t.keys[id]!, ds[i]!]));
      }
      deps[j++] = d;
      if (d >= base) {
        indeg[id - base]++;
        t.dtCount[d]++;
      } else oldEdges.push(d, id);
    }
    t.depCount[id] = ds.length;
    t.depsLen = j;
  }
  // Dependents CSR for the new block.
  let off = t.dependentsLen;
  for (let id = base; id < end; id++) {
    t.dtStart[id] = off;
    off += t.dtCount[id]!;
    t.dtCount[id] = 0;
  }
  t.reserveDependents(off);
  const dl = t.dependents;
  const deps = t.deps;
  for (let id = base; id < end; id++) {
    const s = t.depStart[id]!;
    const e = s + t.depCount[id]!;
    for (let j = s; j < e; j++) {
      const d = deps[j]!;
      if (d >= base) dl[t.dtStart[d]! + t.dtCount[d]!++] = id;
    }
  }
  t.dependentsLen = off;
  // Kahn's algorithm over the new tasks.
  const queue = new Int32Array(n);
  let qh = 0;
  let qt = 0;
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue[qt++] = i + base;
  while (qh < qt) {
    const id = queue[qh++]!;
    const s = t.dtStart[id]!;
    const e = s + t.dtCount[id]!;
    for (let j = s; j < e; j++) {
      const d = dl[j]! - base;
      if (--indeg[d] === 0) queue[qt++] = d + base;
    }
  }
  if (qt < n) return fail(cycleError(t, base, indeg));
  for (let i = 0; i < oldEdges.length; i += 2) {
    const d = oldEdges[i]!;
    const list = t.extraDependents.get(d);
    if (list === undefined) t.extraDependents.set(d, [oldEdges[i + 1]!]);
    else list.push(oldEdges[i + 1]!);
  }
  const seen = new Set<number>();
  for (const k of wanted) seen.add(index.get(k)!);
  return Int32Array.from(seen);
}

/** Every task left with `indeg > 0` depends on another such task: walk until a key repeats. */
function cycleError(t: TaskTable, base: number, indeg: Int32Array): GraphError {
  let start = 0;
  while (indeg[start] === 0) start++;
  const pos = new Map<number, number>();
  const path: number[] = [];
  let u = start + base;
  while (!pos.has(u)) {
    pos.set(u, path.length);
    path.push(u);
    const s = t.depStart[u]!;
    const e = s + t.depCount[u]!;
    let next = -1;
    for (let j = s; j < e; j++) {
      const d = t.deps[j]!;
      if (d >= base && indeg[d - base]! > 0) {
        next = d;
        break;
      }
    }
    u = next;
  }
  const cycle = path.slice(pos.get(u)!).map((id) => t.keys[id]!);
  const shown = [...cycle, cycle[0]!].join(' -> ');
  return new GraphError(`Graph has a cycle: ${shown} (each key depends on the next)`, cycle);
}
