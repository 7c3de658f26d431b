// Forgetting what no running compute can need any more. An idle core starts over on empty tables
// (see `maybeReset`), but a core that is never idle (a long-lived pool under constant load) would
// keep every key it was ever given, and a reference to every graph node. So when a submit finds
// the table twice as large as after the last compaction (and past `compactAt` tasks), the core
// keeps only the live tasks and renumbers them, in order (ranks are kept, so the ready order does
// not change): every task a running compute wants, with its dependencies (a lost result may have
// to be recomputed from them); every task waiting, ready, running or in memory, with its
// dependencies; the origins of kept errors; and what stale runs and stale copies refer to. The
// rest is released, cancelled or erred work of computes that ended: a later submit that names one
// of those keys adds it again. The cost is one pass over the table, paid at most once per doubling.
// The pass is skipped (and the table's size taken as its compacted size, as the pass would) when it
// could forget less than an eighth of the table: only released, cancelled and erred tasks can go
// (`forgettable`, from the state counts), so a table whose tasks a client still holds (the results
// of a large `client.map`, kept by their futures) is not walked at all. That pass, with nothing to
// forget, cost the next submit's round trip ~170 ms at 80,000 held tasks.
import { CANCELLED, ERRED, RELEASED, type TaskTable } from './task-table.js';

/**
 * How many tasks a compaction could forget at most: the released, cancelled and erred ones (some
 * of them may still be kept, as inputs of live tasks or origins of kept errors).
 *
 * @example
 * if (8 * forgettable(t) < t.size) return; // not worth a pass over the table
 */
export function forgettable(t: TaskTable): number {
  const c = t.stateCounts;
  return c[RELEASED] + c[CANCELLED] + c[ERRED];
}

/**
 * Marks the live tasks (see the file comment): `roots` are the wanted tasks of running computes
 * and the tasks of stale copies.
 */
export function liveTasks(t: TaskTable, roots: Iterable<number>): Uint8Array {
  const keep = new Uint8Array(t.size);
  const stack: number[] = [];
  const push = (id: number): void => {
    if (keep[id] === 0) {
      keep[id] = 1;
      stack.push(id);
    }
  };
  for (const id of roots) push(id);
  for (let id = 0; id < t.size; id++) {
    const s = t.state[id];
    if (s !== RELEASED && s !== CANCELLED && s !== ERRED) push(id);
  }
  for (const [id, runs] of t.staleRuns) {
    push(id);
    for (const r of runs) for (const f of r.fetched) push(f);
  }
  while (stack.length > 0) {
    const id = stack.pop()!;
    t.forEachDependency(id, push);
    if (t.errors.size > 0) {
      const info = t.errors.get(id);
      if (info !== undefined) push(info.origin);
    }
  }
  return keep;
}
