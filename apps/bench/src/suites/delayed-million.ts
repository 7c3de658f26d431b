// Suite `delayed-million`: a ~1,000,000-task graph built with `delayed` (a tree reduction over
// 500,000 delayed leaves) and computed on `sync`: build time, compute time and peak memory. Runs
// in a fresh child Node process so its memory high-water mark is this workload's alone.
import { fmt, int, mib, runNodeJson, type Suite, type SuiteResult } from '../harness.js';

interface DelayedChildResult {
  tasks: number;
  build_ms: number;
  compute_ms: number;
  peak_heap: number;
  peak_rss_sampled: number;
  max_rss: number;
  base_rss: number;
  phases_ms: Record<string, number>;
  fused_tasks: number;
}

/** The `delayed-million` suite. @example await delayedMillion.run({ quick: true }) */
export const delayedMillion: Suite = {
  name: 'delayed-million',
  describe: 'a 1,000,000-task delayed graph on sync: build time, compute time, peak memory',
  async run({ quick }): Promise<SuiteResult> {
    const leaves = quick ? 50_000 : 500_000;
    const r = await runNodeJson<DelayedChildResult>(
      new URL('./delayed-child.js', import.meta.url),
      ['--leaves', String(leaves)],
      ['--max-old-space-size=8192'],
    );
    return {
      suite: 'delayed-million',
      title: 'a million delayed tasks on sync (build, compute, peak memory)',
      headers: [
        'implementation',
        'tasks',
        'build ms',
        'compute ms',
        'compute µs/task',
        'peak heap',
        'peak RSS',
      ],
      rows: [
        [
          'dask-ts delayed + sync',
          int(r.tasks),
          fmt(r.build_ms),
          fmt(r.compute_ms),
          fmt((r.compute_ms * 1000) / r.tasks),
          mib(r.peak_heap),
          mib(Math.max(r.max_rss, r.peak_rss_sampled)),
        ],
      ],
      notes: [
        `tree reduction over ${leaves.toLocaleString('en-US')} delayed leaves, one run in a fresh process`,
        `peak heap sampled every 5 ms and at progress reports; peak RSS = OS high-water mark (process start: ${mib(r.base_rss)})`,
        `compute's steps timed one by one afterwards (ms): ${Object.entries(r.phases_ms)
          .map(([k, v]) => `${k} ${fmt(v)}`)
          .join(', ')}; ${int(r.fused_tasks)} tasks after fuse`,
      ],
    };
  },
};
