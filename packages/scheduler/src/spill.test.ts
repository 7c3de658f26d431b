// Pools with a memory limit spill results to disk: a compute whose held inputs are larger than
// the limit allows gives the right answer on threads and processes, every worker's spill
// directory appears under `spillDir` while results are spilled, and none is left once the pool
// is closed.
import { afterEach, describe, expect, it } from '@jest/globals';
import { watch, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ref, task, type GraphNode } from '@dask-ts/protocol';
import type { LocalCluster } from './cluster.js';
import { createProcessesScheduler } from './processes.js';
import { createThreadsScheduler } from './threads.js';
import { src } from './__tests__/graphs.js';

const roots: string[] = [];
const pools: LocalCluster[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

describe.each(['threads', 'processes'] as const)('%s pool with a memory limit', (kind) => {
  it('spills held results to disk, computes the right answer, and leaves no spill directory', async () => {
    const spillDir = mkdtempSync(join(tmpdir(), `spill-${kind}-`));
    roots.push(spillDir);
    const made: string[] = [];
    const watcher = watch(spillDir, (_event, name) => {
      if (name !== null && !made.includes(name)) made.push(name);
    });
    // 64 MiB limit: results over ~38 MiB spill. Twelve 8 MiB arrays are held until one task
    // reads them all (96 MiB).
    const options = { workers: 2, memoryLimitMb: 64, spillDir };
    const pool =
      kind === 'threads' ? createThreadsScheduler(options) : createProcessesScheduler(options);
    pools.push(pool);
    const graph = new Map<string, GraphNode>();
    const make = src('(v) => new Float64Array(1048576).fill(v)');
    const keys: string[] = [];
    for (let i = 1; i <= 12; i++) {
      graph.set(`big-${i}`, task(make, [i]));
      keys.push(`big-${i}`);
    }
    graph.set(
      'total',
      task(
        src('(...xs) => xs.reduce((s, x) => s + x[0] + x[x.length - 1], 0)'),
        keys.map((k) => ref(k)),
      ),
    );
    try {
      await expect(pool.get(graph, ['total'])).resolves.toEqual([2 * 78]);
    } finally {
      watcher.close();
    }
    expect(made.some((n) => n.startsWith('dask-ts-spill-'))).toBe(true);
    await pool.close();
    expect(readdirSync(spillDir)).toEqual([]);
  });
});
