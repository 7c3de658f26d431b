// Child process of the `delayed-million` suite: builds a tree reduction over `leaves` delayed
// leaves (~2 × leaves tasks) with `delayed`, then computes it on `sync`. Memory is sampled every
// few milliseconds and at every progress report (heapUsed, RSS); the OS high-water mark
// (`resourceUsage().maxRSS`) covers whatever the sampling missed. Then compute's steps (graph,
// cull, validate, fuse, sync get) are timed one by one. Prints one JSON line.
import '@dask-ts/scheduler';
import { compute, cull, delayed, fuse, validateGraph, type Delayed } from '@dask-ts/graph';
import { daskGraph, getScheduler } from '@dask-ts/protocol';
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
if (result !== expected)
  throw new Error(`delayed-million computed ${String(result)}, expected ${expected}`);
const maxRss = process.resourceUsage().maxRSS * 1024;

// Where compute's time goes: the same steps compute() takes, timed one by one (after the peak
// memory was read, since this holds several graphs at once).
const root = level[0];
const phases: Record<string, number> = {};
const phase = <T>(name: string, fn: () => T): T => {
  const t = process.hrtime.bigint();
  const out = fn();
  phases[name] = Number(process.hrtime.bigint() - t) / 1e6;
  return out;
};
const graph = phase('graph', () => root[daskGraph]());
const culled = phase('cull', () => cull(graph, [root.key]));
phase('validate', () => validateGraph(culled, [root.key]));
const fused = phase('fuse', () => fuse(culled, { keep: [root.key] }).graph);
const t2 = process.hrtime.bigint();
const [again] = await getScheduler('sync').get(fused, [root.key]);
phases.get = Number(process.hrtime.bigint() - t2) / 1e6;
if (again !== expected)
  throw new Error(`delayed-million: sync get computed ${String(again)}, expected ${expected}`);

console.log(
  JSON.stringify({
    tasks,
    build_ms: buildMs,
    compute_ms: computeMs,
    peak_heap: peakHeap,
    peak_rss_sampled: peakRss,
    max_rss: maxRss,
    base_rss: baseRss,
    phases_ms: phases,
    fused_tasks: fused.size,
  }),
);
