// Suite `dist-tree`: a tree reduction of 100,000 tasks built with `delayed` (no-op leaves, pairwise
// adds up to one root, as tree-graph.ts builds it), computed on a cluster of 2 worker processes ×
// 1 thread: dask-ts `Client.local` + `client.compute`, against dask.distributed's LocalCluster of
// the same shape running the same graph (`client.get`). Each side runs the whole workload once
// untimed, then best of `reps` end to end (building the graph with `delayed` is timed on the
// dask-ts side; Dask's graph dict is built once, before timing, which favours Dask).
import { Client } from '@dask-ts/client';
import { treeDelayed } from '../tree-graph.js';
import {
  fmt,
  int,
  nowNs,
  ratio,
  PYTHON,
  runJson,
  type Suite,
  type SuiteResult,
} from '../harness.js';
import { DASK_MISSING, daskAvailable } from '../peers/dask.js';
import { fileURLToPath } from 'node:url';

interface DaskTreeResult {
  readonly best_ms: number;
  readonly tasks: number;
  readonly dask: string;
}

const SCRIPT = fileURLToPath(new URL('../../python/tree_bench.py', import.meta.url));

async function ours(leaves: number, reps: number): Promise<{ best: number; tasks: number }> {
  const client = await Client.local({ nWorkers: 2, threadsPerWorker: 1, asDefault: false });
  try {
    let tasks = 0;
    let best = Infinity;
    for (let r = 0; r <= reps; r++) {
      const t0 = nowNs();
      const tree = treeDelayed(leaves);
      const value = await client.compute(tree.root);
      const ms = Number(nowNs() - t0) / 1e6;
      if (value !== tree.expected) throw new Error(`dask-ts dist-tree: got ${value}`);
      tasks = tree.tasks;
      if (r > 0) best = Math.min(best, ms); // run 0 is the untimed warm-up
    }
    return { best, tasks };
  } finally {
    await client.close();
  }
}

/** The `dist-tree` suite. @example await distTree.run({ quick: true }) */
export const distTree: Suite = {
  name: 'dist-tree',
  describe: 'a 100k-task delayed tree computed on 2 worker processes vs dask.distributed',
  async run({ quick }): Promise<SuiteResult> {
    const leaves = quick ? 5_000 : 50_000;
    const reps = quick ? 1 : 3;
    const us = await ours(leaves, reps);
    const rate = (ms: number): number => (us.tasks / ms) * 1000;
    const rows: string[][] = [
      ['dask-ts Client.local (2 processes × 1 thread)', fmt(us.best), int(rate(us.best)), '1×'],
    ];
    const notes = [
      `${us.tasks.toLocaleString('en-US')} tasks (${leaves.toLocaleString('en-US')} no-op leaves, pairwise adds); one untimed run, then best of ${reps}, end to end (dask-ts also builds the graph with \`delayed\` inside the timing); "dask-ts / peer" = time ratio (higher: dask-ts faster).`,
    ];
    if (daskAvailable()) {
      const d = await runJson<DaskTreeResult>(PYTHON, [
        SCRIPT,
        '--leaves',
        String(leaves),
        '--scheduler',
        'distributed',
        '--workers',
        '2',
        '--reps',
        String(quick ? 1 : 2),
      ]);
      rows.push([
        `dask.distributed ${d.dask} LocalCluster (2 processes × 1 thread)`,
        fmt(d.best_ms),
        int((d.tasks / d.best_ms) * 1000),
        ratio(d.best_ms, us.best),
      ]);
    } else notes.push(DASK_MISSING);
    return {
      suite: 'dist-tree',
      title: 'distributed: a 100,000-task delayed tree on 2 worker processes',
      headers: ['implementation', 'best ms', 'tasks/s', 'dask-ts / peer'],
      rows,
      notes,
    };
  },
};
