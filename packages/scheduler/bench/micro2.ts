import { treeReduction } from '../src/__tests__/graphs.js';
const { graph } = treeReduction(20000);
const keys = [...graph.keys()];
for (let r = 0; r < 8; r++) {
  let t0 = performance.now();
  const m: Record<string, number> = Object.create(null);
  for (let i = 0; i < keys.length; i++) m[keys[i]!] = i;
  let t1 = performance.now();
  let s = 0;
  for (let i = 0; i < keys.length; i++) s += m[keys[i]!]!;
  let t2 = performance.now();
  const mm = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) mm.set(keys[i]!, i);
  let t3 = performance.now();
  for (let i = 0; i < keys.length; i++) s += mm.get(keys[i]!)!;
  let t4 = performance.now();
  const f = (x: number) => ((x * 1000) / keys.length).toFixed(3);
  console.log(`obj set ${f(t1 - t0)} get ${f(t2 - t1)} map set ${f(t3 - t2)} get ${f(t4 - t3)}`);
}
