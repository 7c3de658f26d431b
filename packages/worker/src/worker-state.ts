// The worker's sans-I/O core: it holds results and turns each message from the scheduler into the
// messages to send back. No ports, threads or timers live here; a shell (run-worker.ts) carries
// messages in and out.
//
// Performance policy: a batch of synchronous tasks runs in one plain loop, with no promise, no
// message and no validation per task (the message was validated once, where it arrived), and
// reports one `finished` message for the batch, with the time the batch took (the scheduler sizes
// its batches by it). Only when something must be awaited (a module to
// import, a task returning a promise), or a batch has run for EARLY_MS (it reports what it has and
// lets a `steal` in, batch-report.ts), does the rest of that batch continue asynchronously; later
// messages then wait behind it, so the scheduler always sees the effects in the order it sent them.
import {
  encodeValue,
  GraphError,
  isPlainObject,
  ProtocolError,
  serializeError,
  sizeOf,
  substitute,
  type Encoded,
  type FromWorker,
  type FunctionRef,
  type ToWorker,
  type WireTask,
  unpackCompute,
} from '@dask-ts/protocol/runtime';
import { FunctionResolver } from './function-resolver.js';
import { HeldData, type HeldStats, type SpillOptions } from './held-data.js';
import { isThenable, Suspend } from './suspend.js';
import { Stealable } from './stealable.js';
import {
  cut,
  EARLY_MS,
  flush,
  nextTurn,
  wantedKeys,
  withValue,
  VALUE_WITH_FINISHED,
  type Batch,
} from './batch-report.js';
import { cannotSend, isUnsendable, unsendable, Unsent } from './unsendable.js';

/**
 * A message for the scheduler, with the buffers to transfer (rather than copy) alongside it.
 *
 * @example
 * for (const { message, transfer } of handled.now) port.postMessage(message, transfer);
 */
export interface Outgoing {
  readonly message: FromWorker;
  readonly transfer: readonly ArrayBuffer[];
}

/**
 * What handling one message produced: messages to send at once, and, when something had to be
 * awaited, a promise of the messages that follow (it never rejects).
 *
 * @example
 * const h = state.handle(msg);
 * send(h.now);
 * if (h.later) send(await h.later);
 */
export interface Handled {
  readonly now: readonly Outgoing[];
  readonly later: Promise<readonly Outgoing[]> | undefined;
  /** The message was `close`: the shell stops once `later` (if any) has been sent. */
  readonly closed: boolean;
}

const NOTHING: Handled = { now: [], later: undefined, closed: false };
const NO_TRANSFER: readonly ArrayBuffer[] = [];
const PENDING = Symbol('pending inline call');

function out(message: FromWorker, transfer: readonly ArrayBuffer[] = NO_TRANSFER): Outgoing {
  return { message, transfer };
}

/**
 * Options of a {@link WorkerState}.
 *
 * @example
 * new WorkerState({ early: (messages) => send(messages) });
 */
export interface WorkerStateOptions {
  /**
   * Sends messages at once, in the order this state produces them. With it, reports are handed
   * over as they are made: from inside a long batch of synchronous tasks (see `EARLY_MS`), each
   * message of a `batch` as it is handled, a queued message's first reports as it starts, and what
   * an awaited message reports as it settles (its `later` then resolves to nothing). So a report
   * never overtakes one made before it (a task's before those of tasks that read it). Without it,
   * `handle` returns every report (`now`, `later`).
   */
  readonly early?: (messages: readonly Outgoing[]) => void;
  /** Spill least recently used results to disk past a size (see held-data.ts); off by default. */
  readonly spill?: SpillOptions;
}

/**
 * The state of one worker: the results it holds, and the logic that runs tasks.
 *
 * @example
 * const state = new WorkerState();
 * const h = state.handle({ op: 'put', keys: ['x'], values: [20] });
 * const r = await state.handleAll(
 *   packCompute([{ key: 'y', fn: { kind: 'source', source: '(x) => x + 1', scope: {} }, args: [{ $ref: 'x' }], deps: ['x'] }]),
 * );
 * // r[0].message: { op: 'finished', keys: ['y'], nbytes: [8], ms: 0.02 }
 */
