import { getSync } from '../src/sync.js';
import { treeReduction } from '../src/__tests__/graphs.js';
const { graph, key, expected } = treeReduction(20000);
for (let r = 0; r < 10; r++) {
  const t0 = performance.now();
  const [v] = await getSync(graph, [key]);
  const dt = performance.now() - t0;
  if (v !== expected) throw new Error('wrong');
  console.log(`${((dt * 1000) / graph.size).toFixed(3)} us/task`);
}
