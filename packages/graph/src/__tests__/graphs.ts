// Test-only graph builders and checks shared by the graph tests.
import fc from 'fast-check';
import { data, ref, task, type GraphNode, type LocalRef } from '@dask-ts/protocol';

export const sum: LocalRef = {
  kind: 'local',
  fn: (...xs: number[]) => xs.reduce((a, b) => a + b, 0),
  name: 'sum',
};
export const inc: LocalRef = { kind: 'local', fn: (x: number) => x + 1, name: 'inc' };

/** A k-ary tree reduction over `leaves` data nodes; returns the graph and the root key. */
export function treeReduction(
  leaves: number,
  fanIn = 2,
): { graph: Map<string, GraphNode>; root: string; depth: number } {
  const graph = new Map<string, GraphNode>();
  let level = Array.from({ length: leaves }, (_, i) => {
    const k = `leaf-${i}`;
    graph.set(k, data(i));
    return k;
  });
  let depth = 0;
  while (level.length > 1) {
    depth++;
    const next: string[] = [];
    for (let i = 0; i < level.length; i += fanIn) {
      const k = `sum-${depth}-${i / fanIn}`;
      graph.set(
        k,
        task(
          sum,
          level.slice(i, i + fanIn).map((x) => ref(x)),
        ),
      );
      next.push(k);
    }
    level = next;
  }
  return { graph, root: level[0], depth };
}

/** Random DAGs: node i may depend only on nodes < i; nodes are inserted in a shuffled order. */
export const randomDag = fc
  .integer({ min: 1, max: 40 })
  .chain((n) =>
    fc.tuple(
      fc.array(fc.uniqueArray(fc.nat({ max: 1000 }), { maxLength: 4 }), {
        minLength: n,
        maxLength: n,
      }),
      fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n },
      ),
    ),
  )
  .map(([depChoices, insertion]) => {
    const graph = new Map<string, GraphNode>();
    for (const i of insertion) {
      const deps = i === 0 ? [] : [...new Set(depChoices[i].map((d) => d % i))];
      graph.set(
        `k${i}`,
        deps.length === 0
          ? data(i)
          : task(
              sum,
              deps.map((d) => ref(`k${d}`)),
            ),
      );
    }
    return graph;
  });

/** The largest number of results alive at once when running `graph` sequentially by `priority`;
 * a result lives from its task until its last dependent ran (outputs stay alive). */
export function maxLive(graph: Map<string, GraphNode>, priority: Map<string, number>): number {
  const keys = [...graph.keys()].sort(
    (a, b) => (priority.get(a) as number) - (priority.get(b) as number),
  );
  const dependentsLeft = new Map<string, number>();
  for (const node of graph.values())
    if (node.kind === 'task')
      for (const d of node.deps) dependentsLeft.set(d, (dependentsLeft.get(d) ?? 0) + 1);
  let live = 0;
  let max = 0;
  for (const k of keys) {
    const node = graph.get(k) as GraphNode;
    live++;
    max = Math.max(max, live);
    if (node.kind === 'task') {
      for (const d of node.deps) {
        const left = (dependentsLeft.get(d) as number) - 1;
        dependentsLeft.set(d, left);
        if (left === 0) live--;
      }
    }
  }
  return max;
}

/** Whether `priority` runs every task after all its dependencies. */
export function isTopological(
  graph: Map<string, GraphNode>,
  priority: Map<string, number>,
): boolean {
  for (const [k, node] of graph) {
    if (node.kind !== 'task') continue;
    for (const d of node.deps)
      if ((priority.get(d) as number) >= (priority.get(k) as number)) return false;
  }
  return true;
}

export { inc as incRef };
