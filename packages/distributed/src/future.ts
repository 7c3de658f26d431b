// A Future: the handle on one result that lives ON the cluster. Its value stays on the worker that
// made it, held for as long as some future refers to its key: futures of one key (from one client)
// share one record, counted; `release()`, `cancel()` or the garbage collector (a
// FinalizationRegistry) take a future's count back, and when none is left the client tells the
// scheduler to release the key. `result()` fetches the value on demand (once; later calls reuse
// it). A future is a collection (its graph is one data node, held on the cluster) so it can be an
// argument of `submit`, `map` and `delayed` functions, or sit in a collection's graph: the client
// sends its key, never its value.
//
// It is thenable (`await future` gives its result, as `await` does in Dask), so it must never be
// what a promise resolves to, nor be yielded from an async generator: both would swap it for its
// value. Methods that hand out futures return them synchronously or inside a container.
import {
  ComputeAbortedError,
  daskFinalize,
  daskFinalizeRef,
  daskGraph,
  daskKeys,
  data,
  type Graph,
  type PortableFunctionRef,
} from '@dask-ts/protocol';
import { sourceRef } from '@dask-ts/graph';

/**
 * The state of a {@link Future}.
 *
 * @example
 * if (future.status === 'error') console.log(await future.exception());
 */
export type FutureStatus = 'pending' | 'finished' | 'error' | 'cancelled';

/** What a client knows of one key it holds, shared by the futures of that key (not exported from the package). */
export interface KeyRecord {
  readonly key: string;
  status: FutureStatus;
  error: unknown;
  /** Futures alive on this key. */
  refs: number;
  /** Settles when the key is in memory on the cluster (or failed, or was cancelled). */
  readonly settled: Promise<void>;
  settle(status: Exclude<FutureStatus, 'pending'>, error?: unknown): void;
  /** The value, once asked for. */
  value: Promise<unknown> | undefined;
  /**
   * Set when the value was asked for before the hold was sent: the scheduler then pushes it as
   * soon as it is ready (one round trip for `await client.submit(...)`); settles with the value,
   * or undefined when the push failed (then it is fetched).
   */
  pushed: Pushed | undefined;
  /** Whether the hold of this record was sent to the scheduler. */
  sent: boolean;
  /** Set when the key was released from the cluster (no future refers to it any more). */
  released: boolean;
}

/** The client side a future talks to (not exported from the package). */
export interface FutureOwner {
  readonly address: string;
  /** Whether the client is closed (its futures are dead). */
  readonly isClosed: boolean;
  /** Fetches the value of `key` from the cluster. */
  fetch(key: string): Promise<unknown>;
  /** A future of `record` was released or collected. */
  decref(record: KeyRecord): void;
  /** Cancels the computation of `record`'s key. */
  cancelKey(record: KeyRecord, reason: string): void;
  /** The cluster computes `record`'s key to the end, even once no future holds it. */
  forget(record: KeyRecord): void;
}

/** A new record for `key` (pending). */
export function newRecord(key: string): KeyRecord {
  let done: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (done = resolve));
  const record: KeyRecord = {
    key,
    status: 'pending',
    error: undefined,
    refs: 0,
    settled,
    value: undefined,
    pushed: undefined,
    sent: false,
    released: false,
    settle(status, error) {
      if (record.status !== 'pending') return;
      record.status = status;
      record.error = error;
      done();
    },
  };
  return record;
}

/** A value the scheduler pushes (see KeyRecord.pushed). */
export interface Pushed {
  readonly promise: Promise<{ value: unknown } | undefined>;
  resolve(v: { value: unknown } | undefined): void;
}

interface Registration {
  readonly owner: FutureOwner;
  readonly record: KeyRecord;
}

/** Futures dropped without `release()`: their counts are taken back when they are collected. */
const collected = new FinalizationRegistry<Registration>(({ owner, record }) =>
  owner.decref(record),
);

let firstRef: PortableFunctionRef | undefined;

/**
 * A result held on a cluster (see the file comment).
 *
 * @example
 * const f = client.submit((x: number) => x + 1, 41);
 * console.log(await f); // 42
 * f.release(); // the cluster may forget it
 */
export class Future<T = unknown> implements PromiseLike<T> {
  /** The task key this future stands for. */
  readonly key: string;
  /** @internal */ readonly owner: FutureOwner;
  /** @internal */ readonly record: KeyRecord;
  private isReleased = false;