export class WorkerState {
  private readonly data: HeldData;
  private readonly functions = new FunctionResolver();
  private tail: Promise<unknown> | undefined;
  /** What a `steal` may still take back (stealable.ts). */
  private readonly stealable = new Stealable();
  private isClosed = false;
  // The task being run, and the results of its inline calls (replayed when it is retried).
  private currentKey = '';
  private readonly calls: unknown[] = [];
  private callIndex = 0;
  private batchFailed: Set<string> | undefined;
  private readonly early: WorkerStateOptions['early'];

  constructor(options: WorkerStateOptions = {}) {
    this.early = options.early;
    this.data = new HeldData(options.spill);
  }

  /**
   * What the results held take, in memory and spilled to disk.
   *
   * @example
   * const { memoryBytes, spilledBytes } = state.memory;
   */
  get memory(): HeldStats {
    return this.data.stats;
  }

  private readonly lookup = (key: string): unknown => {
    const value = this.data.get(key);
    if (value === undefined && !this.data.has(key)) throw this.missing(key);
    if (value instanceof Unsent) throw value.failure(this.currentKey, key);
    return value;
  };

  private readonly callInline = (fn: FunctionRef, args: unknown[]): unknown => {
    const i = this.callIndex++;
    if (i < this.calls.length) return this.calls[i];
    const result = this.functions.resolve(fn)(...args);
    if (isThenable(result)) {
      this.calls.push(PENDING);
      throw new Suspend(
        Promise.resolve(result).then((v) => {
          this.calls[i] = v;
        }),
      );
    }
    this.calls.push(result);
    return result;
  };

  /**
   * Whether `close` was handled.
   *
   * @example
   * if (state.closed) port.close();
   */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * How many results the worker holds.
   *
   * @example
   * state.size; // 0
   */
  get size(): number {
    return this.data.size;
  }

  /**
   * Whether the worker holds a result for `key`.
   *
   * @example
   * state.has('x');
   */
  has(key: string): boolean {
    return this.data.has(key);
  }

  /**
   * The result held for `key` (`undefined` when none; see {@link WorkerState.has}).
   *
   * @example
   * state.get('x');
   */
  get(key: string): unknown {
    return this.data.get(key);
  }

  /**
   * Handles one (already validated) message; throws a `ProtocolError` (before doing anything) when
   * its parts disagree, such as a `put` with more keys than values. Synchronous work is done before it returns; `later`
   * carries what had to wait. Messages handled while an earlier one is still waiting are queued
   * behind it.
   *
   * @example
   * const h = state.handle({ op: 'release', keys: ['x'] });
   */
  handle(message: ToWorker): Handled {
    if (message.op === 'batch') return this.handleBatch(message.messages);
    // Answered at once, even while a task is awaited (stealable.ts).
    if (message.op === 'steal') return this.handleNow(message);
    if (message.op === 'put' && message.keys.length !== message.values.length) {
      throw new ProtocolError(
        `Malformed message from scheduler: put has ${message.keys.length} keys but ${message.values.length} values (keys: ${message.keys.slice(0, 5).join(', ')})`,
      );
    }
    if (this.tail !== undefined) {
      if (message.op === 'compute') this.stealable.wait(message.keys);
      const run = (): Promise<readonly Outgoing[]> => {
        const h = this.handleNow(message);
        if (this.early === undefined || h.now.length === 0) return settle(h);
        // What it did at once goes now, ahead of what the rest of it reports as it runs.
        this.early(h.now);
        return h.later ?? Promise.resolve([]);
      };
      return {
        now: [],
        later: this.track(this.tail.then(run, run)),
        closed: message.op === 'close',
      };
    }
    const handled = this.handleNow(message);
    if (handled.later === undefined) return handled;
    return { now: handled.now, later: this.track(handled.later), closed: handled.closed };
  }

