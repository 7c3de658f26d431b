// Suite `tree-sync`: per-task overhead of the in-thread scheduler. A tree reduction over 20,000
// no-op leaves (39,999 tasks), built before timing, run on dask-ts `sync` and on Dask's sync
// scheduler (`dask.local.get_sync`) with the same graph shape; one untimed run, then best of
// several, for each.
import '@dask-ts/scheduler';
import { getScheduler } from '@dask-ts/protocol';
import { bestOf, fmt, int, ratio, type Suite, type SuiteResult } from '../harness.js';
import { DASK_MISSING, daskAvailable, runDaskTree } from '../peers/dask.js';
import { treeGraph } from '../tree-graph.js';

/** The `tree-sync` suite. @example await treeSync.run({ quick: true }) */
export const treeSync: Suite = {
  name: 'tree-sync',
  describe: 'tree reduction of 20,000 no-op leaves on the in-thread scheduler vs Dask get_sync',
  async run({ quick }): Promise<SuiteResult> {
    const leaves = quick ? 2_000 : 20_000;
    const reps = quick ? 2 : 7;
    const tree = treeGraph(leaves);
    const sync = getScheduler('sync');
    let last: unknown;
    await sync.get(tree.graph, [tree.root]); // warm-up, untimed
    const ours = await bestOf(reps, async () => {
      [last] = await sync.get(tree.graph, [tree.root]);
    });
    if (last !== tree.expected)
      throw new Error(`dask-ts sync computed ${String(last)}, expected ${tree.expected}`);
    const usOurs = (ours.best * 1000) / tree.tasks;
    const rows: string[][] = [
      ['dask-ts sync', int(tree.tasks), fmt(ours.best), fmt(usOurs), '1.00×'],
    ];
    const notes = [
      `${leaves.toLocaleString('en-US')} leaves; one untimed run, then best of ${reps}, for each; "vs dask-ts" = time / dask-ts time (higher: dask-ts faster)`,
    ];
    if (daskAvailable()) {
      const d = await runDaskTree({ leaves, scheduler: 'sync', reps });
      const usDask = (d.best_ms * 1000) / d.tasks;
      rows.push([
        `Dask ${d.dask} get_sync`,
        int(d.tasks),
        fmt(d.best_ms),
        fmt(usDask),
        ratio(usDask, usOurs),
      ]);
    } else {
      notes.push(DASK_MISSING);
    }
    return {
      suite: 'tree-sync',
      title: 'tree reduction, in-thread scheduler (µs per task)',
      headers: ['implementation', 'tasks', 'best ms', 'µs/task', 'vs dask-ts'],
      rows,
      notes,
    };
  },
};
