// Child process of the `array-sum` and `array-chain` suites: a 1-d uniform random float64 array
// of n elements in blocks of `chunk` (seed 1), generated inside the timed run, then summed
// (`--mode sum`: `random.random([n]).sum()`) or put through the chain and summed (`--mode chain`:
// `x.mul(2).add(1).sin().abs().sum()`), both through the public API on the threads scheduler;
// or the chain by the hand-written loop (`--mode hand`, peers/array-hand-loop.ts). A process per
// mode, so its peak RSS (worker threads included) is that workload's own. The threads are
// started (and the array kernels loaded) before the timed runs.
// Prints one JSON line: best and all times in ms, CPU ms of the best run, peak RSS in bytes, and
// the mean of the summed values (about 0.5 for sum, about 0.765 for the chain).
import { parseArgs } from 'node:util';
import { random } from '@dask-ts/array';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { handChain } from '../peers/array-hand-loop.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '16777216' },
    chunk: { type: 'string', default: '16777216' },
    workers: { type: 'string', default: '2' },
    reps: { type: 'string', default: '1' },
    mode: { type: 'string', default: 'sum' },
  },
});
const n = Number(values.n);
const chunk = Number(values.chunk);
const workers = Number(values.workers);
const reps = Number(values.reps);
const mode = values.mode;
if (mode !== 'sum' && mode !== 'chain' && mode !== 'hand') {
  throw new Error(`array-big-child: --mode must be sum, chain or hand, got ${mode}`);
}

/** The workload of this mode through the public API. */
function workload(size: number, block: number) {
  const x = random.random([size], { chunks: block, seed: 1 });
  return mode === 'sum' ? x.sum() : x.mul(2).add(1).sin().abs().sum();
}

const threads = mode === 'hand' ? undefined : createThreadsScheduler({ workers });
try {
  if (threads !== undefined) {
    // Warm up: start every worker and load the kernels there (a few tiny computes).
    for (let i = 0; i < 20; i++) {
      await workload(4096 * workers * 4, 4096).compute({ scheduler: threads });
      if (threads.workers.length === workers && threads.workers.every((w) => w.ready)) break;
    }
  }
  const times: number[] = [];
  let cpu = 0;
  let mean = NaN;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let s: number;
    if (threads === undefined) {
      s = await handChain(n, 1, chunk, workers);
    } else {
      s = Number(await workload(n, chunk).compute({ scheduler: threads }));
    }
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (times.length === 0 || ms < Math.min(...times)) cpu = (c.user + c.system) / 1000;
    times.push(ms);
    mean = s / n;
  }
  console.log(
    JSON.stringify({
      best_ms: Math.min(...times),
      times_ms: times,
      cpu_ms: cpu,
      peak_rss: process.resourceUsage().maxRSS * 1024,
      mean,
    }),
  );
} finally {
  await threads?.close?.();
}
