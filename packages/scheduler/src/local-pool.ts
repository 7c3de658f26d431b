// A local pool: the threads or processes a LocalCluster spawns, connected to its scheduler shell.
// The pool starts when the first compute wants workers, keeps its size by replacing every worker
// that leaves (the shell recomputes that worker's tasks), and gives up after a few consecutive
// workers die before saying hello (or cannot be spawned): the shell then fails every compute with
// the reason. After the shell restarts (an internal error closed every worker), the next compute
// starts the pool again. `close` stops every worker, including those still exiting.
import type { PoolWorker, SpawnWorker, WorkerEndpoint } from './pool-worker.js';
import type { SchedulerShell } from './shell.js';

/** Consecutive workers that may die before saying hello before the pool gives up. */
const MAX_STARTUP_FAILURES = 3;

/**
 * What a {@link LocalPool} is made with.
 *
 * @example
 * const opts: LocalPoolOptions = { size: 2, spawn: spawnThread, prefix: 'thread', shell, log };
 */
export interface LocalPoolOptions {
  readonly size: number;
  readonly spawn: SpawnWorker;
  readonly prefix: string;
  readonly shell: SchedulerShell;
  readonly log: (line: string) => void;
}

/**
 * The workers of a LocalCluster (see the file comment).
 *
 * @example
 * const pool = new LocalPool({ size: 2, spawn: spawnThread, prefix: 'thread', shell, log });
 * pool.start();
 */
export class LocalPool {
  private readonly options: LocalPoolOptions;
  private readonly workers = new Map<string, PoolWorker>();
  /** Workers being stopped; `close` waits for them too. */
  private readonly dying = new Set<Promise<void>>();
  private nextWorker = 0;
  private startupFailures = 0;
  private started = false;
  private closed = false;

  constructor(options: LocalPoolOptions) {
    this.options = options;
  }

  /** Starts the workers, unless they are running. @example pool.start(); */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    for (let i = 0; i < this.options.size; i++) this.spawn();
  }

  /** The shell closed every worker: the next `start` spawns a new set. @example pool.reset(); */
  reset(): void {
    this.started = false;
  }

  /**
   * Stops worker `name` abruptly, as if it crashed; it is replaced.
   *
   * @example
   * await pool.kill('thread-0');
   */
  async kill(name: string): Promise<void> {
    const w = this.workers.get(name);
    if (w === undefined)
      throw new Error(`No worker named '${name}' in the ${this.options.shell.name} pool`);
    await w.kill();
  }

  /** Stops every worker; resolves once all have exited. @example await pool.close(); */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...[...this.workers.values()].map((w) => this.stop(w)), ...this.dying]);
  }

  private spawn(): void {
    const { shell, log, prefix } = this.options;
    const name = `${prefix}-${this.nextWorker++}`;
    let worker: PoolWorker;
    try {
      worker = this.options.spawn(name, {
        message: (raw) => shell.message(name, raw),
        disconnect: (why) => this.exited(name, why),
      });
    } catch (err) {
      // Like a worker that died before saying hello.
      log(`dask-ts ${shell.name}: cannot start worker ${name}: ${(err as Error).message}`);
      this.startFailed(`cannot start workers: ${(err as Error).message}`);
      return;
    }
    this.workers.set(name, worker);
    const endpoint: WorkerEndpoint = {
      name,
      id: worker.id,
      send: (message, transfer) => worker.send(message, transfer),
      ref: () => worker.ref(),
      unref: () => worker.unref(),
      close: () => this.stop(worker),
    };
    shell.connect(endpoint);
  }

  private stop(worker: PoolWorker): Promise<void> {
    const gone = worker.kill().catch(() => undefined);
    this.dying.add(gone);
    void gone.then(() => this.dying.delete(gone));
    return gone;
  }

  private exited(name: string, why: string): void {
    this.workers.delete(name);
    const how = this.options.shell.disconnected(name, why);
    if (how === 'unknown' || how === 'refused' || this.closed) return;
    if (how === 'starting') {
      this.startFailed(`workers keep exiting before they start (${why})`);
      return;
    }
    this.startupFailures = 0;
    this.spawn();
  }

  /** A worker failed to start: another is tried, unless too many failed in a row. */
  private startFailed(why: string): void {
    if (++this.startupFailures >= MAX_STARTUP_FAILURES) {
      this.options.shell.fail(new Error(`dask-ts ${this.options.shell.name}: ${why}`));
    } else this.spawn();
  }
}
