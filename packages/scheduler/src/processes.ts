// The processes runtime: a LocalCluster whose workers are child processes running
// `@dask-ts/worker/process-entry`, each talking over its IPC channel with `serialization:
// 'advanced'` (typed arrays, Maps, Dates and BigInts survive). Isolates crashes and native memory;
// costs more per message than threads.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { LocalCluster, type LocalClusterOptions } from './cluster.js';
import type { PoolWorker, PoolWorkerEvents } from './pool-worker.js';

const require = createRequire(import.meta.url);
let entry: string | undefined;

/**
 * Starts one worker process named `name`.
 *
 * @example
 * const w = spawnProcess('process-0', { message: console.log, exit: console.log });
 */
export function spawnProcess(name: string, events: PoolWorkerEvents): PoolWorker {
  entry ??= require.resolve('@dask-ts/worker/process-entry');
  const child = fork(entry, [name], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
  });
  let exited = false;
  let error: Error | undefined;
  const gone = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      resolve();
      events.exit(
        signal !== null
          ? `process ${name} (pid ${child.pid}) was killed by ${signal}`
          : `process ${name} (pid ${child.pid}) exited with code ${code}${error ? `: ${error.message}` : ''}`,
      );
    });
  });
  child.on('message', events.message);
  child.on('error', (err) => {
    error = err;
  });
  return {
    name,
    id: child.pid ?? -1,
    send(message) {
      if (exited || !child.connected) return;
      child.send(message, (err) => {
        if (err !== null && !exited) error = err;
      });
    },
    ref: () => {
      child.ref();
      child.channel?.ref();
    },
    unref: () => {
      child.unref();
      child.channel?.unref();
    },
    kill: async () => {
      if (!exited) child.kill('SIGKILL');
      await gone;
    },
  };
}

/**
 * Options of {@link createProcessesScheduler}.
 *
 * @example
 * const opts: ProcessesSchedulerOptions = { workers: 2 };
 */
export type ProcessesSchedulerOptions = Omit<LocalClusterOptions, 'spawn' | 'prefix' | 'name'>;

/**
 * A scheduler that runs tasks in a pool of worker processes (default: one per core).
 *
 * @example
 * const procs = createProcessesScheduler({ workers: 2 });
 * const [total] = await procs.get(graph, ['total']);
 * await procs.close();
 */
export function createProcessesScheduler(options: ProcessesSchedulerOptions = {}): LocalCluster {
  return new LocalCluster({
    ...options,
    name: 'processes',
    prefix: 'process',
    spawn: spawnProcess,
  });
}
