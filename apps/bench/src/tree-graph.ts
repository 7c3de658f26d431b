// The tree reduction the tree and core suites run: `leaves` no-op leaf tasks (each returns its
// index) and pairwise `add` tasks up to one root; an odd node out moves up a level unchanged.
// Built two ways: with `delayed`, as a user writes it (`treeDelayed`), and with the protocol alone
// (`treeGraph`: same shape and key names as python/tree_bench.py, so Dask and dask-ts run
// identical graphs). Function references are portable source refs, so the same graph runs
// in-thread and on worker threads.
import { delayed, type Delayed } from '@dask-ts/graph';
import { data, ref, task, type Graph, type GraphNode, type SourceRef } from '@dask-ts/protocol';

/** Returns its argument. @example task(NOOP, [3]) */
export const NOOP: SourceRef = { kind: 'source', source: '(x) => x', scope: {}, name: 'noop' };
/** Adds two numbers. @example task(ADD, [ref('a'), ref('b')]) */
export const ADD: SourceRef = { kind: 'source', source: '(a, b) => a + b', scope: {}, name: 'add' };

/**
 * A built tree graph, its root key, its task count and the value the root must compute to.
 *
 * @example
 * const { graph, root, expected } = treeGraph(4); // 7 tasks, expected 6
 */
export interface TreeGraph {
  readonly graph: Graph;
  readonly root: string;
  readonly tasks: number;
  readonly expected: number;
}

/**
 * Builds the tree-reduction graph over `leaves` leaves (`leafAs: 'data'` makes leaves literal data
 * nodes instead of no-op tasks).
 *
 * @example
 * treeGraph(20_000).tasks; // 39_999
 */
export function treeGraph(leaves: number, leafAs: 'task' | 'data' = 'task'): TreeGraph {
  if (!Number.isInteger(leaves) || leaves < 1) {
    throw new RangeError(`treeGraph: leaves must be a positive integer, got ${leaves}`);
  }
  const graph = new Map<string, GraphNode>();
  let level: string[] = [];
  for (let i = 0; i < leaves; i++) {
    const k = `l-${i}`;
    graph.set(k, leafAs === 'task' ? task(NOOP, [i]) : data(i));
    level.push(k);
  }
  for (let depth = 0; level.length > 1; depth++) {
    const next: string[] = [];
    for (let j = 0; j + 1 < level.length; j += 2) {
      const k = `s-${depth}-${j / 2}`;
      graph.set(k, task(ADD, [ref(level[j]), ref(level[j + 1])]));
      next.push(k);
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return { graph, root: level[0], tasks: graph.size, expected: (leaves * (leaves - 1)) / 2 };
}

/**
 * The tree reduction built with `delayed`, as a user writes it: its root, task count and the
 * value it must compute to.
 *
 * @example
 * const { root, expected } = treeDelayed(20_000); // await root.compute() === expected
 */
export function treeDelayed(leaves: number): {
  readonly root: Delayed<number>;
  readonly tasks: number;
  readonly expected: number;
} {
  if (!Number.isInteger(leaves) || leaves < 1) {
    throw new RangeError(`treeDelayed: leaves must be a positive integer, got ${leaves}`);
  }
  const noop = delayed((x: number) => x, { name: 'noop' });
  const add = delayed((a: number, b: number) => a + b, { name: 'add' });
  let level: Delayed<number>[] = [];
  for (let i = 0; i < leaves; i++) level.push(noop(i));
  let tasks = leaves;
  while (level.length > 1) {
    const next: Delayed<number>[] = [];
    for (let j = 0; j + 1 < level.length; j += 2) next.push(add(level[j], level[j + 1]));
    tasks += next.length;
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return { root: level[0], tasks, expected: (leaves * (leaves - 1)) / 2 };
}