  /**
   * Handles the messages of a `batch` in order, as if they had come one by one: what they produce
   * at once comes first, then (once one of them has to wait) the rest, in order.
   */
  private handleBatch(messages: readonly ToWorker[]): Handled {
    for (const m of messages) {
      if (m.op === 'put' && m.keys.length !== m.values.length) return this.handle(m); // throws
    }
    const now: Outgoing[] = [];
    const later: Promise<readonly Outgoing[]>[] = [];
    let closed = false;
    // Each message's reports go out as it makes them (see `early`): held back to the end of the
    // batch, they arrived after the reports of tasks reading their results (a later message's
    // long batch reports early), and the scheduler took the still-unreported inputs for orphans.
    const early = this.early;
    for (const m of messages) {
      const h = this.handle(m);
      if (early !== undefined) {
        if (h.now.length > 0) early(h.now);
        if (h.later !== undefined) later.push(sent(h.later, early));
      } else {
        for (const o of h.now) now.push(o);
        if (h.later !== undefined) later.push(h.later);
      }
      if (h.closed) closed = true;
    }
    if (later.length === 0) return { now, later: undefined, closed };
    const rest = later.length === 1 ? later[0] : Promise.all(later).then((all) => all.flat());
    return { now, later: rest, closed };
  }

  /**
   * Handles one message and waits for everything it produces.
   *
   * @example
   * const [{ message }] = await state.handleAll({ op: 'gather', id: 1, keys: ['x'], release: false });
   */
  handleAll(message: ToWorker): Promise<readonly Outgoing[]> {
    return settle(this.handle(message));
  }

  /** Makes `later` the tail that new messages wait behind; it stops being the tail as it settles. */
  private track(later: Promise<readonly Outgoing[]>): Promise<readonly Outgoing[]> {
    const tracked = later.then((messages) => {
      if (this.tail === tracked) this.tail = undefined;
      // Handed over as it settles, before the message queued behind it starts (see `early`).
      if (this.early === undefined || messages.length === 0) return messages;
      this.early(messages);
      return [];
    });
    this.tail = tracked;
    return tracked;
  }

  private handleNow(message: ToWorker): Handled {
    if (this.isClosed) return NOTHING;
    switch (message.op) {
      case 'compute':
        this.stealable.start(message.keys);
        return this.compute(unpackCompute(message), wantedKeys(message));
      case 'put':
        return this.put(message.keys, message.values);
      case 'release':
        for (const key of message.keys) this.data.delete(key);
        return NOTHING;
      case 'gather':
        return {
          now: [this.gather(message.id, message.keys, message.release)],
          later: undefined,
          closed: false,
        };
      case 'close':
        this.isClosed = true;
        this.data.clear();
        return { now: [], later: undefined, closed: true };
      case 'steal':
        return { now: [this.stealable.steal(message.keys)], later: undefined, closed: false };
      case 'batch':
        return this.handleBatch(message.messages);
    }
  }

  /** Holds the values; waits (in `later`) while the module of a codec they need is imported. */
  private put(keys: readonly string[], values: readonly unknown[], from = 0): Handled {
    for (let i = from; i < keys.length; i++) {
      const v = values[i];
      // An input its holder could not send: tasks that read it fail with why.
      let value: unknown;
      try {
        value = isUnsendable(v) ? new Unsent(v.data) : this.functions.decode(v, keys[i]);
      } catch (err) {
        if (!(err instanceof Suspend)) throw err;
        const again = (): Promise<readonly Outgoing[]> => settle(this.put(keys, values, i));
        return { now: [], later: err.until.then(again, again), closed: false };
      }
      this.data.set(keys[i], value);
    }
    return NOTHING;
  }

