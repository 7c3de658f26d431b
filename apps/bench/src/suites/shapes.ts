// Suite `shapes`: per-task cost across graph shapes (shape-graphs.ts), each built with `delayed`
// and computed with `compute` as a user would, on dask-ts `sync` and `threads` (2 workers, one
// warm pool) and on Dask's sync and threaded schedulers (python/shapes_bench.py, the same shapes
// as plain dicts), in one run, at several sizes. For dask-ts, "first" is the first compute of a
// freshly built value (its graph materialized and prepared); later computes reuse the graph the
// value keeps, as Dask's collections do; "best" is the best of the later ones. Every shape runs
// once, small and untimed, before anything is timed. "× tree" compares a shape's per-task cost
// with the tree's at the same size and scheduler.
import '@dask-ts/scheduler';
import { compute, type Delayed } from '@dask-ts/graph';
import { daskGraph, type Scheduler } from '@dask-ts/protocol';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { fileURLToPath } from 'node:url';
import {
  PYTHON,
  fmt,
  int,
  ratio,
  runJson,
  timeMs,
  type Suite,
  type SuiteResult,
} from '../harness.js';
import { DASK_MISSING, daskAvailable } from '../peers/dask.js';
import { SHAPES, type ShapeWorkload } from '../shape-graphs.js';

interface DaskShapes {
  readonly shapes: Record<
    string,
    { tasks: number; edges: number; sync_ms: number; threads_ms: number }
  >;
  readonly dask: string;
  readonly python: string;
}

const SCRIPT = fileURLToPath(new URL('../../python/shapes_bench.py', import.meta.url));
const WORKERS = 2;

/** Tasks and edges of a workload's graphs (before any fusion). */
function countGraph(w: ShapeWorkload): { tasks: number; edges: number } {
  let tasks = 0;
  let edges = 0;
  for (const v of w.values) {
    for (const node of v[daskGraph]().values()) {
      tasks++;
      if (node.kind === 'task') edges += node.deps.length;
    }
  }
  return { tasks, edges };
}

/** Computes every value of a workload concurrently (one compute each); checks the results. */
async function runOnce(
  w: ShapeWorkload,
  scheduler: string | Scheduler,
  what: string,
): Promise<void> {
  const got = await Promise.all(w.values.map((v: Delayed<number>) => compute(v, { scheduler })));
  for (let i = 0; i < got.length; i++) {
    if (got[i][0] !== w.expected[i])
      throw new Error(
        `${what}: value ${i} computed ${String(got[i][0])}, expected ${w.expected[i]}`,
      );
  }
}

/** Time spent in repeated computes of one shape before the best is taken (ms), past `reps`. */
const MIN_MS = 300;

/**
 * First compute of a fresh build, then the best of later computes (ms): at least `reps` of them
 * and, past that, more until `minMs` were spent in them (up to 1,000), so short runs are measured
 * once the JIT has settled, not during its first optimizations.
 */
async function measure(
  build: () => ShapeWorkload,
  scheduler: string | Scheduler,
  reps: number,
  what: string,
  minMs: number,
): Promise<{ first: number; best: number; runs: number }> {
  const w = build();
  const first = await timeMs(() => runOnce(w, scheduler, what));
  let best = Infinity;
  let spent = 0;
  let runs = 0;
  while (runs < reps || (spent < minMs && runs < 1_000)) {
    const ms = await timeMs(() => runOnce(w, scheduler, what));
    best = Math.min(best, ms);
    spent += ms;
    runs++;
  }
  return { first, best, runs };
}

