import { order } from '@dask-ts/graph';
import { treeReduction } from '../src/__tests__/graphs.js';
const { graph } = treeReduction(20000);
for (let r = 0; r < 8; r++) {
  const t0 = performance.now();
  order(graph);
  console.log(`order ${(((performance.now() - t0) * 1000) / graph.size).toFixed(3)} us/task`);
}
