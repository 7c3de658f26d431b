// Ends a worker process whose parent is gone. The worker's own thread may be stuck in a task that
// never returns, so the watching happens on a small thread of its own (plain JavaScript evaluated
// from a string: it loads nothing): every `everyMs` it compares `process.ppid` with the parent's
// pid at start (an orphan is re-parented, so the pid changes) and, once the parent is gone, kills
// the whole process with SIGKILL — nothing remains to report to. The thread is unref'd: it never
// keeps the process alive.
import { Worker } from 'node:worker_threads';

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const { parent, self, everyMs } = workerData;
setInterval(() => {
  if (process.ppid !== parent) process.kill(self, 'SIGKILL');
}, everyMs);
`;

/**
 * Starts the watchdog thread of this process. Returns a function that stops it.
 *
 * @example
 * const stop = watchParent();
 */
export function watchParent(everyMs = 250): () => void {
  // Started at once, not after a turn: a first task that spins would keep a later start from
  // ever happening. The thread boots on its own; this thread does not wait for it.
  const worker = new Worker(WATCHDOG, {
    eval: true,
    workerData: { parent: process.ppid, self: process.pid, everyMs },
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
    stdout: false,
    stderr: false,
  });
  worker.on('error', (err) => {
    process.stderr.write(`dask-ts worker: the parent watchdog stopped: ${err.message}\n`);
  });
  worker.unref();
  return () => void worker.terminate();
}
