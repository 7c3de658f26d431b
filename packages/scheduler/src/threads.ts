// The threads runtime: a LocalCluster whose workers are worker threads running
// `@dask-ts/worker/thread-entry`, each talking over its MessagePort (buffers are transferred, not
// copied). The default scheduler: one thread per core, started on the first compute. Threads end
// with their process, so none can outlive it; `memoryLimitMb` caps each thread's heap
// (`resourceLimits`), and a thread that reaches it is reported as out of memory.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { LocalCluster, type LocalClusterOptions } from './cluster.js';
import type { PoolWorker, PoolWorkerEvents } from './pool-worker.js';
import { removeSpill, spillFor } from './spill-dir.js';
import { checkMemoryLimit, describeExit, type WorkerLimits } from './worker-exit.js';

const require = createRequire(import.meta.url);
let entry: string | undefined;

/**
 * Starts one worker thread named `name`; `limits.memoryLimitMb` caps its heap.
 *
 * @example
 * const w = spawnThread('thread-0', { message: console.log, disconnect: console.log });
 */
export function spawnThread(
  name: string,
  events: PoolWorkerEvents,
  limits: WorkerLimits = {},
): PoolWorker {
  entry ??= require.resolve('@dask-ts/worker/thread-entry');
  const limit = limits.memoryLimitMb;
  const spill = spillFor(name, limits);
  const worker = new Worker(entry, {
    workerData: spill !== undefined ? { name, spill } : { name },
    // This realm's environment (a test sandbox has its own copy): it carries the kernel modules
    // to preload (protocol's kernel-modules.ts). The default would be the process's.
    env: process.env,
    ...(limit !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: limit } } : {}),
  });
  let error: Error | undefined;
  let exited = false;
  const gone = new Promise<void>((resolve) => {
    worker.on('exit', (code) => {
      exited = true;
      removeSpill(spill);
      resolve();
      const oom = (error as { code?: unknown } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      events.disconnect(
        describeExit({
          what: `thread ${name}`,
          code,
          signal: null,
          outOfMemory: oom,
          ...(limit !== undefined ? { memoryLimitMb: limit } : {}),
          ...(error !== undefined && !oom ? { error } : {}),
        }),
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
 * const opts: ThreadsSchedulerOptions = { workers: 4, memoryLimitMb: 512 };
 */
export type ThreadsSchedulerOptions = Omit<LocalClusterOptions, 'spawn' | 'prefix' | 'name'> &
  WorkerLimits;

/**
 * A scheduler that runs tasks on a pool of worker threads (default: one per core). Functions must
 * be portable (module, builtin or source references); closures are refused before anything runs.
 * `memoryLimitMb` caps each thread's heap; a thread that reaches it dies, its tasks are recomputed
 * (up to `maxRetries`), and the error says it ran out of memory; results a thread holds beyond
 * 60 % of it are spilled to disk (under `spillDir`) and read back when needed.
 *
 * @example
 * const threads = createThreadsScheduler({ workers: 4 });
 * const [total] = await threads.get(graph, ['total']);
 * await threads.close();
 */
export function createThreadsScheduler(options: ThreadsSchedulerOptions = {}): LocalCluster {
  const { memoryLimitMb, spillDir, ...rest } = options;
  const limits: WorkerLimits = {
    ...(memoryLimitMb !== undefined ? { memoryLimitMb: checkMemoryLimit(memoryLimitMb) } : {}),
    ...(spillDir !== undefined ? { spillDir } : {}),
  };
  return new LocalCluster({
    ...rest,
    name: 'threads',
    prefix: 'thread',
    spawn: (name, events) => spawnThread(name, events, limits),
  });
}
