// Suite `array-chain`: an elementwise chain and a reduction over a uniform random float64 array,
// `x.mul(2).add(1).sin().abs().sum()` (the sum of |sin(2x + 1)|; its mean is about
// (cos 1 - cos 3) / 2 = 0.765), through the public API on the threads scheduler (2 workers),
// against the hand-written two-thread loop doing the same work (peers/array-hand-loop.ts: the
// same generator and math, one pass, nothing stored) and dask.array on 2 threads, each in a
// process of its own. 8 GiB (DASK_TS_BENCH_CHAIN_GIB overrides; --quick: 0.25 GiB) in blocks of
// 128 MiB. Goal: dask-ts at least 70 % of the hand loop's speed.
import { fmt, mib, ratio, type Suite, type SuiteResult } from '../harness.js';
import {
  elementsOf,
  loadNow,
  rate,
  runAlternately,
  runDask,
  type BigResult,
} from './array-big-run.js';

const CHUNK = 2 ** 24;
const MEAN = (Math.cos(1) - Math.cos(3)) / 2;

/** The `array-chain` suite. @example await arrayChain.run({ quick: true }) */
export const arrayChain: Suite = {
  name: 'array-chain',
  describe:
    'x.mul(2).add(1).sin().abs().sum() over random float64 (8 GiB): dask-ts vs a hand-written two-thread loop vs dask.array',
  async run({ quick }): Promise<SuiteResult> {
    const gib = quick ? 0.25 : Number(process.env.DASK_TS_BENCH_CHAIN_GIB ?? 8);
    const n = elementsOf(gib, CHUNK);
    const size = { n, chunk: Math.min(CHUNK, n), reps: quick || gib <= 8 ? 3 : 1, workers: 2 };
    const loadBefore = loadNow();
    const row = (who: string, r: BigResult): string[] => [
      who,
      fmt(r.best_ms),
      fmt(r.cpu_ms),
      rate(n, r.best_ms),
      mib(r.peak_rss),
    ];
    const [ours, hand] = await runAlternately('chain', size, MEAN);
    if (Math.abs(ours.mean - hand.mean) > 1e-9) {
      throw new Error(
        `dask-ts and the hand loop summed different numbers: means ${ours.mean} and ${hand.mean}`,
      );
    }
    const rows = [
      row('dask-ts array, threads (2 workers)', ours),
      row('hand-written loop, 2 worker threads', hand),
    ];
    const share = hand.best_ms / ours.best_ms;
    const notes = [
      `${fmt((n * 8) / 2 ** 30)} GiB of float64 (n = ${n.toLocaleString('en-US')}) in blocks of ${fmt((size.chunk * 8) / 2 ** 20)} MiB, generated inside the timed run, best of ${size.reps} (dask-ts and the hand loop alternate, one process per run); CPU ms = user + system time of the whole process during the best run; peak RSS of the whole process`,
      `the chain: x.mul(2).add(1).sin().abs().sum(); dask-ts fuses it into one task per block (blockwise fusion, then reduction fusion) that generates a tile of 16,384 numbers, runs the chain over it as one compiled loop and sums it; no block is ever made. The hand loop generates, transforms and sums each number in one pass (same generator: the two means agree to 1e-9)`,
      `dask-ts vs the hand loop: ${fmt(share * 100)} % of its speed (CPU: ${fmt((hand.cpu_ms / ours.cpu_ms) * 100)} %); goal (at least 70 %) ${share >= 0.7 ? 'met' : 'NOT met'}`,
    ];
    try {
      const peer = await runDask('chain', size, MEAN);
      rows.push(row(`dask.array ${peer.dask} threads (2 workers)`, peer));
      notes.push(
        `dask-ts vs dask.array: time ${ratio(peer.best_ms, ours.best_ms)}, CPU ${ratio(peer.cpu_ms, ours.cpu_ms)}, peak RSS ${ratio(peer.peak_rss, ours.peak_rss)} (above 1: dask-ts is faster / smaller)`,
      );
    } catch (err) {
      notes.push(`dask.array did not run: ${(err as Error).message.slice(0, 200)}`);
    }
    notes.push(
      `a loaded shared 2-core machine (other sessions running; 1-minute load average ${loadBefore} before, ${loadNow()} after): compare within one run`,
    );
    return {
      suite: 'array-chain',
      title: `x.mul(2).add(1).sin().abs().sum() over ${fmt(gib)} GiB of random float64`,
      headers: ['implementation', 'best ms', 'CPU ms', 'GiB/s', 'peak RSS'],
      rows,
      notes,
    };
  },
};
