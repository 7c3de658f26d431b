// Suite `dist-scheduler`: the distributed scheduler alone, in its zero-worker mode (simulated
// workers that finish every task at once), on a ~1,000,000-task tree reduction with 1,000 (and 10)
// simulated workers: tasks/s through the server's shell (core, turn loop, batches packed and
// answers checked, no network), heap bytes per simulated worker and per task. Runs in a child
// Node process with --expose-gc. No peer: dask.distributed has no zero-worker mode.
import { fmt, int, runNodeJson, type Suite, type SuiteResult } from '../harness.js';

interface ChildResult {
  readonly tasks: number;
  readonly workers: number;
  readonly median_ms: number;
  readonly best_ms: number;
  readonly worker_bytes: number;
  readonly task_bytes: number;
}

/** The `dist-scheduler` suite. @example await distScheduler.run({ quick: true }) */
export const distScheduler: Suite = {
  name: 'dist-scheduler',
  describe:
    'the distributed scheduler with 1,000 simulated workers on 1,000,000 tasks: tasks/s, bytes per worker and per task',
  async run({ quick }): Promise<SuiteResult> {
    const leaves = quick ? 50_000 : 500_000;
    const reps = quick ? 2 : 4;
    const rows: string[][] = [];
    for (const workers of [1000, 10]) {
      const r = await runNodeJson<ChildResult>(
        new URL('./dist-scheduler-child.js', import.meta.url),
        ['--leaves', String(leaves), '--workers', String(workers), '--reps', String(reps)],
        ['--expose-gc', '--max-old-space-size=8192'],
      );
      rows.push([
        `dask-ts startScheduler({ simulatedWorkers: ${int(workers)} })`,
        int(r.tasks),
        fmt(r.best_ms),
        int((r.tasks / r.best_ms) * 1000),
        int((r.tasks / r.median_ms) * 1000),
        int(r.worker_bytes),
        int(r.task_bytes),
      ]);
    }
    return {
      suite: 'dist-scheduler',
      title: 'distributed scheduler alone, simulated workers (tasks per second, memory)',
      headers: [
        'implementation',
        'tasks',
        'best ms',
        'tasks/s (best)',
        'tasks/s (median)',
        'B/worker',
        'B/task',
      ],
      rows,
      notes: [
        `tree reduction over ${leaves.toLocaleString('en-US')} leaves, computed through the server's scheduler (as an in-process client); best and median of ${reps} after a first, untimed compute`,
        "B/worker = (heapUsed + arrayBuffers) after the simulated workers connected minus before, after forced GCs, per worker; B/task = the same, right after the scheduler's first turn of the first compute (the graph taken in, the first batches sent), per task: the scheduler's state, not the graph",
        'no peer: dask.distributed has no zero-worker mode. Loaded shared 2-core machine: compare within a run',
      ],
    };
  },
};
