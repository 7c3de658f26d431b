import { planGraph } from '../src/sync-plan.js';
import { treeReduction } from '../src/__tests__/graphs.js';
import { getSync } from '../src/sync.js';
const { graph, key } = treeReduction(20000);
for (let r = 0; r < 10; r++) {
  let t0 = performance.now();
  planGraph(graph, [key]);
  const t1 = performance.now();
  await getSync(graph, [key]);
  const t2 = performance.now();
  console.log(`plan ${((t1 - t0) * 1000 / graph.size).toFixed(3)} total ${((t2 - t1) * 1000 / graph.size).toFixed(3)}`);
}