  private compute(tasks: readonly WireTask[], want: ReadonlySet<string> | undefined): Handled {
    const batch: Batch = {
      keys: [],
      nbytes: [],
      want,
      valueKeys: [],
      values: [],
      erred: [],
      failed: undefined,
      start: performance.now(),
    };
    this.batchFailed = undefined;
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[i];
      if (this.stealable.skip(task.key)) continue;
      let result: unknown;
      let nbytes: number;
      try {
        result = this.attempt(task, true);
        if (isThenable(result)) return this.goAsync(tasks, i, batch, undefined, result);
        nbytes = sizeOf(result);
      } catch (err) {
        if (err instanceof Suspend) return this.goAsync(tasks, i, batch, err, undefined);
        this.fail(batch, task.key, err);
        continue;
      }
      this.data.set(task.key, result, nbytes);
      batch.keys.push(task.key);
      batch.nbytes.push(nbytes);
      if (nbytes <= VALUE_WITH_FINISHED && batch.want?.has(task.key) === true)
        withValue(batch, task.key, result);
      if (this.early !== undefined && performance.now() - batch.start >= EARLY_MS) {
        this.early(cut(batch));
        // The rest of a long batch goes on after one turn of the event loop, where a steal that
        // came meanwhile is answered (stealable.ts).
        if (i + 1 < tasks.length) return this.goAsync(tasks, i + 1, batch, undefined, undefined);
      }
    }
    return { now: flush(batch), later: undefined, closed: false };
  }

  /** Runs a task up to calling its function; throws a `Suspend` when something must be awaited. */
  private attempt(task: WireTask, fresh: boolean): unknown {
    if (fresh && this.calls.length > 0) this.calls.length = 0;
    this.callIndex = 0;
    this.currentKey = task.key;
    const fn = this.functions.resolve(task.fn);
    const decoded = this.functions.decode(task.args, task.key);
    const args = substitute(decoded, this.lookup, this.callInline) as unknown[];
    return fn(...args);
  }

  private goAsync(
    tasks: readonly WireTask[],
    from: number,
    batch: Batch,
    suspended: Suspend | undefined,
    pending: PromiseLike<unknown> | undefined,
  ): Handled {
    const now = flush(batch);
    const rest: Batch = {
      keys: [],
      nbytes: [],
      want: batch.want,
      valueKeys: [],
      values: [],
      erred: [],
      failed: batch.failed,
      start: performance.now(),
    };
    return { now, later: this.continueAsync(tasks, from, rest, suspended, pending), closed: false };
  }

  private async continueAsync(
    tasks: readonly WireTask[],
    from: number,
    batch: Batch,
    suspended: Suspend | undefined,
    pending: PromiseLike<unknown> | undefined,
  ): Promise<readonly Outgoing[]> {
    this.batchFailed = batch.failed;
    // Synchronous tasks run back to back; every EARLY_MS, one turn of the event loop lets a steal
    // in (from the first task on when the batch left the synchronous path for that: no task
    // awaited then).
    let turnAt = suspended === undefined && pending === undefined ? 0 : performance.now();
    for (let i = from; i < tasks.length; i++) {
      const task = tasks[i];
      if (performance.now() - turnAt >= EARLY_MS) {
        this.stealable.at(tasks, i - 1);
        await nextTurn();
        turnAt = performance.now();
        // Progress so far, as the synchronous path reports it (see `early`).
        if (this.early !== undefined && (batch.keys.length > 0 || batch.erred.length > 0))
          this.early(cut(batch));
        if (this.stealable.skip(task.key)) continue;
      } else if (i > from && this.stealable.skip(task.key)) continue;
      this.stealable.at(tasks, i);
      let result: unknown;
      let nbytes: number;
      try {
        if (i === from && pending !== undefined) {
          result = await pending;
        } else {
          let fresh = true;
          if (i === from && suspended !== undefined) {
            await suspended.until;
            fresh = false;
          }
          for (;;) {
            try {
              result = this.attempt(task, fresh);
              break;
            } catch (err) {
              if (!(err instanceof Suspend)) throw err;
              await err.until;
              fresh = false;
            }
          }
          if (isThenable(result)) result = await result;
        }
        nbytes = sizeOf(result);
      } catch (err) {
        this.fail(batch, task.key, err);
        continue;
      }
      this.data.set(task.key, result, nbytes);
      batch.keys.push(task.key);
      batch.nbytes.push(nbytes);
      if (nbytes <= VALUE_WITH_FINISHED && batch.want?.has(task.key) === true)
        withValue(batch, task.key, result);
    }
    this.stealable.at(undefined);
    return flush(batch);
  }

  private fail(batch: Batch, key: string, err: unknown): void {
    (batch.failed ??= new Set()).add(key);
    this.batchFailed = batch.failed;
    batch.erred.push(out({ op: 'erred', key, error: serializeError(err) }));
  }

  private missing(key: string): Error {
    const task = this.currentKey;
    if (this.batchFailed?.has(key)) {
      return new GraphError(
        `Task '${task}' cannot run: its dependency '${key}' failed earlier in this batch`,
        [task, key],
      );
    }
    return new GraphError(
      `Task '${task}' cannot run: its dependency '${key}' is not held by this worker (never computed or put here, or already released)`,
      [task, key],
    );
  }

  private gather(id: number, keys: readonly string[], release: boolean): Outgoing {
    const found: string[] = [];
    const values: unknown[] = [];
    const missing: string[] = [];
    const transfer = new Set<ArrayBuffer>();
    for (const key of keys) {
      if (!this.data.has(key)) {
        missing.push(key);
        continue;
      }
      const value = this.data.get(key);
      let encoded: Encoded;
      try {
        if (value instanceof Unsent) throw value;
        encoded = encodeValue(value, { transfer: release });
      } catch (err) {
        // Sent as a marker that carries why (see unsendable.ts).
        found.push(key);
        values.push(unsendable(err instanceof Unsent ? err.error : cannotSend(key, err)));
        continue;
      }
      found.push(key);
      values.push(encoded.payload);
      for (const b of encoded.transfer) transfer.add(b);
    }
    if (release) {
      for (const key of found) this.data.delete(key);
      // A buffer still used by a value this worker keeps must be copied, not transferred.
      if (transfer.size > 0) for (const v of this.data.values()) dropShared(v, transfer, 0);
    }
    return out({ op: 'gathered', id, keys: found, values, missing }, [...transfer]);
  }
}

