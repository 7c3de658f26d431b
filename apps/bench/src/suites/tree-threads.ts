// Suite `tree-threads`: throughput of the threaded scheduler with 2 worker threads on a tree
// reduction over 20,000 no-op leaves (39,999 tasks) built with `delayed` and computed with
// `compute` as a user would (later computes reuse the graph the value keeps; the first compute of
// a fresh value is shown too), beside the same tree as a hand-built protocol graph, Dask's
// threaded scheduler (num_workers=2) and piscina running the same no-op tasks one `pool.run()` at
// a time on 2 threads. Every implementation runs the whole workload once untimed (threads
// started, code compiled), then best of `reps`. The dask-ts scheduler is closed afterwards.
import { compute } from '@dask-ts/graph';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { bestOf, fmt, int, ratio, timeMs, type Suite, type SuiteResult } from '../harness.js';
import { DASK_MISSING, daskAvailable, runDaskTree } from '../peers/dask.js';
import { runPiscina } from '../peers/piscina.js';
import { treeDelayed, treeGraph } from '../tree-graph.js';

/** The `tree-threads` suite. @example await treeThreads.run({ quick: true }) */
export const treeThreads: Suite = {
  name: 'tree-threads',
  describe: 'tree reduction (delayed) on 2 worker threads vs Dask threaded get and piscina',
  async run({ quick }): Promise<SuiteResult> {
    const leaves = quick ? 2_000 : 20_000;
    const reps = quick ? 2 : 10;
    const workers = 2;
    const check = (what: string, got: unknown, expected: number): void => {
      if (got !== expected)
        throw new Error(`${what} computed ${String(got)}, expected ${expected}`);
    };
    const threads = createThreadsScheduler({ workers });
    let ours: { best: number };
    let first: number;
    let rawRun: { best: number };
    const raw = treeGraph(leaves);
    let tasks: number;
    try {
      const warm = treeDelayed(leaves);
      check('warm-up', (await compute(warm.root, { scheduler: threads }))[0], warm.expected);
      const tree = treeDelayed(leaves);
      tasks = tree.tasks;
      let last: unknown;
      first = await timeMs(async () => {
        [last] = await compute(tree.root, { scheduler: threads });
      });
      check('dask-ts delayed (first compute)', last, tree.expected);
      ours = await bestOf(reps, async () => {
        [last] = await compute(tree.root, { scheduler: threads });
      });
      check('dask-ts delayed', last, tree.expected);
      await threads.get(raw.graph, [raw.root]);
      rawRun = await bestOf(reps, async () => {
        [last] = await threads.get(raw.graph, [raw.root]);
      });
      check('dask-ts raw graph', last, raw.expected);
    } finally {
      await threads.close?.();
    }
    const perSec = (n: number, ms: number) => (n / ms) * 1000;
    const oursRate = perSec(tasks, ours.best);
    const row = (name: string, n: number, ms: number): string[] => [
      name,
      int(n),
      fmt(ms),
      fmt(perSec(n, ms)),
      ratio(oursRate, perSec(n, ms)),
    ];
    const rows: string[][] = [
      row(`dask-ts threads (${workers} workers), delayed + compute`, tasks, ours.best),
      row(`dask-ts threads, delayed + compute (first compute)`, tasks, first),
      row(`dask-ts threads, raw graph + scheduler.get`, raw.tasks, rawRun.best),
    ];
    const notes = [
      `${leaves.toLocaleString('en-US')} leaves; one untimed run, then best of ${reps}, for every implementation; "first compute" = the first compute of a freshly built Delayed (later computes reuse the graph it keeps); "dask-ts / peer" = dask-ts delayed tasks/s ÷ peer tasks/s (higher: dask-ts faster)`,
    ];
    const pis = await runPiscina({ tasks, threads: workers, reps });
    rows.push(row(`piscina run() per task (${workers} threads)`, tasks, pis.best));
    if (daskAvailable()) {
      const d = await runDaskTree({ leaves, scheduler: 'threads', workers, reps });
      rows.push(row(`Dask ${d.dask} threaded (num_workers=${workers})`, d.tasks, d.best_ms));
    } else {
      notes.push(DASK_MISSING);
    }
    return {
      suite: 'tree-threads',
      title: 'tree reduction built with delayed, 2 worker threads (tasks per second)',
      headers: ['implementation', 'tasks', 'best ms', 'tasks/s', 'dask-ts / peer'],
      rows,
      notes,
    };
  },
};
