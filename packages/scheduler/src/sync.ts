// The `sync` scheduler: runs a graph in the calling thread, calling any closure directly. A lean
// loop over the int-interned plan (see sync-plan.ts): no per-task promise (a task's result is
// awaited only when it is a promise), no per-task map lookups, and each result is released as soon
// as its last dependent ran, so only the wanted keys are kept. Every few hundred tasks it reports
// progress; while a signal is given it checks it after each task and yields to the event loop
// every few milliseconds, so an abort from a timer is seen even when every task is synchronous.
import {
  ComputeAbortedError,
  isTaskError,
  serializeError,
  taskFailure,
  type TaskFailure,
  substitute,
  visitArgs,
  type ComputeOptions,
  type FunctionRef,
  type Graph,
  type Scheduler,
  type Task,
  type TaskFunction,
} from '@dask-ts/protocol';
import { resolveFunction } from '@dask-ts/worker';
import { createProgress, type ProgressReporter } from './progress.js';
import { ArgMode, keptPlan, type SyncPlan } from './sync-plan.js';

/** Tasks between two checks of the progress clock. */
const CHECK_EVERY = 256;
/** Longest run (ms) without yielding to the event loop while a signal is given. */
const YIELD_AFTER_MS = 20;

/**
 * Runs `graph` in the calling thread and returns the values of `keys`, in order.
 *
 * @example
 * const [y] = await getSync(new Map<string, GraphNode>([['x', data(1)], ['y', task(inc, [ref('x')])]]), ['y']);
 */
export async function getSync(
  graph: Graph,
  keys: readonly string[],
  options: ComputeOptions = {},
): Promise<unknown[]> {
  const signal = options.signal;
  if (signal?.aborted) throw new ComputeAbortedError(signal.reason);
  const plan = keptPlan(graph, keys);
  // Without an import to wait for, the tasks run at once: many computes started together then
  // run one after the other instead of all holding their plans at the same time.
  // A kept plan keeps its functions, resolved once (see sync-plan.ts's keptPlan).
  const memo = plan.memo as { resolved?: Omit<Resolved, 'values'> };
  const resolving = memo.resolved !== undefined ? memo.resolved : resolveAll(plan);
  const fnsOnly = resolving instanceof Promise ? await resolving : resolving;
  memo.resolved = { fn: fnsOnly.fn, inline: fnsOnly.inline };
  const fns: Resolved = { ...memo.resolved, values: new Array<unknown>(plan.keys.length) };
  const progress = createProgress(options, plan.order.length);
  let done = 0;
  try {
    done = await runPlan(plan, fns, signal, progress);
  } catch (err) {
    progress?.finish(done, isTaskError(err) ? 1 : 0);
    throw err;
  }
  progress?.finish(done, 0);
  const out = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = fns.values[plan.wanted[i]];
  return out;
}

interface Resolved {
  /** The function of each id (undefined for data nodes). */
  readonly fn: (TaskFunction | undefined)[];
  /** Functions of inline calls, by reference object. */
  readonly inline: Map<FunctionRef, TaskFunction>;
  readonly values: unknown[];
}

/**
 * Resolves every function once before anything runs (imports happen here, not in the loop); a
 * promise only when some function has to be imported.
 */
function resolveAll(plan: SyncPlan): Resolved | Promise<Resolved> {
  const n = plan.order.length;
  const fn = new Array<TaskFunction | undefined>(plan.keys.length);
  const cache = new Map<FunctionRef, TaskFunction | Promise<TaskFunction>>();
  const pending: Promise<void>[] = [];
  const inline = new Map<FunctionRef, TaskFunction>();
  const resolveOne = (ref: FunctionRef, key: string, set: (f: TaskFunction) => void): void => {
    let r = cache.get(ref);
    if (r === undefined) {
      r = resolveFunction(ref, key);
      cache.set(ref, r);
    }
    if (typeof r === 'function') set(r);
    else pending.push(r.then(set));
  };
  // Runs of tasks share one function reference: the last one resolved is reused without a lookup.
  let lastRef: FunctionRef | undefined;
  let lastFn: TaskFunction | undefined;
  for (let i = 0; i < n; i++) {
    const t = plan.order[i];
    const node = plan.nodes[t];
    if (node.kind !== 'task') continue;
    const key = plan.keys[t];
    if (node.fn === lastRef) fn[t] = lastFn;
    else {
      let r = cache.get(node.fn);
      if (r === undefined) {
        r = resolveFunction(node.fn, key);
        cache.set(node.fn, r);
      }
      if (typeof r === 'function') {
        fn[t] = lastFn = r;
        lastRef = node.fn;
      } else pending.push(r.then((f) => void (fn[t] = f)));
    }
    if (plan.mode[t] === ArgMode.Substitute) {
      visitArgs(node.args, {
        call: (ref) => void resolveOne(ref, key, (f) => inline.set(ref, f)),
      });
    }
  }
  const resolved: Resolved = { fn, inline, values: new Array<unknown>(plan.keys.length) };
  return pending.length > 0 ? Promise.all(pending).then(() => resolved) : resolved;
}

