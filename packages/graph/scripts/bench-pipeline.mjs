// Benchmark (not a test) of compute's pipeline on a delayed tree reduction: build, materialize
// (daskGraph), cull, validate, fuse (a tree: nothing to fuse; and chains: everything fuses),
// order (1M tasks and 40k tasks), and compute() end to end on `sync`; plus a plain Map.set of
// every key, the reference for the machine's speed at the moment. Each step runs several times
// and the best time is printed. Needs built dist folders (protocol, graph, scheduler).
//   node --max-old-space-size=8192 packages/graph/scripts/bench-pipeline.mjs [--leaves 500000]
//     [--reps 3] [--dist path/to/graph/dist]
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const { values } = parseArgs({
  options: {
    leaves: { type: 'string', default: '500000' },
    reps: { type: 'string', default: '3' },
    dist: { type: 'string', default: new URL('../dist', import.meta.url).pathname },
  },
});
const leaves = Number(values.leaves);
const reps = Number(values.reps);
const g = await import(pathToFileURL(path.join(path.resolve(values.dist), 'index.js')).href);
await import(new URL('../../scheduler/dist/index.js', import.meta.url).href);
const { daskGraph, data, task, ref } = await import('@dask-ts/protocol');

const best = {};
const time = (name, fn) => {
  const t = process.hrtime.bigint();
  const out = fn();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  best[name] = Math.min(best[name] ?? Infinity, ms);
  return out;
};
const timeAsync = async (name, fn) => {
  const t = process.hrtime.bigint();
  const out = await fn();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  best[name] = Math.min(best[name] ?? Infinity, ms);
  return out;
};

function buildTree(n) {
  const noop = g.delayed((x) => x);
  const add = g.delayed((a, b) => a + b);
  let level = [];
  for (let i = 0; i < n; i++) level.push(noop(i));
  let tasks = n;
  while (level.length > 1) {
    const next = [];
    for (let j = 0; j + 1 < level.length; j += 2) next.push(add(level[j], level[j + 1]));
    tasks += next.length;
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return { root: level[0], tasks };
}

/** `count` chains of data -> inc -> inc -> inc, summed pairwise to one root (fusable chains). */
function chainGraph(count) {
  const inc = { kind: 'local', fn: (x) => x + 1, name: 'inc' };
  const sum = { kind: 'local', fn: (a, b) => a + b, name: 'sum' };
  const graph = new Map();
  let level = [];
  for (let i = 0; i < count; i++) {
    graph.set(`d-${i}`, data(i));
    graph.set(`a-${i}`, task(inc, [ref(`d-${i}`)]));
    graph.set(`b-${i}`, task(inc, [ref(`a-${i}`)]));
    graph.set(`c-${i}`, task(inc, [ref(`b-${i}`)]));
    level.push(`c-${i}`);
  }
  let depth = 0;
  while (level.length > 1) {
    depth++;
    const next = [];
    for (let j = 0; j < level.length; j += 2) {
      const k = `s-${depth}-${j}`;
      graph.set(
        k,
        task(
          sum,
          level.slice(j, j + 2).map((x) => ref(x)),
        ),
      );
      next.push(k);
    }
    level = next;
  }
  return { graph, root: level[0] };
}

const expected = (leaves * (leaves - 1)) / 2;
let tasks = 0;
for (let r = 0; r < reps; r++) {
  const tree = time('build', () => buildTree(leaves));
  tasks = tree.tasks;
  const root = tree.root;
  const graph = time('materialize', () => root[daskGraph]());
  // Reference: the floor of any pass that interns the keys (one Map insertion per key).
  time('Map.set ref', () => {
    const m = new Map();
    let i = 0;
    for (const k of graph.keys()) m.set(k, i++);
  });
  const culled = time('cull', () => g.cull(graph, [root.key]));
  time('validate', () => g.validateGraph(culled, [root.key]));
  time('fuse (tree)', () => g.fuse(culled, { keep: [root.key] }));
  time('order', () => g.order(culled));
  const [v] = await timeAsync('compute (sync)', () => g.compute(root, { scheduler: 'sync' }));
  if (v !== expected) throw new Error(`computed ${v}, expected ${expected}`);
}
const small = buildTree(20_000);
const smallGraph = small.root[daskGraph]();
for (let r = 0; r < reps * 3; r++) time('order 40k', () => g.order(smallGraph));
const chains = chainGraph(Math.round(leaves / 2));
for (let r = 0; r < reps; r++) {
  const { graph: fused } = time('fuse (chains)', () =>
    g.fuse(chains.graph, { keep: [chains.root] }),
  );
  if (fused.size > chains.graph.size - 2 * Math.round(leaves / 2))
    throw new Error(`fused to ${fused.size}`);
}

const perM = (ms, n) => ((ms * 1e6) / n).toFixed(0);
console.log(`tasks ${tasks}, best of ${reps}; ms (ms per million tasks)`);
for (const [k, ms] of Object.entries(best)) {
  const n = k === 'order 40k' ? small.tasks : k === 'fuse (chains)' ? chains.graph.size : tasks;
  console.log(
    `${k.padEnd(16)} ${ms.toFixed(1).padStart(9)}  (${perM(ms, n)} /M, ${((ms * 1000) / n).toFixed(2)} µs/task)`,
  );
}
