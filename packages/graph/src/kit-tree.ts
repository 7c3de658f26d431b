// Tree reductions, for every collection (bag, dataframe and array reduce this way). A per-partition
// task turns each partition into a partial result; combine tasks then merge groups of at most
// `splitEvery` partials, level after level, until one is left. The combine step always runs at
// least once (even for one partition), as Dask's `reduction` does, so `aggregate` sees a list every
// time; the last one may be a task of its own (`root`: combine and finish in one step). Keys:
// `[<name>-part, i]` for the per-partition tasks and `[<name>-agg, level, j]` for the combines; the
// last combine, or an optional final task, gets the caller's key.
import {
  keyToString,
  task,
  type GraphNode,
  type Key,
  type Ref,
  type Task,
} from '@dask-ts/protocol';

/**
 * What a tree reduction is made of.
 *
 * @example
 * const spec: TreeSpec = { name: 'sum-ab', npartitions: 4, leaf, combine, splitEvery: 8, outKey: ['sum-ab', 0] };
 */
export interface TreeSpec {
  /** Base name of the keys (already tokenized). */
  readonly name: string;
  readonly npartitions: number;
  /** Task turning partition `i` into a partial result. */
  leaf(i: number): Task;
  /** Task merging partial results. */
  combine(refs: Ref[]): Task;
  /** Task of the last combine (the root), when it differs from `combine`. */
  readonly root?: (refs: Ref[]) => Task;
  /** Largest number of partials merged by one task (at least 2). */
  readonly splitEvery: number;
  /** Optional final task on the root, stored under `outKey`. */
  readonly finish?: (root: Ref) => Task;
  /** Key of the final result (of `finish`, or of the root combine). */
  readonly outKey: Key;
}

/**
 * The nodes of a tree reduction.
 *
 * @example
 * const nodes = treeNodes({ name: 'sum-ab', npartitions: 4, leaf, combine, splitEvery: 8, outKey: ['sum-ab', 0] });
 */
export function treeNodes(spec: TreeSpec): [string, GraphNode][] {
  if (!Number.isInteger(spec.splitEvery) || spec.splitEvery < 2) {
    throw new RangeError(
      `splitEvery must be an integer of at least 2, got ${String(spec.splitEvery)}`,
    );
  }
  const out: [string, GraphNode][] = [];
  let level: Ref[] = [];
  for (let i = 0; i < spec.npartitions; i++) {
    const k = keyToString([`${spec.name}-part`, i]);
    out.push([k, spec.leaf(i)]);
    level.push({ $ref: k });
  }
  let depth = 0;
  do {
    const next: Ref[] = [];
    const last = level.length <= spec.splitEvery;
    for (let j = 0; j * spec.splitEvery < level.length || (j === 0 && level.length === 0); j++) {
      const group = level.slice(j * spec.splitEvery, (j + 1) * spec.splitEvery);
      const k =
        last && spec.finish === undefined
          ? keyToString(spec.outKey)
          : keyToString([`${spec.name}-agg`, depth, j]);
      const root = last ? spec.root : undefined;
      out.push([k, root !== undefined ? root(group) : spec.combine(group)]);
      next.push({ $ref: k });
    }
    level = next;
    depth++;
  } while (level.length > 1);
  if (spec.finish !== undefined) out.push([keyToString(spec.outKey), spec.finish(level[0])]);
  return out;
}

/**
 * A task helper: `fn(...fixed, ...refs)`.
 *
 * @example
 * combineWith(kernel('sumAll'))([ref('a'), ref('b')]);
 */
export function combineWith(fn: Task['fn'], ...fixed: unknown[]): (refs: Ref[]) => Task {
  return (refs) => task(fn, [...fixed, ...refs]);
}
