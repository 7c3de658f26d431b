// Suite `tree-sync`: per-task overhead of the in-thread scheduler on a tree reduction over 20,000
// no-op leaves (39,999 tasks), built with `delayed` and computed with `compute` as a user would
// (the first compute of a fresh value, then the best of later ones, which reuse the graph the
// value keeps), beside the same tree as a hand-built protocol graph run with `scheduler.get`, and
// Dask's sync scheduler (`dask.local.get_sync`) on the same shape. One untimed run, then best of
// several, for each.
import '@dask-ts/scheduler';
import { compute } from '@dask-ts/graph';
import { getScheduler } from '@dask-ts/protocol';
import { bestOf, fmt, int, ratio, timeMs, type Suite, type SuiteResult } from '../harness.js';
import { DASK_MISSING, daskAvailable, runDaskTree } from '../peers/dask.js';
import { treeDelayed, treeGraph } from '../tree-graph.js';

/** The `tree-sync` suite. @example await treeSync.run({ quick: true }) */
export const treeSync: Suite = {
  name: 'tree-sync',
  describe:
    'tree reduction of 20,000 no-op leaves (delayed) on the in-thread scheduler vs Dask get_sync',
  async run({ quick }): Promise<SuiteResult> {
    const leaves = quick ? 2_000 : 20_000;
    const reps = quick ? 2 : 7;
    const check = (what: string, got: unknown, expected: number): void => {
      if (got !== expected)
        throw new Error(`${what} computed ${String(got)}, expected ${expected}`);
    };

    // The user's path: delayed + compute. A warm-up value first (untimed), then a fresh one.
    const warm = treeDelayed(leaves);
    check('warm-up', (await compute(warm.root, { scheduler: 'sync' }))[0], warm.expected);
    const tree = treeDelayed(leaves);
    let last: unknown;
    const first = await timeMs(async () => {
      [last] = await compute(tree.root, { scheduler: 'sync' });
    });
    check('dask-ts delayed (first compute)', last, tree.expected);
    const ours = await bestOf(reps, async () => {
      [last] = await compute(tree.root, { scheduler: 'sync' });
    });
    check('dask-ts delayed', last, tree.expected);
    // First computes again, each of a freshly built value, now that the process is warm (a
    // long-running app's case): the best of several, each value built untimed.
    let firstWarm = Infinity;
    for (let i = 0; i < reps; i++) {
      const fresh = treeDelayed(leaves);
      const ms = await timeMs(async () => {
        [last] = await compute(fresh.root, { scheduler: 'sync' });
      });
      check('dask-ts delayed (fresh value)', last, fresh.expected);
      firstWarm = Math.min(firstWarm, ms);
    }

    // The same tree as a hand-built protocol graph.
    const raw = treeGraph(leaves);
    const sync = getScheduler('sync');
    await sync.get(raw.graph, [raw.root]);
    const rawRun = await bestOf(reps, async () => {
      [last] = await sync.get(raw.graph, [raw.root]);
    });
    check('dask-ts raw graph', last, raw.expected);

    const usOurs = (ours.best * 1000) / tree.tasks;
    const row = (name: string, tasks: number, ms: number): string[] => {
      const us = (ms * 1000) / tasks;
      return [name, int(tasks), fmt(ms), fmt(us), ratio(us, usOurs)];
    };
    const rows: string[][] = [
      row('dask-ts sync, delayed + compute', tree.tasks, ours.best),
      row('dask-ts sync, delayed + compute (first compute)', tree.tasks, first),
      row(`dask-ts sync, first compute of a fresh value, best of ${reps}`, tree.tasks, firstWarm),
      row('dask-ts sync, raw graph + scheduler.get', raw.tasks, rawRun.best),
    ];
    const notes = [
      `${leaves.toLocaleString('en-US')} leaves; one untimed run, then best of ${reps}, for each; "first compute" = the first compute of a freshly built Delayed (its graph materialized and prepared; later computes reuse the graph it keeps); "first compute of a fresh value" = the same, for ${reps} more freshly built values once the process is warm (building untimed), the best; "vs dask-ts" = time / dask-ts delayed time (higher: dask-ts faster)`,
    ];
    if (daskAvailable()) {
      const d = await runDaskTree({ leaves, scheduler: 'sync', reps });
      rows.push(row(`Dask ${d.dask} get_sync`, d.tasks, d.best_ms));
    } else {
      notes.push(DASK_MISSING);
    }
    return {
      suite: 'tree-sync',
      title: 'tree reduction built with delayed, in-thread scheduler (µs per task)',
      headers: ['implementation', 'tasks', 'best ms', 'µs/task', 'vs dask-ts'],
      rows,
      notes,
    };
  },
};
