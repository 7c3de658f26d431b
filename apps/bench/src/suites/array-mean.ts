// Suite `array-mean`: the first workload of the array issue, `x.add(x.T).at('::2, n/2:')
// .mean({ axis: 1 })` over x = n x n uniform random float64 in 1,000 x 1,000 blocks (n = 20,000;
// --quick: 4,000; DASK_TS_BENCH_ARRAY_N overrides), generating the numbers inside the timed run.
// dask-ts on the threads scheduler (1 and 2 workers) vs NumPy (one thread, whole array in memory)
// and dask.array (threaded, 2 workers) from python/array_bench.py. Every implementation must give
// n/2 means of about 1 (the RNGs differ, so the values do not match exactly).
import { fileURLToPath } from 'node:url';
import { random } from '@dask-ts/array';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { fmt, PYTHON, ratio, runJson, type Suite, type SuiteResult } from '../harness.js';
import { bestWithCpu, warmThreads } from './bag-data.js';

interface PeerResult {
  readonly numpy_ms: number;
  readonly numpy_mean: number;
  readonly numpy_len: number;
  readonly numpy: string;
  readonly python: string;
  readonly dask_ms?: number;
  readonly dask_mean?: number;
  readonly dask_len?: number;
  readonly dask?: string;
}

const SCRIPT = fileURLToPath(new URL('../../python/array_bench.py', import.meta.url));

function checkMeans(who: string, len: number, mean: number, n: number): void {
  if (len !== n / 2 || Math.abs(mean - 1) > 0.01) {
    throw new Error(
      `${who} gave ${len} means averaging ${mean}, expected ${n / 2} means of about 1`,
    );
  }
}

/** The `array-mean` suite. @example await arrayMean.run({ quick: true }) */
export const arrayMean: Suite = {
  name: 'array-mean',
  describe: "x.add(x.T).at('::2, n/2:').mean({ axis: 1 }): dask-ts array vs NumPy vs dask.array",
  async run({ quick }): Promise<SuiteResult> {
    const n = quick ? 4000 : Number(process.env.DASK_TS_BENCH_ARRAY_N ?? 20_000);
    const chunk = 1000;
    const reps = quick ? 2 : 3;
    const rows: string[][] = [];
    const ours: number[] = [];
    for (const workers of [1, 2]) {
      const threads = createThreadsScheduler({ workers });
      try {
        await warmThreads(threads, workers);
        const { best, cpu } = await bestWithCpu(reps, async () => {
          const x = random.random([n, n], { chunks: chunk, seed: 1 });
          const y = x
            .add(x.T)
            .at(`::2, ${n / 2}:`)
            .mean({ axis: 1 });
          const got = await y.compute({ scheduler: threads });
          let s = 0;
          for (let i = 0; i < got.shape[0]; i++) s += got.get(i);
          checkMeans('dask-ts', got.shape[0], s / got.shape[0], n);
        });
        ours.push(best);
        rows.push([
          `dask-ts array, threads (${workers} worker${workers > 1 ? 's' : ''})`,
          fmt(best),
          fmt(cpu),
        ]);
      } finally {
        await threads.close?.();
      }
    }
    const notes = [
      `n = ${n} (${fmt((n * n * 8) / 2 ** 30)} GiB of float64), blocks of ${chunk} x ${chunk}, best of ${reps}; the random numbers are generated inside each run by every implementation; CPU ms = user + system time of this process's threads during the best run`,
      `dask-ts 2 workers vs 1: ${ratio(ours[0], ours[1])}`,
    ];
    const peer = await runJson<PeerResult>(PYTHON, [
      SCRIPT,
      '--n',
      String(n),
      '--chunk',
      String(chunk),
      '--workers',
      '2',
      '--reps',
      String(reps),
    ]);
    checkMeans('NumPy', peer.numpy_len, peer.numpy_mean, n);
    rows.push([`NumPy ${peer.numpy} (one thread, whole array)`, fmt(peer.numpy_ms), '']);
    notes.push(
      `dask-ts (2 workers) vs NumPy: ${ratio(peer.numpy_ms, ours[1])} (above 1: dask-ts is faster)`,
    );
    if (peer.dask_ms !== undefined && peer.dask_len !== undefined && peer.dask_mean !== undefined) {
      checkMeans('dask.array', peer.dask_len, peer.dask_mean, n);
      rows.push([`dask.array ${peer.dask} threads (2 workers)`, fmt(peer.dask_ms), '']);
      notes.push(
        `dask-ts (2 workers) vs dask.array: ${ratio(peer.dask_ms, ours[1])} (above 1: dask-ts is faster)`,
      );
    } else {
      notes.push('dask not installed: apt-get install python3-dask');
    }
    return {
      suite: 'array-mean',
      title: "x.add(x.T).at('::2, n/2:').mean({ axis: 1 })",
      headers: ['implementation', 'best ms', 'CPU ms'],
      rows,
      notes,
    };
  },
};
