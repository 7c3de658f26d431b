// Static, memory-aware task priorities in the spirit of `dask.order` (smaller runs first). Walk
// depth first from each output (graph sinks, in insertion order), computing a task's dependencies
// before it, so one branch is finished, and its inputs freed, before the next starts. Among a
// task's dependencies the biggest subtree goes first (Sethi-Ullman: the small results are not held
// while the big branch runs). When a task finishes, any dependent that is now ready and would free
// an input (it is that input's last unfinished dependent) runs at once, before the walk resumes.
// Cost: the keys are interned once (one Map insertion per key, one lookup per edge); everything
// after that is typed arrays, with no closure or allocation per task; the result reuses the
// interning Map (key -> index becomes key -> priority), so it costs one lookup per key, not a
// second Map.
import { GraphError, type Graph } from '@dask-ts/protocol';
import { dependentsOf, indexGraph } from './graph-index.js';
import { checkIndex } from './validate.js';

/**
 * Priorities for every key of a graph (0 runs first); sequential execution in this order keeps few
 * results alive at once. Throws `GraphError` on a cycle.
 *
 * @example
 * const p = order(new Map<string, GraphNode>([['a', data(1)], ['b', task(inc, [ref('a')])]])); // Map { a => 0, b => 1 }
 */
export function order(graph: Graph): Map<string, number> {
  const g = indexGraph(graph);
  const n = g.keys.length;
  const { depStart, depList } = g;
  const { start: dependentStart, list: dependentList } = dependentsOf(g);

  // Subtree size estimates (shared inputs counted once per use), in topological order (Kahn).
  const cost = new Float64Array(n);
  const depsLeft = new Int32Array(n);
  const queue = new Int32Array(n);
  let qEnd = 0;
  for (let i = 0; i < n; i++) {
    depsLeft[i] = depStart[i + 1] - depStart[i];
    if (depsLeft[i] === 0) queue[qEnd++] = i;
  }
  for (let q = 0; q < qEnd; q++) {
    const v = queue[q];
    let c = 1;
    for (let p = depStart[v], end = depStart[v + 1]; p < end; p++) c += cost[depList[p]];
    cost[v] = c;
    for (let p = dependentStart[v], end = dependentStart[v + 1]; p < end; p++) {
      const d = dependentList[p];
      if (--depsLeft[d] === 0) queue[qEnd++] = d;
    }
  }
  if (qEnd < n) {
    checkIndex(g);
    throw GraphError.cycle([]);
  }

  // Each task's dependencies, biggest subtree first (ties: insertion order). The index is ours.
  for (let v = 0; v < n; v++) {
    const from = depStart[v];
    const to = depStart[v + 1];
    if (to - from > 1) sortDeps(depList, from, to, cost);
  }

  const prio = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const dependentsLeft = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    depsLeft[i] = depStart[i + 1] - depStart[i];
    dependentsLeft[i] = dependentStart[i + 1] - dependentStart[i];
  }
  const stack = queue; // free again: reused as the walk's stack
  const cursor = new Int32Array(n);
  const work = new Int32Array(n);
  let next = 0;

  for (let root = 0; root < n; root++) {
    if (prio[root] !== -1 || dependentStart[root + 1] !== dependentStart[root]) continue;
    let top = 0;
    stack[0] = root;
    cursor[0] = depStart[root];
    onStack[root] = 1;
    while (top >= 0) {
      const v0 = stack[top];
      let c = cursor[top];
      const end = depStart[v0 + 1];
      while (c < end && prio[depList[c]] !== -1) c++;
      if (c < end) {
        cursor[top] = c + 1;
        const d = depList[c];
        top++;
        stack[top] = d;
        cursor[top] = depStart[d];
        onStack[d] = 1;
        continue;
      }
      cursor[top] = c;
      onStack[v0] = 0;
      top--;
      if (prio[v0] !== -1) continue;
      // Finish v0, then whatever that makes ready and worth running early, transitively.
      prio[v0] = next++;
      let w = 0;
      work[w++] = v0;
      while (w > 0) {
        const v = work[--w];
        for (let p = depStart[v], e = depStart[v + 1]; p < e; p++) dependentsLeft[depList[p]]--;
        const dFrom = dependentStart[v];
        const dTo = dependentStart[v + 1];
        for (let p = dFrom; p < dTo; p++) depsLeft[dependentList[p]]--;
        // Dependents that became ready, and inputs now down to one unfinished dependent.
        for (let p = dTo - 1; p >= dFrom; p--) {
          const d = dependentList[p];
          if (runsEarly(d, prio, depsLeft, onStack, depStart, depList, dependentsLeft)) {
            prio[d] = next++;
            work[w++] = d;
          }
        }
        for (let p = depStart[v], e = depStart[v + 1]; p < e; p++) {
          const x = depList[p];
          if (dependentsLeft[x] !== 1) continue;
          for (let q = dependentStart[x], qe = dependentStart[x + 1]; q < qe; q++) {
            const d = dependentList[q];
            if (prio[d] === -1) {
              if (runsEarly(d, prio, depsLeft, onStack, depStart, depList, dependentsLeft)) {
                prio[d] = next++;
                work[w++] = d;
              }
              break;
            }
          }
        }
      }
    }
  }

  // key -> index becomes key -> priority, in place (same keys, same insertion order).
  const out = g.index;
  const keys = g.keys;
  for (let i = 0; i < n; i++) out.set(keys[i], prio[i]);
  return out;
}

/** Whether ready task `d` (not yet ordered, not on the walk's stack) frees an input by running. */
function runsEarly(
  d: number,
  prio: Int32Array,
  depsLeft: Int32Array,
  onStack: Uint8Array,
  depStart: Int32Array,
  depList: Int32Array,
  dependentsLeft: Int32Array,
): boolean {
  if (prio[d] !== -1 || depsLeft[d] !== 0 || onStack[d] === 1) return false;
  for (let r = depStart[d], e = depStart[d + 1]; r < e; r++)
    if (dependentsLeft[depList[r]] === 1) return true;
  return false;
}

/** Sorts list[from, to) by descending cost, then ascending index. */
function sortDeps(list: Int32Array, from: number, to: number, cost: Float64Array): void {
  if (to - from <= 16) {
    for (let i = from + 1; i < to; i++) {
      const x = list[i];
      const cx = cost[x];
      let j = i - 1;
      while (j >= from) {
        const y = list[j];
        const cy = cost[y];
        if (!(cx > cy || (cx === cy && x < y))) break;
        list[j + 1] = y;
        j--;
      }
      list[j + 1] = x;
    }
    return;
  }
  const part = Array.from(list.subarray(from, to));
  part.sort((a, b) => cost[b] - cost[a] || a - b);
  list.set(part, from);
}
