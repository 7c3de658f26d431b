// Culling: keep only the nodes the requested keys need, walking dependencies iteratively. The
// result keeps the original insertion order. Dependencies missing from the graph are skipped here
// and reported by `validateGraph`.
import type { Graph, GraphNode } from '@dask-ts/protocol';

/**
 * A new graph with only the nodes that `keys` (transitively) depend on, in the original order.
 *
 * @example
 * cull(new Map([['a', data(1)], ['b', data(2)], ['c', task(inc, [ref('a')])]]), ['c']); // keys a, c
 */
export function cull(graph: Graph, keys: Iterable<string>): Map<string, GraphNode> {
  const needed = new Set<string>();
  const stack: string[] = [];
  for (const k of keys) {
    if (!needed.has(k) && graph.has(k)) {
      needed.add(k);
      stack.push(k);
    }
  }
  while (stack.length > 0) {
    const node = graph.get(stack.pop() as string);
    if (node === undefined || node.kind !== 'task') continue;
    for (const d of node.deps) {
      if (!needed.has(d) && graph.has(d)) {
        needed.add(d);
        stack.push(d);
      }
    }
  }
  const out = new Map<string, GraphNode>();
  if (needed.size === graph.size) {
    for (const [k, v] of graph) out.set(k, v);
    return out;
  }
  for (const [k, v] of graph) if (needed.has(k)) out.set(k, v);
  return out;
}
