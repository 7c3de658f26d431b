// A LocalCluster is a scheduler shell (shell.ts: the core, its turn loop and the translation
// between core and wire) driving a local pool of threads or processes (local-pool.ts: spawned on
// the first compute, replaced when they die). The pool is the only part that knows workers are
// local: a scheduler for remote workers is the same shell with other endpoints.
import { availableParallelism } from 'node:os';
import type { ComputeOptions, Graph, Scheduler } from '@dask-ts/protocol';
import type { LocalClusterOptions, WorkerInfo } from './cluster-options.js';
import { LocalPool } from './local-pool.js';
import { SchedulerShell } from './shell.js';

export type { LocalClusterOptions, WorkerInfo } from './cluster-options.js';

/**
 * A pool of local workers (threads or processes) driven by one scheduling core; a
 * {@link Scheduler}. Usually made with `createThreadsScheduler` or `createProcessesScheduler`.
 *
 * @example
 * const cluster = new LocalCluster({ spawn: spawnThread, workers: 2 });
 * const [y] = await cluster.get(graph, ['y']);
 * await cluster.close();
 */
export class LocalCluster implements Scheduler {
  readonly name: string;
  private readonly shell: SchedulerShell;
  private readonly pool: LocalPool;

  constructor(options: LocalClusterOptions) {
    const size = options.workers ?? availableParallelism();
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`workers must be a positive integer, got ${String(size)}`);
    }
    this.name = options.name ?? 'local';
    const write = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
    // A throwing logger must not break the pool.
    const log = (line: string): void => {
      try {
        write(line);
      } catch {
        // Nowhere left to report it.
      }
    };
    this.shell = new SchedulerShell({
      name: this.name,
      log,
      ...(options.queueFactor !== undefined ? { queueFactor: options.queueFactor } : {}),
      ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
      ...(options.rootSaturation !== undefined ? { rootSaturation: options.rootSaturation } : {}),
      onDemand: () => this.pool.start(),
      onRestart: () => this.pool.reset(),
    });
    this.pool = new LocalPool({
      size,
      spawn: options.spawn,
      prefix: options.prefix ?? 'worker',
      shell: this.shell,
      log,
    });
  }

  /**
   * The workers of the pool (empty before the first compute).
   *
   * @example
   * cluster.workers.map((w) => w.name); // ['thread-0', 'thread-1']
   */
  get workers(): readonly WorkerInfo[] {
    return this.shell.workers;
  }

  /**
   * Runs `graph` on the pool and returns the values of `keys`, in order.
   *
   * @example
   * const [total] = await cluster.get(graph, ['total'], { onProgress: (p) => console.log(p.done) });
   */
  get(graph: Graph, keys: readonly string[], options: ComputeOptions = {}): Promise<unknown[]> {
    return this.shell.get(graph, keys, options);
  }

  /**
   * Stops every worker and rejects computes still running. The pool cannot be used afterwards.
   *
   * @example
   * await cluster.close();
   */
  async close(): Promise<void> {
    await Promise.all([this.shell.close(), this.pool.close()]);
  }

  /**
   * Stops one worker abruptly, as if it crashed (to test resilience): its tasks are recomputed
   * elsewhere and a replacement is started.
   *
   * @example
   * await cluster.kill(cluster.workers[0].name);
   */
  async kill(name: string): Promise<void> {
    await this.pool.kill(name);
  }
}
