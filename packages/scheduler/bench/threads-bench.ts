import { createThreadsScheduler } from '../src/threads.js';
import { treeReduction } from '../src/__tests__/graphs.js';
const n = Number(process.argv[2] ?? 20000);
const workers = Number(process.argv[3] ?? 2);
const qf = process.argv[4] && process.argv[4] !== '-' ? Number(process.argv[4]) : undefined;
const order = process.argv[5] !== 'noorder'; // ignored since the core orders tasks itself
const s = createThreadsScheduler({ workers, order, ...(qf ? { queueFactor: qf } : {}) });
const { graph, key, expected } = treeReduction(n);
let best = 0;
for (let r = 0; r < 8; r++) {
  const t0 = performance.now();
  const [v] = await s.get(graph, [key]);
  const dt = performance.now() - t0;
  if (v !== expected) throw new Error(`wrong ${v} vs ${expected}`);
  best = Math.max(best, graph.size / (dt / 1000));
}
console.log(
  `workers=${workers} qf=${qf ?? 'default'} order=${order}: best ${Math.round(best)} tasks/s`,
);
await s.close();
