import { planGraph } from '../src/sync-plan.js';
import { treeReduction } from '../src/__tests__/graphs.js';
const { graph, key } = treeReduction(20000);
const t0 = performance.now();
for (let r = 0; r < 100; r++) planGraph(graph, [key]);
console.log(((performance.now() - t0) * 10 / graph.size).toFixed(3), 'us/task plan');
