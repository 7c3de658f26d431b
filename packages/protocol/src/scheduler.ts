// The scheduler interface, and the registry through which collections find a scheduler without
// depending on one. A scheduler package registers its schedulers when it is loaded and names the
// default; `compute` in @dask-ts/graph asks the registry. The registry lives on a global symbol so
// every copy of this package (and every bundle) shares it. Inside a dask-ts worker (see
// inside-worker.ts) the default is always 'sync': a task that computes runs its graph in place
// instead of starting pools inside the pool.
import { isInsideWorker } from './inside-worker.js';
import type { Graph } from './task.js';

/** The default scheduler inside a worker. */
const IN_WORKER_DEFAULT = 'sync';

/**
 * Progress of a compute, reported to `onProgress` as tasks finish.
 *
 * @example
 * const p: ProgressInfo = { done: 10, total: 40, erred: 0, elapsedMs: 12.5 };
 */
export interface ProgressInfo {
  readonly done: number;
  readonly total: number;
  readonly erred: number;
  readonly elapsedMs: number;
}

/**
 * Options every scheduler accepts.
 *
 * @example
 * const ac = new AbortController();
 * const opts: ComputeOptions = { signal: ac.signal, onProgress: (p) => console.log(p.done) };
 */
export interface ComputeOptions {
  /** Aborting rejects the compute promptly and stops its tasks. */
  readonly signal?: AbortSignal;
  /** Called as tasks finish (throttled by the scheduler). */
  readonly onProgress?: (progress: ProgressInfo) => void;
  /** Show a progress bar on stderr (when it is a terminal, or when forced with `'always'`). */
  readonly progress?: boolean | 'always';
  /**
   * Run a task that throws again, up to this many times, before its error is final (default 0;
   * schedulers with workers: threads, processes, distributed).
   */
  readonly retries?: number;
}

/**
 * A scheduler: runs a graph and returns the values of the requested keys, in order.
 *
 * @example
 * const [total] = await scheduler.get(graph, ['total']);
 */
export interface Scheduler {
  readonly name: string;
  get(graph: Graph, keys: readonly string[], options?: ComputeOptions): Promise<unknown[]>;
  /**
   * Optional: `get` that may answer at once, returning the values themselves when nothing had to
   * be waited for (the in-thread scheduler with tasks that return plain values); errors may then
   * be thrown. `compute` prefers it, which saves small computes a promise and a turn.
   */
  getNow?(
    graph: Graph,
    keys: readonly string[],
    options?: ComputeOptions,
  ): unknown[] | Promise<unknown[]>;
  /** Releases threads, processes and sockets the scheduler holds. */
  close?(): Promise<void>;
}

const REGISTRY_SLOT = Symbol.for('@dask-ts/protocol/schedulers');
interface Registry {
  factories: Map<string, () => Scheduler>;
  instances: Map<string, Scheduler>;
  defaultName: string | undefined;
}
type GlobalWithRegistry = typeof globalThis & { [REGISTRY_SLOT]?: Registry };

function registry(): Registry {
  const g = globalThis as GlobalWithRegistry;
  return (g[REGISTRY_SLOT] ??= {
    factories: new Map(),
    instances: new Map(),
    defaultName: undefined,
  });
}

/**
 * Registers a scheduler under a name; the factory runs on first use. `asDefault` makes it the
 * default unless a default was already set explicitly with {@link setDefaultScheduler}.
 *
 * @example
 * registerScheduler('sync', () => syncScheduler);
 */
export function registerScheduler(
  name: string,
  factory: () => Scheduler,
  options: { asDefault?: boolean } = {},
): void {
  const r = registry();
  r.factories.set(name, factory);
  r.instances.delete(name);
  if (options.asDefault && r.defaultName === undefined) r.defaultName = name;
}

/**
 * Sets the default scheduler by name.
 *
 * @example
 * setDefaultScheduler('sync');
 */
export function setDefaultScheduler(name: string): void {
  const r = registry();
  if (!r.factories.has(name)) throw new Error(unknownScheduler(name));
  r.defaultName = name;
}

/**
 * Resolves a scheduler: an instance is returned as it is, a name is looked up, and nothing means
 * the default ('sync' inside a worker, where pools would nest).
 *
 * @example
 * const s = getScheduler('threads');
 */
export function getScheduler(spec?: string | Scheduler): Scheduler {
  if (spec !== undefined && typeof spec !== 'string') return spec;
  const r = registry();
  const name =
    spec ??
    (r.factories.has(IN_WORKER_DEFAULT) && isInsideWorker() ? IN_WORKER_DEFAULT : r.defaultName);
  if (name === undefined) {
    throw new Error(
      "No scheduler is registered. Import '@dask-ts/scheduler' (it registers 'sync', 'threads' and 'processes'), or pass { scheduler } explicitly.",
    );
  }
  let instance = r.instances.get(name);
  if (instance === undefined) {
    const factory = r.factories.get(name);
    if (factory === undefined) throw new Error(unknownScheduler(name));
    instance = factory();
    r.instances.set(name, instance);
  }
  return instance;
}

/**
 * The names of the registered schedulers.
 *
 * @example
 * registeredSchedulers(); // ['sync', 'threads', 'processes']
 */
export function registeredSchedulers(): string[] {
  return [...registry().factories.keys()];
}

/**
 * Closes every scheduler instance made through the registry (worker pools included).
 *
 * @example
 * afterAll(() => closeSchedulers());
 */
export async function closeSchedulers(): Promise<void> {
  const r = registry();
  const all = [...r.instances.values()];
  r.instances.clear();
  await Promise.all(all.map((s) => s.close?.()));
}

function unknownScheduler(name: string): string {
  const known = registeredSchedulers();
  return `Unknown scheduler '${name}'. Registered: ${known.length ? known.map((n) => `'${n}'`).join(', ') : "none (import '@dask-ts/scheduler')"}.`;
}
