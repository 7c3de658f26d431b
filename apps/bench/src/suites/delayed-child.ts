// Child process of the `delayed-million` suite: builds a tree reduction over `leaves` delayed
// leaves (~2 × leaves tasks) with `delayed`, then computes it on `sync`. Memory is sampled every
// few milliseconds and at every progress report (heapUsed, RSS); the OS high-water mark
// (`resourceUsage().maxRSS`) covers whatever the sampling missed. Prints one JSON line.
import '@dask-ts/scheduler';
import { compute, delayed, type Delayed } from '@dask-ts/graph';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { leaves: { type: 'string', default: '500000' } } });
const leaves = Number(values.leaves);

let peakHeap = 0;
let peakRss = 0;
const sample = () => {
  const m = process.memoryUsage();
  if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  if (m.rss > peakRss) peakRss = m.rss;
};
const sampler = setInterval(sample, 5);
sample();
const baseRss = process.memoryUsage().rss;

const noop = delayed((x: number) => x);
const add = delayed((a: number, b: number) => a + b);

const t0 = process.hrtime.bigint();
let level: Delayed<number>[] = [];
for (let i = 0; i < leaves; i++) {
  level.push(noop(i));
  if ((i & 0xffff) === 0) sample();
}
let tasks = leaves;
while (level.length > 1) {
  const next: Delayed<number>[] = [];
  for (let j = 0; j + 1 < level.length; j += 2) next.push(add(level[j], level[j + 1]));
  tasks += next.length;
  if (level.length % 2 === 1) next.push(level[level.length - 1]);
  level = next;
  sample();
}
const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
sample();

const t1 = process.hrtime.bigint();
const [result] = await compute(level[0], { scheduler: 'sync', onProgress: sample });
const computeMs = Number(process.hrtime.bigint() - t1) / 1e6;
sample();
clearInterval(sampler);

const expected = (leaves * (leaves - 1)) / 2;
if (result !== expected) throw new Error(`delayed-million computed ${String(result)}, expected ${expected}`);
console.log(
  JSON.stringify({
    tasks,
    build_ms: buildMs,
    compute_ms: computeMs,
    peak_heap: peakHeap,
    peak_rss_sampled: peakRss,
    max_rss: process.resourceUsage().maxRSS * 1024,
    base_rss: baseRss,
  }),
);
