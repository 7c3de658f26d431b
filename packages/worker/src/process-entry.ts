// The entry of a worker process: `fork(require.resolve('@dask-ts/worker/process-entry'), [name],
// { serialization: 'advanced' })`. It runs the worker over the IPC channel until the scheduler
// sends `close` or the channel closes (the parent exited). Its name is the first argument, else
// the environment variable DASK_TS_WORKER_NAME, else `process-<pid>`. DASK_TS_SPILL_DIR and
// DASK_TS_SPILL_ABOVE (bytes) make it spill results to disk (see held-data.ts).
//
// A worker never outlives its parent: when the channel closes it stops, and because a task that
// spins blocks this thread (the close would never be seen), a watchdog thread checks the parent
// every few hundred milliseconds and kills this process once the parent is gone (see
// parent-watchdog.ts).
import type { FromWorker } from '@dask-ts/protocol/runtime';
import { installCrashGuards } from './crash-guards.js';
import { preloadKernelModules } from './preload.js';
import { watchParent } from './parent-watchdog.js';
import { runWorker } from './run-worker.js';
import { processTransport } from './transport.js';

if (typeof process.send !== 'function') {
  process.stderr.write(
    '@dask-ts/worker/process-entry needs an IPC channel: start it with child_process.fork(path, [name], { serialization: "advanced" })\n',
  );
  process.exit(1);
}
const name = process.argv[2] || process.env.DASK_TS_WORKER_NAME || `process-${process.pid}`;
installCrashGuards(name);
preloadKernelModules();
const spillDir = process.env.DASK_TS_SPILL_DIR;
const spillAbove = Number(process.env.DASK_TS_SPILL_ABOVE);
const running = runWorker(processTransport<FromWorker>(process), {
  name,
  ...(spillDir !== undefined && spillDir !== '' && spillAbove > 0
    ? { spill: { aboveBytes: spillAbove, dir: spillDir } }
    : {}),
});
watchParent();
await running;
// Done: the event loop drains and the worker exits; a timer or socket a task left open gets 1 s.
setTimeout(() => process.exit(0), 1000).unref();
