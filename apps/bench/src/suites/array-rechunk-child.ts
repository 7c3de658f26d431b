// Child process of the `array-rechunk` suite: generates an n x n uniform random float64 array in
// row bands (blocks of chunk x n) on the threads scheduler and reduces it with max over axis 0,
// either as it is (`--mode base`) or after rechunking it to column bands of n x chunk (`--mode
// rechunk`). A process per mode, so its peak RSS (worker threads included) is that mode's own.
// Every worker is started before the timed runs (else the first run may go to one worker alone,
// where no piece crosses threads, and measure less memory than the next).
// Prints one JSON line: best and all times in ms, the peak RSS in bytes, and the smallest of the
// n maxima (about 1).
import { parseArgs } from 'node:util';
import { random } from '@dask-ts/array';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { warmThreads } from './bag-data.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '8192' },
    chunk: { type: 'string', default: '1024' },
    workers: { type: 'string', default: '2' },
    reps: { type: 'string', default: '2' },
    mode: { type: 'string', default: 'rechunk' },
  },
});
const n = Number(values.n);
const chunk = Number(values.chunk);
const workers = Number(values.workers);
const reps = Number(values.reps);
const threads = createThreadsScheduler({ workers });
try {
  await warmThreads(threads, workers);
  const times: number[] = [];
  let low = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const x = random.random([n, n], { chunks: [chunk, n], seed: 1 });
    const y = values.mode === 'base' ? x : x.rechunk([n, chunk]);
    const m = await y.max({ axis: 0 }).compute({ scheduler: threads });
    times.push(performance.now() - t0);
    low = Infinity;
    for (let i = 0; i < m.data.length; i++) low = Math.min(low, m.data[i]);
  }
  console.log(
    JSON.stringify({
      best_ms: Math.min(...times),
      times_ms: times,
      peak_rss: process.resourceUsage().maxRSS * 1024,
      low,
    }),
  );
} finally {
  await threads.close?.();
}
