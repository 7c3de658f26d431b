// Suite `array-sum`: the sum of a uniform random float64 array generated block by block,
// `random.random([n], { chunks, seed }).sum()` through the public API on the threads scheduler
// (2 workers), against dask.array's `da.random.RandomState(1).random_sample(n).sum()` on 2
// threads, each in a process of its own (peak RSS of the whole process). The size is
// 64 GiB (DASK_TS_BENCH_SUM_GIB overrides; --quick: 0.5 GiB), in blocks of 128 MiB (dask.array's
// 'auto' block size) for both. Goals: peak RSS under 2 GiB, faster than dask.array. Every run
// must give a mean of about 0.5.
import { fmt, mib, ratio, type Suite, type SuiteResult } from '../harness.js';
import { elementsOf, loadNow, rate, runDask, runOurs, type BigResult } from './array-big-run.js';

const CHUNK = 2 ** 24;
const GOAL_RSS = 2 * 2 ** 30;

/** The `array-sum` suite. @example await arraySum.run({ quick: true }) */
export const arraySum: Suite = {
  name: 'array-sum',
  describe:
    'sum of a random float64 array generated block by block (64 GiB): dask-ts vs dask.array',
  async run({ quick }): Promise<SuiteResult> {
    const gib = quick ? 0.5 : Number(process.env.DASK_TS_BENCH_SUM_GIB ?? 64);
    const n = elementsOf(gib, CHUNK);
    const size = { n, chunk: Math.min(CHUNK, n), reps: quick || gib <= 4 ? 2 : 1, workers: 2 };
    const loadBefore = loadNow();
    const row = (who: string, r: BigResult): string[] => [
      who,
      fmt(r.best_ms),
      fmt(r.cpu_ms),
      rate(n, r.best_ms),
      mib(r.peak_rss),
    ];
    const ours = await runOurs('sum', size, 0.5);
    const rows = [row('dask-ts array, threads (2 workers)', ours)];
    const notes = [
      `${fmt((n * 8) / 2 ** 30)} GiB of float64 (n = ${n.toLocaleString('en-US')}) in blocks of ${fmt((size.chunk * 8) / 2 ** 20)} MiB, generated inside the timed run, best of ${size.reps}; CPU ms = user + system time of the whole process during the best run; peak RSS of the whole process (threads included)`,
      `dask-ts computes each block's sum straight from the generator, a tile of 16,384 numbers at a time (reduction fusion: random + sum are one task per block, no block is ever made), with a counter-based generator that gives the same numbers whatever the chunking`,
      `dask-ts peak RSS ${mib(ours.peak_rss)}: goal (under 2 GiB) ${ours.peak_rss < GOAL_RSS ? 'met' : 'NOT met'}`,
    ];
    try {
      const peer = await runDask('sum', size, 0.5);
      rows.push(row(`dask.array ${peer.dask} threads (2 workers)`, peer));
      notes.push(
        `dask-ts vs dask.array: time ${ratio(peer.best_ms, ours.best_ms)}, CPU ${ratio(peer.cpu_ms, ours.cpu_ms)}, peak RSS ${ratio(peer.peak_rss, ours.peak_rss)} (above 1: dask-ts is faster / smaller); goal (faster than dask.array) ${ours.best_ms < peer.best_ms ? 'met' : 'NOT met'}`,
      );
    } catch (err) {
      notes.push(`dask.array did not run: ${(err as Error).message.slice(0, 200)}`);
    }
    notes.push(
      `a loaded shared 2-core machine (other sessions running; 1-minute load average ${loadBefore} before, ${loadNow()} after): compare within one run`,
    );
    return {
      suite: 'array-sum',
      title: `sum of a ${fmt(gib)} GiB random array generated block by block`,
      headers: ['implementation', 'best ms', 'CPU ms', 'GiB/s', 'peak RSS'],
      rows,
      notes,
    };
  },
};
