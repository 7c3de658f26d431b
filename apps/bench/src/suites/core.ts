// Suite `core`: the scheduling core alone (no threads, no I/O) on a ~1,000,000-task graph, tasks
// completed the moment they are assigned. Runs in a child Node process with --expose-gc so heap
// deltas can be measured after forced collections; reports tasks/s and heap bytes per task.
import { fmt, int, runNodeJson, type Suite, type SuiteResult } from '../harness.js';

interface CoreChildResult {
  tasks: number;
  cold_ms: number;
  cold_submit_ms: number;
  best_ms: number;
  times_ms: number[];
  submit_ms: number;
  graph_bytes_per_task: number;
  core_bytes_per_task: number;
  workers: number;
  slots: number;
}

function row(
  name: string,
  tasks: number,
  ms: number,
  submitMs: number,
  r: CoreChildResult,
): string[] {
  return [
    name,
    int(tasks),
    fmt(ms),
    fmt((tasks / ms) * 1000),
    fmt((ms * 1000) / tasks),
    fmt(submitMs),
    fmt((tasks / (ms - submitMs)) * 1000),
    fmt(r.core_bytes_per_task),
    fmt(r.graph_bytes_per_task),
  ];
}

/** The `core` suite. @example await core.run({ quick: true }) */
export const core: Suite = {
  name: 'core',
  describe:
    'SchedulerCore.handle() alone on a 1,000,000-task graph: tasks/s and heap bytes per task',
  async run({ quick }): Promise<SuiteResult> {
    const leaves = quick ? 50_000 : 500_000;
    const reps = quick ? 3 : 6;
    const r = await runNodeJson<CoreChildResult>(
      new URL('./core-child.js', import.meta.url),
      ['--leaves', String(leaves), '--reps', String(reps)],
      ['--expose-gc', '--max-old-space-size=8192'],
    );
    return {
      suite: 'core',
      title: 'scheduling core alone (tasks per second, heap per task)',
      headers: [
        'implementation',
        'tasks',
        'ms',
        'tasks/s',
        'µs/task',
        'submit ms',
        'tasks/s after submit',
        'core B/task',
        'graph B/task',
      ],
      rows: [
        row('dask-ts SchedulerCore, warm (reused core)', r.tasks, r.best_ms, r.submit_ms, r),
        row('dask-ts SchedulerCore, cold (fresh core)', r.tasks, r.cold_ms, r.cold_submit_ms, r),
      ],
      notes: [
        `tree reduction over ${leaves.toLocaleString('en-US')} leaves; ${r.workers} workers × ${r.slots} slots; every task finished as soon as assigned`,
        `cold = the first compute, on a fresh core that allocates its tables (and so sets off a full garbage collection of the whole graph); warm = best of the ${reps - 1} later computes on the same core, as a pool's long-lived core serves every compute`,
        'submit ms = the `submit` event alone (interning 1M keys, checking the graph, ranking tasks); tasks/s after submit = tasks ÷ (best ms − submit ms): assigning, finishing and delivering',
        "core B/task = (heapUsed + arrayBuffers) after submit minus before, after forced GCs: the core's state; graph B/task = the protocol graph itself",
        "no peer: Dask's scheduler state machine cannot be driven without its runtime",
      ],
    };
  },
};