async function runPlan(
  plan: SyncPlan,
  resolved: Resolved,
  signal: AbortSignal | undefined,
  progress: ProgressReporter | undefined,
): Promise<number> {
  const { keys, nodes, order, depStart, deps, refcount, mode, argStart, argSlot } = plan;
  const { fn, inline, values } = resolved;
  const n = order.length;
  const lookupById = new Map<string, number>();
  let lastYield = signal !== undefined ? performance.now() : 0;
  for (let i = 0; i < n; i++) {
    const t = order[i];
    const m = mode[t];
    let v: unknown;
    if (m === ArgMode.Data) {
      v = (nodes[t] as { value: unknown }).value;
    } else {
      const node = nodes[t] as Task;
      try {
        if (m === ArgMode.Slots) {
          const src = node.args;
          const base = argStart[t];
          const f = fn[t]!;
          // Up to five arguments are passed without building an array.
          switch (src.length) {
            case 0:
              v = f();
              break;
            case 1: {
              const s0 = argSlot[base];
              v = f(s0 >= 0 ? values[s0] : src[0]);
              break;
            }
            case 2: {
              const s0 = argSlot[base];
              const s1 = argSlot[base + 1];
              v = f(s0 >= 0 ? values[s0] : src[0], s1 >= 0 ? values[s1] : src[1]);
              break;
            }
            case 3: {
              const s0 = argSlot[base];
              const s1 = argSlot[base + 1];
              const s2 = argSlot[base + 2];
              v = f(
                s0 >= 0 ? values[s0] : src[0],
                s1 >= 0 ? values[s1] : src[1],
                s2 >= 0 ? values[s2] : src[2],
              );
              break;
            }
            case 4: {
              const s0 = argSlot[base];
              const s1 = argSlot[base + 1];
              const s2 = argSlot[base + 2];
              const s3 = argSlot[base + 3];
              v = f(
                s0 >= 0 ? values[s0] : src[0],
                s1 >= 0 ? values[s1] : src[1],
                s2 >= 0 ? values[s2] : src[2],
                s3 >= 0 ? values[s3] : src[3],
              );
              break;
            }
            case 5: {
              const s0 = argSlot[base];
              const s1 = argSlot[base + 1];
              const s2 = argSlot[base + 2];
              const s3 = argSlot[base + 3];
              const s4 = argSlot[base + 4];
              v = f(
                s0 >= 0 ? values[s0] : src[0],
                s1 >= 0 ? values[s1] : src[1],
                s2 >= 0 ? values[s2] : src[2],
                s3 >= 0 ? values[s3] : src[3],
                s4 >= 0 ? values[s4] : src[4],
              );
              break;
            }
            default: {
              const len = src.length;
              const args = new Array<unknown>(len);
              for (let j = 0; j < len; j++) {
                const s = argSlot[base + j];
                args[j] = s >= 0 ? values[s] : src[j];
              }
              v = f(...args);
            }
          }
        } else {
          // References are read in dependency order as a rule: each is checked against the next
          // dependency first, and only a miss looks in the key map (built once per compute).
          const ds = node.deps;
          const at = depStart[t];
          let next = 0;
          const args = substitute(
            node.args,
            (key) => {
              if (ds[next] === key) return values[deps[at + next++]];
              if (lookupById.size === 0)
                for (let k = 0; k < keys.length; k++) lookupById.set(keys[k], k);
              return values[lookupById.get(key)!];
            },
            (ref, a) => inline.get(ref)!(...a),
          ) as unknown[];
          v = fn[t]!(...args);
        }
        if (
          typeof v === 'object' &&
          v !== null &&
          typeof (v as PromiseLike<unknown>).then === 'function'
        ) {
          v = await abortable(v as PromiseLike<unknown>, signal);
          progress?.update(i, 0);
        }
      } catch (err) {
        if (err instanceof ComputeAbortedError) throw err;
        throw taskError(keys[t], err);
      }
    }
    values[t] = v;
    for (let e = depStart[t], end = depStart[t + 1]; e < end; e++) {
      const d = deps[e];
      if (--refcount[d] === 0) values[d] = undefined;
    }
    if ((i & (CHECK_EVERY - 1)) === CHECK_EVERY - 1) progress?.update(i + 1, 0);
    if (signal !== undefined) {
      // With a signal, the clock is read after every task (tens of ns), so slow synchronous
      // tasks still let a timer's abort through within about YIELD_AFTER_MS.
      if (signal.aborted) throw new ComputeAbortedError(signal.reason);
      const now = performance.now();
      if (now - lastYield > YIELD_AFTER_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (signal.aborted) throw new ComputeAbortedError(signal.reason);
        lastYield = performance.now();
      }
    }
  }
  return n;
}

function taskError(key: string, err: unknown): TaskFailure {
  // The caller gets what the task threw as its own class, with the very value as `cause`
  // (see @dask-ts/protocol's taskFailure).
  const original = serializeError(err);
  return taskFailure(
    key,
    original,
    [
      `${key}: ran in the calling thread (sync scheduler)`,
      `${key}: erred with ${original.name}: ${original.message}; its dependents did not run`,
    ],
    { thrown: err },
  );
}

/** Awaits a task's promise, rejecting at once if the compute is aborted meanwhile. */
function abortable<T>(p: PromiseLike<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return Promise.resolve(p);
  if (signal.aborted) return Promise.reject(new ComputeAbortedError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new ComputeAbortedError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * The in-thread scheduler: calls every function (closures included) directly in the calling
 * thread. The fastest choice for small graphs and for debugging (breakpoints and stacks work).
 *
 * @example
 * const [y] = await syncScheduler.get(graph, ['y']);
 */
export const syncScheduler: Scheduler = {
  name: 'sync',
  get: getSync,
};
