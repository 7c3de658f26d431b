// Suite `tree-threads`: throughput of the threaded scheduler with 2 worker threads on the same
// tree reduction (39,999 no-op tasks), vs Dask's threaded scheduler (num_workers=2) and vs piscina
// running the same no-op tasks one `pool.run()` at a time on 2 threads. Every implementation runs
// the whole workload once untimed (threads started, code compiled), then best of `reps`. The
// dask-ts scheduler is closed afterwards.
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { bestOf, fmt, int, ratio, type Suite, type SuiteResult } from '../harness.js';
import { DASK_MISSING, daskAvailable, runDaskTree } from '../peers/dask.js';
import { runPiscina } from '../peers/piscina.js';
import { treeGraph } from '../tree-graph.js';

/** The `tree-threads` suite. @example await treeThreads.run({ quick: true }) */
export const treeThreads: Suite = {
  name: 'tree-threads',
  describe: 'tree reduction on 2 worker threads vs Dask threaded get and piscina',
  async run({ quick }): Promise<SuiteResult> {
    const leaves = quick ? 2_000 : 20_000;
    const reps = quick ? 2 : 10;
    const workers = 2;
    const tree = treeGraph(leaves);
    const threads = createThreadsScheduler({ workers });
    let ours: { best: number };
    try {
      await threads.get(tree.graph, [tree.root]);
      let last: unknown;
      ours = await bestOf(reps, async () => {
        [last] = await threads.get(tree.graph, [tree.root]);
      });
      if (last !== tree.expected)
        throw new Error(`dask-ts threads computed ${String(last)}, expected ${tree.expected}`);
    } finally {
      await threads.close?.();
    }
    const perSec = (tasks: number, ms: number) => (tasks / ms) * 1000;
    const oursRate = perSec(tree.tasks, ours.best);
    const rows: string[][] = [
      [
        `dask-ts threads (${workers} workers)`,
        int(tree.tasks),
        fmt(ours.best),
        fmt(oursRate),
        '1.00×',
      ],
    ];
    const notes = [
      `${leaves.toLocaleString('en-US')} leaves; one untimed run, then best of ${reps}, for every implementation; "dask-ts / peer" = dask-ts tasks/s ÷ peer tasks/s (higher: dask-ts faster)`,
    ];
    const pis = await runPiscina({ tasks: tree.tasks, threads: workers, reps });
    const pisRate = perSec(tree.tasks, pis.best);
    rows.push([
      `piscina run() per task (${workers} threads)`,
      int(tree.tasks),
      fmt(pis.best),
      fmt(pisRate),
      ratio(oursRate, pisRate),
    ]);
    if (daskAvailable()) {
      const d = await runDaskTree({ leaves, scheduler: 'threads', workers, reps });
      const daskRate = perSec(d.tasks, d.best_ms);
      rows.push([
        `Dask ${d.dask} threaded (num_workers=${workers})`,
        int(d.tasks),
        fmt(d.best_ms),
        fmt(daskRate),
        ratio(oursRate, daskRate),
      ]);
    } else {
      notes.push(DASK_MISSING);
    }
    return {
      suite: 'tree-threads',
      title: 'tree reduction, 2 worker threads (tasks per second)',
      headers: ['implementation', 'tasks', 'best ms', 'tasks/s', 'dask-ts / peer'],
      rows,
      notes,
    };
  },
};
