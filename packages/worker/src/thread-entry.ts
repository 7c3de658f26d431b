// The entry of a worker thread: `new Worker(require.resolve('@dask-ts/worker/thread-entry'),
// { workerData: { name } })`. It runs the worker over `parentPort` until the scheduler sends
// `close` or terminates the thread. Its name comes from `workerData` (`{ name }` or a string);
// `workerData.spill` (`{ aboveBytes, dir, budget? }`) makes it spill results to disk (see held-data.ts).
import { isMainThread, parentPort, threadId, workerData } from 'node:worker_threads';
import type { FromWorker } from '@dask-ts/protocol/runtime';
import { installCrashGuards } from './crash-guards.js';
import { preloadKernelModules } from './preload.js';
import { garbageCollector } from './collect-garbage.js';
import type { SpillOptions } from './held-data.js';
import { runWorker } from './run-worker.js';
import { messagePortTransport } from './transport.js';

function threadName(data: unknown): string {
  if (typeof data === 'string' && data.length > 0) return data;
  if (typeof data === 'object' && data !== null) {
    const name = (data as { name?: unknown }).name;
    if (typeof name === 'string' && name.length > 0) return name;
  }
  return `thread-${threadId}`;
}

if (isMainThread || parentPort === null) {
  throw new Error(
    '@dask-ts/worker/thread-entry must be started as a worker thread (new Worker(path, { workerData: { name } }))',
  );
}
/** `workerData.spill` when it is well formed (see held-data.ts). */
function spillOf(data: unknown): SpillOptions | undefined {
  const spill = (data as { spill?: Partial<SpillOptions> } | null)?.spill;
  if (typeof spill?.aboveBytes !== 'number' || typeof spill.dir !== 'string') return undefined;
  const budget = spill.budget;
  // A budget shared with the node that watches this process's memory (held-data.ts).
  if (!(budget instanceof Int32Array) || budget.length < 4)
    return { aboveBytes: spill.aboveBytes, dir: spill.dir };
  const collect = garbageCollector();
  return { aboveBytes: spill.aboveBytes, dir: spill.dir, budget, ...(collect ? { collect } : {}) };
}

const name = threadName(workerData);
installCrashGuards(name);
preloadKernelModules();
const spill = spillOf(workerData);
await runWorker(messagePortTransport<FromWorker>(parentPort), {
  name,
  ...(spill !== undefined ? { spill } : {}),
});
// Done: the event loop drains and the worker exits; a timer or socket a task left open gets 1 s.
setTimeout(() => process.exit(0), 1000).unref();
