// Graph validation, before anything runs: every wanted key is in the graph, every dependency of
// every task is in the graph, and there is no cycle. Iterative (graphs have millions of tasks) and
// O(nodes + edges) over the integer index (graph-index.ts). Each refusal is a `GraphError` whose
// message names the culprit keys. `compute` leaves this to the scheduler, which checks the same.
import { GraphError, type Graph } from '@dask-ts/protocol';
import { indexGraph, type GraphIndex } from './graph-index.js';

/**
 * Throws a `GraphError` when a wanted key is missing, a task depends on a key that is not in the
 * graph, or the graph has a cycle (the message shows it, e.g. `a -> b -> a`).
 *
 * @example
 * validateGraph(new Map([['b', task(inc, [ref('a')])]]), ['b']);
 * // GraphError: Task 'b' depends on key 'a', which is not in the graph
 */
export function validateGraph(graph: Graph, wanted: readonly string[] = []): void {
  for (const k of wanted) {
    if (!graph.has(k)) {
      throw GraphError.missingWanted(k);
    }
  }
  checkIndex(indexGraph(graph));
}

/** Refuses missing dependencies and cycles of an indexed graph. @internal */
export function checkIndex(g: GraphIndex): void {
  if (g.missing !== undefined) {
    const { task, dep } = g.missing;
    throw GraphError.missingDependency(task, dep);
  }
  const cycle = findCycle(g);
  if (cycle !== undefined) {
    const shown = cycle.map((i) => g.keys[i]);
    throw GraphError.cycle(shown);
  }
}

/** A cycle as node indices (each depends on the next, the last on the first), if any. */
function findCycle(g: GraphIndex): number[] | undefined {
  const n = g.keys.length;
  const { depStart, depList } = g;
  // 0: unvisited, 1: on the current path, 2: done.
  const state = new Uint8Array(n);
  const stack = new Int32Array(n);
  const cursor = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    let top = 0;
    stack[0] = root;
    cursor[0] = depStart[root];
    state[root] = 1;
    while (top >= 0) {
      const v = stack[top];
      const c = cursor[top];
      if (c < depStart[v + 1]) {
        cursor[top] = c + 1;
        const d = depList[c];
        if (state[d] === 0) {
          state[d] = 1;
          top++;
          stack[top] = d;
          cursor[top] = depStart[d];
        } else if (state[d] === 1) {
          const from = stack.subarray(0, top + 1).lastIndexOf(d);
          return Array.from(stack.subarray(from, top + 1));
        }
      } else {
        state[v] = 2;
        top--;
      }
    }
  }
  return undefined;
}
