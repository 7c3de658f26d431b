// The core-only throughput benchmark: a synthetic graph (a pairwise tree reduction, or independent
// leaves plus one reduction) is submitted to a fresh core, and every task is reported finished as
// soon as it is assigned (a zero-cost shell that reports each batch with one `finished-many`). The timing covers the submit and every handle call,
// not building the graph. Memory per task is sampled right after the submit (JS heap plus typed
// arrays, minus the graph itself), with a GC first when node runs with --expose-gc.
import type { Graph, GraphNode, Task } from '@dask-ts/protocol';
import { SchedulerCore } from './core.js';
import type { CoreCommand, CoreEvent } from './events.js';

/**
 * Options of {@link benchCore}.
 *
 * @example
 * benchCore({ tasks: 1_000_000, shape: 'leaves', workers: 2, slots: 4 });
 */
export interface BenchCoreOptions {
  /** About how many tasks the graph has. */
  readonly tasks: number;
  /** `tree` (default): pairwise tree reduction; `leaves`: independent leaves and one reduction. */
  readonly shape?: 'tree' | 'leaves';
  /** Workers (default 2) and slots per worker (default 4). */
  readonly workers?: number;
  readonly slots?: number;
  /** The core's queue factor (default: the core's default). */
  readonly queueFactor?: number;
}

/**
 * Result of {@link benchCore}.
 *
 * @example
 * const { tasksPerSecond, heapBytesPerTask } = benchCore({ tasks: 100_000 });
 */
export interface BenchCoreResult {
  readonly tasks: number;
  readonly seconds: number;
  readonly tasksPerSecond: number;
  readonly heapBytesPerTask: number;
  readonly handleCalls: number;
}

const FN = { kind: 'builtin', name: 'bench.sum' } as const;

function mkTask(deps: string[]): Task {
  return { kind: 'task', fn: FN, args: deps.map(($ref) => ({ $ref })), deps };
}

/** Builds the benchmark graph; returns it with its root key. */
export function benchGraph(
  tasks: number,
  shape: 'tree' | 'leaves',
): { graph: Graph; root: string } {
  const g = new Map<string, GraphNode>();
  if (shape === 'leaves') {
    const deps: string[] = [];
    for (let i = 0; i < tasks - 1; i++) {
      const k = `leaf-${i}`;
      g.set(k, mkTask([]));
      deps.push(k);
    }
    g.set('total', mkTask(deps));
    return { graph: g, root: 'total' };
  }
  let level: string[] = [];
  const leaves = Math.max(1, Math.floor((tasks + 1) / 2));
  for (let i = 0; i < leaves; i++) {
    const k = `leaf-${i}`;
    g.set(k, mkTask([]));
    level.push(k);
  }
  let depth = 0;
  while (level.length > 1) {
    depth++;
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const k = `sum-${depth}-${i >> 1}`;
      g.set(k, mkTask(i + 1 < level.length ? [level[i]!, level[i + 1]!] : [level[i]!]));
      next.push(k);
    }
    level = next;
  }
  return { graph: g, root: level[0]! };
}

function memory(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Runs the core alone on a synthetic graph, completing each task as soon as it is assigned.
 *
 * @example
 * const r = benchCore({ tasks: 1_000_000 });
 * console.log(`${(r.tasksPerSecond / 1e6).toFixed(2)} M tasks/s`);
 */
export function benchCore(options: BenchCoreOptions): BenchCoreResult {
  const shape = options.shape ?? 'tree';
  const { graph, root } = benchGraph(options.tasks, shape);
  const n = graph.size;
  const core = new SchedulerCore(
    options.queueFactor === undefined ? {} : { queueFactor: options.queueFactor },
  );
  const start: CoreEvent[] = [];
  for (let i = 0; i < (options.workers ?? 2); i++)
    start.push({ type: 'add-worker', worker: `w${i}`, slots: options.slots ?? 4 });
  core.handle(start);
  const mem0 = memory();
  const t0 = performance.now();
  let cmds: CoreCommand[] = core.handle([{ type: 'submit', id: 'bench', graph, wanted: [root] }]);
  const t1 = performance.now();
  const mem1 = memory();
  const t2 = performance.now();
  let done = false;
  let calls = 1;
  let completed = 0;
  while (!done) {
    const events: CoreEvent[] = [];
    for (const c of cmds) {
      if (c.type === 'compute') {
        const keys = c.items.map((item) => item.key);
        events.push({ type: 'finished-many', keys, worker: c.worker, nbytes: keys.map(() => 8) });
        completed += c.items.length;
      } else if (c.type === 'deliver') events.push({ type: 'delivered', id: c.id, keys: c.keys });
      else if (c.type === 'done') done = true;
      else if (
        c.type === 'failed' ||
        c.type === 'refused' ||
        c.type === 'lost' ||
        c.type === 'cancelled'
      ) {
        throw new Error(`benchCore: compute ended with ${c.type}`);
      }
    }
    if (done) break;
    if (events.length === 0) throw new Error(`benchCore: stalled after ${completed} of ${n} tasks`);
    cmds = core.handle(events);
    calls++;
  }
  const seconds = (performance.now() - t2 + (t1 - t0)) / 1000;
  if (completed !== n) throw new Error(`benchCore: ran ${completed} tasks, expected ${n}`);
  return {
    tasks: n,
    seconds,
    tasksPerSecond: n / seconds,
    heapBytesPerTask: Math.max(0, mem1 - mem0) / n,
    handleCalls: calls,
  };
}
