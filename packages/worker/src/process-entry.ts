// The entry of a worker process: `fork(require.resolve('@dask-ts/worker/process-entry'), [name],
// { serialization: 'advanced' })`. It runs the worker over the IPC channel until the scheduler
// sends `close` or the channel closes (the parent exited). Its name is the first argument, else
// the environment variable DASK_TS_WORKER_NAME, else `process-<pid>`.
import type { FromWorker } from '@dask-ts/protocol/runtime';
import { installCrashGuards } from './crash-guards.js';
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
await runWorker(processTransport<FromWorker>(process), { name });
// Done: the event loop drains and the worker exits; a timer or socket a task left open gets 1 s.
setTimeout(() => process.exit(0), 1000).unref();
