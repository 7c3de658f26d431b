// The processes runtime: a LocalCluster whose workers are child processes running
// `@dask-ts/worker/process-entry`, each talking over its IPC channel with `serialization:
// 'advanced'` (typed arrays, Maps, Dates and BigInts survive). Isolates crashes and native memory;
// costs more per message than threads.
//
// Lifecycle policy: no child outlives this process. When it exits (normally, by `process.exit` or
// an uncaught error) every live child is killed synchronously from an `exit` hook; when it dies
// without running hooks (a signal, SIGKILL) each child notices on its own: its entry runs a
// watchdog thread that kills it once its parent is gone, even while a task spins. `kill()` refs
// the child until it is gone, so `close()` resolves whatever else holds the event loop. A child's
// stderr passes through this process, which keeps its tail: an out-of-memory death is reported as
// such (`events.exit` says: exit code, signal, or the heap limit it reached).
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { LocalCluster, type LocalClusterOptions } from './cluster.js';
import type { PoolWorker, PoolWorkerEvents } from './pool-worker.js';
import { removeSpill, spillFor } from './spill-dir.js';
import { checkMemoryLimit, describeExit, type WorkerLimits } from './worker-exit.js';

const require = createRequire(import.meta.url);
let entry: string | undefined;

/** Children not yet exited; killed by the exit hook. */
const live = new Set<ChildProcess>();
let hooked = false;

function killLiveChildren(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

/** How much of a child's stderr is kept to explain its death. */
const STDERR_TAIL = 2048;

/**
 * Starts one worker process named `name`; `limits.memoryLimitMb` caps its JavaScript heap
 * (`--max-old-space-size`).
 *
 * @example
 * const w = spawnProcess('process-0', { message: console.log, disconnect: console.log });
 */
export function spawnProcess(
  name: string,
  events: PoolWorkerEvents,
  limits: WorkerLimits = {},
): PoolWorker {
  entry ??= require.resolve('@dask-ts/worker/process-entry');
  if (!hooked) {
    hooked = true;
    process.on('exit', killLiveChildren);
  }
  const limit = limits.memoryLimitMb;
  const spill = spillFor(name, limits);
  // The environment is passed explicitly, as this realm sees it (a test sandbox has its own copy):
  // it carries the kernel modules to preload (protocol's kernel-modules.ts).
  const child = fork(entry, [name], {
    env: {
      ...process.env,
      ...(spill !== undefined
        ? { DASK_TS_SPILL_DIR: spill.dir, DASK_TS_SPILL_ABOVE: String(spill.aboveBytes) }
        : {}),
    },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    execArgv: limit !== undefined ? [`--max-old-space-size=${limit}`] : [],
  });
  live.add(child);
  let tail = '';
  const stderr = child.stderr;
  stderr?.setEncoding('utf8');
  stderr?.on('data', (text: string) => {
    process.stderr.write(text);
    tail = (tail + text).slice(-STDERR_TAIL);
  });
  let exited = false;
  let error: Error | undefined;
  const gone = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      removeSpill(spill);
      live.delete(child);
      resolve();
      events.disconnect(
        describeExit({
          what: `process ${name} (pid ${child.pid ?? '?'})`,
          code,
          signal,
          outOfMemory: /heap out of memory|Reached heap limit/i.test(tail),
          ...(limit !== undefined ? { memoryLimitMb: limit } : {}),
          ...(error !== undefined ? { error } : {}),
        }),
      );
    });
  });
  child.on('message', events.message);
  child.on('error', (err) => {
    error = err;
  });
  const setRef = (on: boolean): void => {
    if (on) {
      child.ref();
      child.channel?.ref();
      (stderr as { ref?: () => void } | null)?.ref?.();
    } else {
      child.unref();
      child.channel?.unref();
      (stderr as { unref?: () => void } | null)?.unref?.();
    }
  };
  return {
    name,
    id: child.pid ?? -1,
    send(message) {
      if (exited || !child.connected) return;
      child.send(message, (err) => {
        if (err !== null && !exited) error = err;
      });
    },
    ref: () => setRef(true),
    unref: () => setRef(false),
    kill: async () => {
      if (exited) return;
      // Held until the exit is seen: an unref'd child would let the loop end first, and the
      // caller's `await close()` would never resume.
      setRef(true);
      child.kill('SIGKILL');
      await gone;
    },
  };
}

/**
 * Options of {@link createProcessesScheduler}.
 *
 * @example
 * const opts: ProcessesSchedulerOptions = { workers: 2, memoryLimitMb: 512 };
 */
export type ProcessesSchedulerOptions = Omit<LocalClusterOptions, 'spawn' | 'prefix' | 'name'> &
  WorkerLimits;

/**
 * A scheduler that runs tasks in a pool of worker processes (default: one per core).
 * `memoryLimitMb` caps each process's JavaScript heap; a process that reaches it dies, its tasks
 * are recomputed (up to `maxRetries`), and the error says it ran out of memory; results a
 * process holds beyond 60 % of it are spilled to disk (under `spillDir`) and read back when needed.
 *
 * @example
 * const procs = createProcessesScheduler({ workers: 2 });
 * const [total] = await procs.get(graph, ['total']);
 * await procs.close();
 */
export function createProcessesScheduler(options: ProcessesSchedulerOptions = {}): LocalCluster {
  const { memoryLimitMb, spillDir, ...rest } = options;
  const limits: WorkerLimits = {
    ...(memoryLimitMb !== undefined ? { memoryLimitMb: checkMemoryLimit(memoryLimitMb) } : {}),
    ...(spillDir !== undefined ? { spillDir } : {}),
  };
  return new LocalCluster({
    ...rest,
    name: 'processes',
    prefix: 'process',
    spawn: (name, events) => spawnProcess(name, events, limits),
  });
}
