import { treeReduction } from '../src/__tests__/graphs.js';
const { graph } = treeReduction(20000);
const keys = [...graph.keys()];
for (let r = 0; r < 5; r++) {
  let t0 = performance.now();
  const m = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) m.set(keys[i]!, i);
  let t1 = performance.now();
  let s = 0;
  for (let i = 0; i < keys.length; i++) s += m.get(keys[i]!)!;
  for (const [k, n] of graph) { if (n.kind === 'task') for (const d of n.deps) s += m.get(d)!; }
  let t2 = performance.now();
  console.log(`set ${((t1 - t0) * 1000 / keys.length).toFixed(3)} get ${((t2 - t1) * 1000 / keys.length/2).toFixed(3)}`, s);
}