/** `later`'s messages handed to `early` as soon as it settles; then nothing is left to send. */
function sent(
  later: Promise<readonly Outgoing[]>,
  early: NonNullable<WorkerStateOptions['early']>,
): Promise<readonly Outgoing[]> {
  return later.then((messages) => {
    if (messages.length > 0) early(messages);
    return [];
  });
}

async function settle(handled: Handled): Promise<readonly Outgoing[]> {
  if (handled.later === undefined) return handled.now;
  const rest = await handled.later;
  return handled.now.length === 0 ? rest : [...handled.now, ...rest];
}

/** Removes from `transfer` every buffer that `value` (still held) uses. */
function dropShared(value: unknown, transfer: Set<ArrayBuffer>, depth: number): void {
  if (typeof value !== 'object' || value === null || depth > 16) return;
  if (ArrayBuffer.isView(value)) {
    transfer.delete(value.buffer as ArrayBuffer);
    return;
  }
  if (value instanceof ArrayBuffer) {
    transfer.delete(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) dropShared(v, transfer, depth + 1);
  } else if (value instanceof Map) {
    for (const v of value.values()) dropShared(v, transfer, depth + 1);
  } else if (value instanceof Set) {
    for (const v of value) dropShared(v, transfer, depth + 1);
  } else if (isPlainObject(value)) {
    for (const k in value) dropShared(value[k], transfer, depth + 1);
  }
}