/** The `shapes` suite. @example await shapes.run({ quick: true }) */
export const shapes: Suite = {
  name: 'shapes',
  describe:
    'per-task cost of tree, fan-in, fan-out, chain, shuffle, stencil, many small graphs (delayed) vs Dask',
  async run({ quick }): Promise<SuiteResult> {
    const sizes = quick ? [2_000] : [10_000, 100_000];
    const withDask = daskAvailable();
    const threads = createThreadsScheduler({ workers: WORKERS });
    const rows: string[][] = [];
    let daskVersion = '';
    try {
      // Every shape once, small and untimed, on both schedulers: code compiled, threads started.
      for (const shape of SHAPES) {
        const w = shape.build(2_000);
        await runOnce(w, 'sync', `${shape.name} warm-up on sync`);
        await runOnce(w, threads, `${shape.name} warm-up on threads`);
      }
      for (const size of sizes) {
        const reps = quick ? 2 : size <= 10_000 ? 15 : 5;
        const minMs = quick ? 0 : MIN_MS;
        const daskReps = quick ? 1 : size <= 10_000 ? 2 : 1;
        const dask = withDask
          ? await runJson<DaskShapes>(PYTHON, [
              SCRIPT,
              '--shapes',
              SHAPES.map((s) => s.name).join(','),
              '--tasks',
              String(size),
              '--workers',
              String(WORKERS),
              '--reps',
              String(daskReps),
              '--warmup',
              String(quick || size > 10_000 ? 0 : 1),
            ])
          : undefined;
        if (dask !== undefined) daskVersion = dask.dask;
        let treeSync = NaN;
        let treeThreads = NaN;
        for (const shape of SHAPES) {
          const build = () => shape.build(size);
          const { tasks, edges } = countGraph(build());
          const s = await measure(build, 'sync', reps, `${shape.name} on sync`, minMs);
          const t = await measure(build, threads, reps, `${shape.name} on threads`, minMs);
          const us = (ms: number, n = tasks) => (ms * 1000) / n;
          if (shape.name === 'tree') {
            treeSync = us(s.best);
            treeThreads = us(t.best);
          }
          const d = dask?.shapes[shape.name];
          if (d !== undefined && (d.tasks !== tasks || d.edges !== edges))
            throw new Error(
              `${shape.name}: Dask's graph has ${d.tasks} tasks and ${d.edges} edges, dask-ts's ${tasks} and ${edges}`,
            );
          rows.push([
            shape.name,
            int(tasks),
            int(edges),
            fmt(us(s.first)),
            fmt(us(s.best)),
            fmt(us(t.best)),
            d === undefined ? '–' : fmt(us(d.sync_ms)),
            d === undefined ? '–' : fmt(us(d.threads_ms)),
            d === undefined ? '–' : ratio(us(d.sync_ms), us(s.best)),
            d === undefined ? '–' : ratio(us(d.threads_ms), us(t.best)),
            ratio(us(s.best), treeSync),
            ratio(us(t.best), treeThreads),
          ]);
        }
      }
    } finally {
      await threads.close?.();
    }
    const notes = [
      `sizes: ${sizes.map((s) => int(s)).join(' and ')} tasks (rows in that order); dask-ts: built with delayed, computed with compute(); "first" = the first compute of a freshly built value, then the best of later computes, which reuse the graph the value keeps: ${quick ? '2 of them' : `at least 15 (10k) or 5 (100k), and more until ${MIN_MS} ms were spent (so a short compute is timed once the JIT has settled)`}`,
      `Dask ${daskVersion || '(absent)'}: the same shapes as plain dicts (same tasks, edges and results) on get_sync and threaded get (num_workers=${WORKERS}); ${quick ? 'one run' : 'one untimed run then best of 2 (10k); one run (100k)'}; Dask's delayed would add its own graph building on top`,
      `"vs Dask" = Dask µs/task ÷ dask-ts µs/task (higher: dask-ts faster); "× tree" = this shape's µs/task ÷ the tree's, same size and scheduler (best runs); "many" computes its small graphs concurrently (Dask: one get after another)`,
      `shapes: ${SHAPES.map((s) => `${s.name} = ${s.describe}`).join('; ')}`,
    ];
    if (!withDask) notes.push(DASK_MISSING);
    return {
      suite: 'shapes',
      title: 'graph shapes built with delayed (µs per task)',
      headers: [
        'shape',
        'tasks',
        'edges',
        'sync first',
        'sync',
        `threads (${WORKERS})`,
        'Dask sync',
        'Dask threaded',
        'sync vs Dask',
        'threads vs Dask',
        'sync × tree',
        'threads × tree',
      ],
      rows,
      notes,
    };
  },
};
