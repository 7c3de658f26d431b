// The entry of a worker thread: `new Worker(require.resolve('@dask-ts/worker/thread-entry'),
// { workerData: { name } })`. It runs the worker over `parentPort` until the scheduler sends
// `close` or terminates the thread. Its name comes from `workerData` (`{ name }` or a string).
import { isMainThread, parentPort, threadId, workerData } from 'node:worker_threads';
import type { FromWorker } from '@dask-ts/protocol/runtime';
import { installCrashGuards } from './crash-guards.js';
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
const name = threadName(workerData);
installCrashGuards(name);
await runWorker(messagePortTransport<FromWorker>(parentPort), { name });
// Done: the event loop drains and the worker exits; a timer or socket a task left open gets 1 s.
setTimeout(() => process.exit(0), 1000).unref();
