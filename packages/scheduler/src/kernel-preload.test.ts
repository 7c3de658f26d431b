// Workers import the kernel modules their parent defined as they boot (protocol's
// kernel-modules.ts, worker's preload.ts), on threads and on processes: a task that never names
// the module sees it loaded. Worker entries run from dist: build protocol, graph and worker first.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { shareKernelModule, sharedKernelModules } from '@dask-ts/protocol/runtime';
import { task, type GraphNode, type Scheduler } from '@dask-ts/protocol';
import { createProcessesScheduler, createThreadsScheduler } from './index.js';
import { src } from './__tests__/graphs.js';

// A kernel module of our own whose import leaves a mark on the thread that imported it.
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-preload-'));
const moduleUrl = pathToFileURL(join(dir, 'marked-kernels.mjs')).href;
writeFileSync(join(dir, 'marked-kernels.mjs'), 'globalThis.__daskTsPreloaded = true;\n');
shareKernelModule(moduleUrl);
const threads = createThreadsScheduler({ workers: 2, log: () => undefined });
const processes = createProcessesScheduler({ workers: 1, log: () => undefined });
afterAll(async () => {
  await threads.close();
  await processes.close();
  rmSync(dir, { recursive: true, force: true });
});

// Waits (up to 20 s: a loaded machine) for the mark; the task names no module at all.
const waitForMark = `async () => {
  for (let i = 0; i < 400 && globalThis.__daskTsPreloaded !== true; i++)
    await new Promise((r) => setTimeout(r, 50));
  return globalThis.__daskTsPreloaded === true;
}`;

describe('kernel modules are preloaded by workers', () => {
  it('notes each module once', () => {
    shareKernelModule(moduleUrl);
    expect(sharedKernelModules().filter((u) => u === moduleUrl)).toHaveLength(1);
  });

  it.each([
    ['threads', threads],
    ['processes', processes],
  ] as [string, Scheduler][])(
    '%s: the module is imported before any task names it',
    async (_n, s) => {
      const g = new Map<string, GraphNode>([
        ['a', task(src(waitForMark), [])],
        ['b', task(src(waitForMark), [])],
      ]);
      expect(await s.get(g, ['a', 'b'])).toEqual([true, true]);
    },
    60_000,
  );
});
