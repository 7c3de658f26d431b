// The options a LocalCluster is made with and the view of its workers it gives back.
import type { SpawnWorker } from './pool-worker.js';

/**
 * Options of a {@link LocalCluster}.
 *
 * @example
 * const opts: LocalClusterOptions = { spawn: spawnThread, workers: 2 };
 */
export interface LocalClusterOptions {
  /** How many workers (default: `os.availableParallelism()`). */
  readonly workers?: number;
  /**
   * Tasks in flight per worker (the core's `queueFactor`). Default: adaptive, from the run times
   * the workers report (about 2 ms of work per worker, 16 to 1024 tasks). A number fixes it:
   * larger batches and fewer round trips, or better balance for slow, uneven tasks.
   */
  readonly queueFactor?: number;
  /**
   * How often a task may be lost with its worker before its compute fails (default 3). Every
   * death counts (a crash, an exit, running out of memory), except a worker the pool stops itself
   * because it kept running a task no compute wanted anymore.
   */
  readonly maxRetries?: number;
  /**
   * Root tasks (no inputs) in flight per worker slot once finished roots show large outputs
   * (default 1.25; `Infinity` never holds roots back): lower keeps memory flatter, higher keeps
   * slots busier. Dask's `worker-saturation`.
   */
  readonly rootSaturation?: number;
  /** Starts one worker. */
  readonly spawn: SpawnWorker;
  /** Prefix of worker names (default `'worker'`). */
  readonly prefix?: string;
  /** The scheduler's name (default `'local'`). */
  readonly name?: string;
  /** Where problems (malformed messages, crashed workers) are reported; default stderr. */
  readonly log?: (line: string) => void;
}

/**
 * A worker of a running pool, as {@link LocalCluster.workers} lists it.
 *
 * @example
 * const [first]: WorkerInfo[] = cluster.workers;
 */
export interface WorkerInfo {
  readonly name: string;
  /** Process id (processes) or thread id (threads). */
  readonly id: number;
  /** Whether it said hello and takes tasks. */
  readonly ready: boolean;
}