  /** @internal made by a Client. */
  constructor(owner: FutureOwner, record: KeyRecord) {
    this.key = record.key;
    this.owner = owner;
    this.record = record;
    record.refs++;
    collected.register(this, { owner, record }, this);
  }

  /** Where it stands now. @example future.status; // 'pending' */
  get status(): FutureStatus {
    return this.record.status;
  }

  /** Whether it has settled (finished, failed or cancelled). @example if (future.done) ... */
  get done(): boolean {
    return this.record.status !== 'pending';
  }

  /** Whether `release()` was called on it. @example if (!future.released) await future; */
  get released(): boolean {
    return this.isReleased;
  }

  /**
   * Its value, fetched from the cluster (rejects with the task's error, or with a clear error
   * when the future was released or its client closed).
   *
   * @example
   * const v = await future.result();
   */
  result(): Promise<T> {
    const problem = this.problem();
    if (problem !== undefined) return Promise.reject(problem);
    const r = this.record;
    if (r.value === undefined && !r.sent && r.status === 'pending') {
      let resolve: (v: { value: unknown } | undefined) => void = () => undefined;
      const promise = new Promise<{ value: unknown } | undefined>((ok) => (resolve = ok));
      r.pushed = { promise, resolve };
    }
    r.value ??= r.settled.then(async () => {
      if (r.status === 'error') throw r.error;
      if (r.status === 'cancelled')
        throw r.error ?? new ComputeAbortedError(`${r.key} was cancelled`);
      const pushed = await r.pushed?.promise;
      return pushed !== undefined ? pushed.value : this.owner.fetch(r.key);
    });
    // A value nobody awaits must not crash the process with an unhandled rejection.
    r.value.catch(() => undefined);
    return r.value as Promise<T>;
  }

  /**
   * The error it failed with, or undefined once it finished well.
   *
   * @example
   * const err = await future.exception();
   */
  async exception(): Promise<unknown> {
    const problem = this.problem();
    if (problem !== undefined) return problem;
    await this.record.settled;
    return this.record.status === 'finished' ? undefined : this.record.error;
  }

  /**
   * Stops computing it (when no other future of this client refers to its key, the scheduler
   * cancels it); its result rejects with a ComputeAbortedError.
   *
   * @example
   * future.cancel();
   */
  cancel(): void {
    if (this.record.status === 'pending' && !this.isReleased)
      this.owner.cancelKey(this.record, `future ${this.key} was cancelled`);
  }

  /**
   * Lets go of this future: once no future refers to its key, the cluster forgets the result.
   * Idempotent.
   *
   * @example
   * future.release();
   */
  release(): void {
    if (this.isReleased) return;
    this.isReleased = true;
    collected.unregister(this);
    this.owner.decref(this.record);
  }

  /** Makes the future awaitable. @example const v = await future; */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.result().then(onFulfilled, onRejected);
  }

  /**
   * Why this future cannot be used (released, or its client closed), naming its key.
   *
   * @internal
   */
  problem(): Error | undefined {
    if (this.isReleased)
      return new Error(`Future ${this.key} was released: its result may be gone from the cluster`);
    if (this.owner.isClosed)
      return new Error(
        `Future ${this.key} belongs to the client of ${this.owner.address}, which is closed`,
      );
    return undefined;
  }

  /** Collection protocol: one data node, held on the cluster. @example future[daskGraph](); */
  [daskGraph](): Graph {
    return new Map([[this.key, data(this)]]);
  }

  /** Collection protocol: its key. @example future[daskKeys](); // [future.key] */
  [daskKeys](): string[] {
    return [this.key];
  }

  /** Collection protocol: its value. @example future[daskFinalize]([42]); // 42 */
  [daskFinalize](values: readonly unknown[]): T {
    return values[0] as T;
  }

  /** Its value where a task reads it (a portable `values => values[0]`). @example future[daskFinalizeRef](); */
  [daskFinalizeRef](): PortableFunctionRef {
    firstRef ??= sourceRef('(values) => values[0]', { name: 'future' });
    return firstRef;
  }
}

/**
 * Whether `value` is a {@link Future}.
 *
 * @example
 * isFuture(client.submit(f)); // true
 */
export function isFuture(value: unknown): value is Future {
  return value instanceof Future;
}
