// The threads runtime: a LocalCluster whose workers are worker threads running
// `@dask-ts/worker/thread-entry`, each talking over its MessagePort (buffers are transferred, not
// copied). The default scheduler: one thread per core, started on the first compute.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { LocalCluster, type LocalClusterOptions } from './cluster.js';
import type { PoolWorker, PoolWorkerEvents } from './pool-worker.js';

const require = createRequire(import.meta.url);
let entry: string | undefined;

/**
 * Starts one worker thread named `name`.
 *
 * @example
 * const w = spawnThread('thread-0', { message: console.log, exit: console.log });
 */
export function spawnThread(name: string, events: PoolWorkerEvents): PoolWorker {
  entry ??= require.resolve('@dask-ts/worker/thread-entry');
  const worker = new Worker(entry, { workerData: { name } });
  let error: Error | undefined;
  let exited = false;
  const gone = new Promise<void>((resolve) => {
    worker.on('exit', (code) => {
      exited = true;
      resolve();
      events.exit(
        error !== undefined
          ? `thread ${name} crashed: ${error.message}`
          : `thread ${name} exited with code ${code}`,
      );
    });
  });
  worker.on('message', events.message);
  worker.on('error', (err) => {
    error = err;
  });
  return {
    name,
    id: worker.threadId,
    send(message, transfer) {
      if (!exited) worker.postMessage(message, transfer as ArrayBuffer[] | undefined);
    },
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    kill: async () => {
      if (!exited) await worker.terminate();
      await gone;
    },
  };
}

/**
 * Options of {@link createThreadsScheduler}.
 *
 * @example
 * const opts: ThreadsSchedulerOptions = { workers: 4 };
 */
export type ThreadsSchedulerOptions = Omit<LocalClusterOptions, 'spawn' | 'prefix' | 'name'>;

/**
 * A scheduler that runs tasks on a pool of worker threads (default: one per core). Functions must
 * be portable (module, builtin or source references); closures are refused before anything runs.
 *
 * @example
 * const threads = createThreadsScheduler({ workers: 4 });
 * const [total] = await threads.get(graph, ['total']);
 * await threads.close();
 */
export function createThreadsScheduler(options: ThreadsSchedulerOptions = {}): LocalCluster {
  return new LocalCluster({ ...options, name: 'threads', prefix: 'thread', spawn: spawnThread });
}
