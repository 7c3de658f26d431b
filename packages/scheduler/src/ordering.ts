// Task priorities for the pooled shells: `order()` from @dask-ts/graph (smaller runs first; a
// topological order that finishes branches before starting new ones, so fewer results are held).
// It costs a few microseconds per task, so a cluster may turn it off (`order: false`), and the
// core then runs ready tasks in graph insertion order. A graph `order()` refuses (a cycle, a
// missing key) gets no priorities here: the core refuses it with an error naming the culprit.
// The sync scheduler does not use this: its own depth-first plan (sync-plan.ts) already runs
// branch by branch, at a fraction of the cost.
import { order } from '@dask-ts/graph';
import type { Graph } from '@dask-ts/protocol';

/**
 * Priorities of the keys of `graph`, or `undefined` to use insertion order.
 *
 * @example
 * const priorities = graphOrder(graph, true);
 */
export function graphOrder(
  graph: Graph,
  enabled: boolean,
): ReadonlyMap<string, number> | undefined {
  if (!enabled || graph.size < 2) return undefined;
  try {
    return order(graph);
  } catch {
    return undefined;
  }
}
