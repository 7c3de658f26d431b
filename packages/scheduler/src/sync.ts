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
import { ArgMode, keptPlan, returnCounts, runCounts, type SyncPlan } from './sync-plan.js';
import { compileArgs, runArgs, type ArgProgram, type Suspended } from './sync-program.js';

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
export function getSync(
  graph: Graph,
  keys: readonly string[],
  options: ComputeOptions = {},
): Promise<unknown[]> {
  try {
    const out = getSyncNow(graph, keys, options);
    return out instanceof Promise ? out : Promise.resolve(out);
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * {@link getSync} that answers at once when it can: a plan whose tasks all return plain values
 * runs to the end before this returns, and the values come back themselves (no promise, no await
 * along the way); a refusal or a task's error is thrown. Otherwise a promise of the values.
 *
 * @example
 * const out = getSyncNow(graph, ['y']); // [2], or a promise when a task returned one
 */
export function getSyncNow(
  graph: Graph,
  keys: readonly string[],
  options: ComputeOptions = {},
): unknown[] | Promise<unknown[]> {
  const signal = options.signal;
  if (signal?.aborted) throw new ComputeAbortedError(signal.reason);
  const plan = keptPlan(graph, keys);
  // A kept plan keeps its functions, resolved once (see sync-plan.ts's keptPlan). Without an
  // import to wait for, the tasks run at once: many computes started together then run one
  // after the other instead of all holding their plans at the same time.
  const memo = plan.memo as { resolved?: Omit<Resolved, 'values'> };
  const resolving = memo.resolved !== undefined ? memo.resolved : resolveAll(plan);
  if (resolving instanceof Promise) {
    return resolving.then((fns) => runResolved(plan, memo, fns, keys, options));
  }
  return runResolved(plan, memo, resolving, keys, options);
}

/** Runs a plan whose functions are resolved; the wanted values, or a promise of them. */
function runResolved(
  plan: SyncPlan,
  memo: { resolved?: Omit<Resolved, 'values'> },
  fnsOnly: Omit<Resolved, 'values'>,
  keys: readonly string[],
  options: ComputeOptions,
): unknown[] | Promise<unknown[]> {
  memo.resolved ??= { fn: fnsOnly.fn, inline: fnsOnly.inline };
  const fns: Resolved = {
    fn: fnsOnly.fn,
    inline: fnsOnly.inline,
    values: new Array<unknown>(plan.keys.length),
  };
  const progress = createProgress(options, plan.order.length);
  const st: RunState = {
    plan,
    resolved: fns,
    counts: runCounts(plan),
    progress,
    lookupById: undefined,
  };
  let ran: number | Promise<number>;
  try {
    ran = runPlan(st, options.signal);
  } catch (err) {
    return failed(progress, err);
  }
  if (typeof ran === 'number') {
    returnCounts(plan, st.counts);
    return wantedValues(plan, fns.values, keys.length, progress);
  }
  return ran.then(
    () => wantedValues(plan, fns.values, keys.length, progress),
    (err: unknown) => failed(progress, err),
  );
}

/** The values of the wanted keys, once the plan has run; finishes the progress report. */
function wantedValues(
  plan: SyncPlan,
  values: readonly unknown[],
  count: number,
  progress: ProgressReporter | undefined,
): unknown[] {
  progress?.finish(plan.order.length, 0);
  const out = new Array<unknown>(count);
  for (let i = 0; i < count; i++) out[i] = values[plan.wanted[i]];
  return out;
}

/** Finishes the progress report of a failed run and throws its error on. */
function failed(progress: ProgressReporter | undefined, err: unknown): never {
  progress?.finish(0, isTaskError(err) ? 1 : 0);
  throw err;
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

/** What a plan run needs besides the plan: its functions and values, and a lazy key map. */
interface RunState {
  readonly plan: SyncPlan;
  readonly resolved: Resolved;
  /** The refcounts this run counts down (its own copy of the plan's). */
  readonly counts: Int32Array;
  readonly progress: ProgressReporter | undefined;
  /** Key to id, made on the first reference that is not read in dependency order. */
  lookupById: Map<string, number> | undefined;
}

/**
 * Runs the plan: synchronously to the end when no task returns a promise and no signal is given
 * (the number of tasks run), otherwise a promise of it. With a signal, the signal is checked after
 * each task and the loop yields to the event loop every few milliseconds.
 */
function runPlan(st: RunState, signal: AbortSignal | undefined): number | Promise<number> {
  if (signal !== undefined) return runWithSignal(st, signal);
  const n = st.plan.order.length;
  const i = runUntilPromise(st, 0);
  return i === n ? n : finishAsync(st, i);
}

/**
 * Runs tasks from `from` on until one returns a promise (left in its value slot; its index is
 * returned) or the plan ends (the plan's length is returned).
 */
function runUntilPromise(st: RunState, from: number): number {
  // The hot loop: the plan's arrays in locals, a task with slot arguments called from here, the
  // inputs no later task reads released in place.
  const plan = st.plan;
  const { order, mode, nodes, argStart, argSlot, depStart, deps } = plan;
  const refcount = st.counts;
  const { fn, values } = st.resolved;
  const progress = st.progress;
  const n = order.length;
  for (let i = from; i < n; i++) {
    const t = order[i];
    const m = mode[t];
    let v: unknown;
    if (m === ArgMode.Slots) {
      try {
        v = callWithSlots((nodes[t] as Task).args, argStart[t], argSlot, values, fn[t]!);
      } catch (err) {
        throw failure(plan, t, err);
      }
    } else v = invoke(st, t);
    values[t] = v;
    if (isThenable(v)) return i;
    for (let e = depStart[t], end = depStart[t + 1]; e < end; e++) {
      const d = deps[e];
      if (--refcount[d] === 0) values[d] = undefined;
    }
    if ((i & (CHECK_EVERY - 1)) === CHECK_EVERY - 1) progress?.update(i + 1, 0);
  }
  return n;
}

/** Awaits the task at `i` (whose promise is in its value slot), then runs on; the plan's length. */
async function finishAsync(st: RunState, i: number): Promise<number> {
  const { order, keys } = st.plan;
  const values = st.resolved.values;
  const n = order.length;
  while (i < n) {
    const t = order[i];
    try {
      values[t] = await values[t];
    } catch (err) {
      if (err instanceof ComputeAbortedError) throw err;
      throw taskError(keys[t], err);
    }
    st.progress?.update(i, 0);
    finished(st, i, t);
    i = runUntilPromise(st, i + 1);
  }
  return n;
}

/** The loop with a signal: checked after each task; a yield to the event loop every few ms. */
async function runWithSignal(st: RunState, signal: AbortSignal): Promise<number> {
  const { order, keys } = st.plan;
  const values = st.resolved.values;
  const n = order.length;
  let lastYield = performance.now();
  for (let i = 0; i < n; i++) {
    const t = order[i];
    let v = invoke(st, t);
    if (isThenable(v)) {
      try {
        v = await abortable(v, signal);
      } catch (err) {
        if (err instanceof ComputeAbortedError) throw err;
        throw taskError(keys[t], err);
      }
      st.progress?.update(i, 0);
    }
    values[t] = v;
    finished(st, i, t);
    // The clock is read after every task (tens of ns), so slow synchronous tasks still let a
    // timer's abort through within about YIELD_AFTER_MS.
    if (signal.aborted) throw new ComputeAbortedError(signal.reason);
    const now = performance.now();
    if (now - lastYield > YIELD_AFTER_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal.aborted) throw new ComputeAbortedError(signal.reason);
      lastYield = performance.now();
    }
  }
  return n;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function'
  );
}

/** After task `t` (the `i`-th) has its value: releases inputs no later task reads; progress. */
function finished(st: RunState, i: number, t: number): void {
  const { depStart, deps } = st.plan;
  const refcount = st.counts;
  const values = st.resolved.values;
  for (let e = depStart[t], end = depStart[t + 1]; e < end; e++) {
    const d = deps[e];
    if (--refcount[d] === 0) values[d] = undefined;
  }
  if ((i & (CHECK_EVERY - 1)) === CHECK_EVERY - 1) st.progress?.update(i + 1, 0);
}

/** Calls task `t` (a data node gives its value); a throw becomes the task's error. */
function invoke(st: RunState, t: number): unknown {
  const plan = st.plan;
  const m = plan.mode[t];
  if (m === ArgMode.Data) return (plan.nodes[t] as { value: unknown }).value;
  const r = st.resolved;
  try {
    if (m === ArgMode.Slots) {
      const args = (plan.nodes[t] as Task).args;
      return callWithSlots(args, plan.argStart[t], plan.argSlot, r.values, r.fn[t]!);
    }
    return m === ArgMode.Lists ? callWithLists(plan, r, t) : callSubstituted(st, t);
  } catch (err) {
    throw failure(plan, t, err);
  }
}

/** What a task's throw becomes: its TaskError (an abort passes through). */
function failure(plan: SyncPlan, t: number, err: unknown): unknown {
  return err instanceof ComputeAbortedError ? err : taskError(plan.keys[t], err);
}

/**
 * Calls `f` with the arguments `src` (literals) where `argSlot[base ..]` names no input, and the
 * inputs' values from `values` where it does.
 */
function callWithSlots(
  src: readonly unknown[],
  base: number,
  argSlot: Int32Array,
  values: readonly unknown[],
  f: TaskFunction,
): unknown {
  let v: unknown;
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
  return v;
}

/** Calls a task some of whose arguments are lists of inputs and values (`listSlot`). */
function callWithLists(plan: SyncPlan, resolved: Resolved, t: number): unknown {
  const src = (plan.nodes[t] as Task).args;
  const base = plan.argStart[t];
  const { argSlot, listSlot } = plan;
  const values = resolved.values;
  const args = new Array<unknown>(src.length);
  for (let j = 0; j < src.length; j++) {
    const s = argSlot[base + j];
    if (s >= 0) args[j] = values[s];
    else if (s === -1) args[j] = src[j];
    else {
      const from = -2 - s;
      const items = src[j] as readonly unknown[];
      const list = new Array<unknown>(items.length);
      for (let k = 0; k < items.length; k++) {
        const q = listSlot[from + k];
        list[k] = q >= 0 ? values[q] : items[k];
      }
      args[j] = list;
    }
  }
  return resolved.fn[t]!(...args);
}

/**
 * Calls a task whose arguments hold references or inline calls deeper inside: through its
 * program, compiled on its first run and kept with the plan (see sync-program.ts).
 */
function callSubstituted(st: RunState, t: number): unknown {
  const plan = st.plan;
  const programs = (plan.memo.programs ??= []) as (ArgProgram | undefined)[];
  const program = (programs[t] ??= compileTask(st, t));
  const { fn, values } = st.resolved;
  const r = runArgs(program, values);
  if (Array.isArray(r)) return fn[t]!(...r);
  return resume(st, t, program, r);
}

/** Goes on with task `t`'s program once each inline call's promise settles; then calls it. */
async function resume(
  st: RunState,
  t: number,
  program: ArgProgram,
  at: Suspended,
): Promise<unknown> {
  const { fn, values } = st.resolved;
  for (;;) {
    at.stack[at.sp] = await at.pending;
    const r = runArgs(program, values, at.pc, at.stack, at.sp + 1);
    if (Array.isArray(r)) return fn[t]!(...r);
    at = r;
  }
}

/**
 * Compiles task `t`'s arguments. References are read in dependency order as a rule: each is
 * checked against the next dependency first, and only a miss looks in the key map.
 */
function compileTask(st: RunState, t: number): ArgProgram {
  const { keys, nodes, depStart, deps } = st.plan;
  const ds = (nodes[t] as Task).deps;
  const at = depStart[t];
  let next = 0;
  const inline = st.resolved.inline;
  return compileArgs(
    (nodes[t] as Task).args,
    (key) => {
      if (ds[next] === key) return deps[at + next++];
      let byId = st.lookupById;
      if (byId === undefined) {
        byId = st.lookupById = new Map();
        for (let k = 0; k < keys.length; k++) byId.set(keys[k], k);
      }
      return byId.get(key)!;
    },
    (ref) => inline.get(ref)!,
  );
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
  getNow: getSyncNow,
};
