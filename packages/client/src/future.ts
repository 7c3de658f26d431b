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
  daskFinalize,
  daskFinalizeRef,
  daskGraph,
  daskKeys,
  data,
  type Graph,
  type PortableFunctionRef,
} from '@dask-ts/protocol';
import { sourceRef } from '@dask-ts/graph';

import type { FutureStatus, KeyRecord, ValueSource } from './key-record.js';

export { KeyRecord, type FutureStatus } from './key-record.js';

/** The client side a future talks to (not exported from the package). */
export interface FutureOwner extends ValueSource {
  readonly address: string;
  /** Whether the client is closed (its futures are dead). */
  readonly isClosed: boolean;
  /** A future of `record` was released or collected. */
  decref(record: KeyRecord): void;
  /** Cancels the computation of `record`'s key. */
  cancelKey(record: KeyRecord, reason: string): void;
  /** The cluster computes `record`'s key to the end, even once no future holds it. */
  forget(record: KeyRecord): void;
}

/** A future's entry in `collected`; `live` is false once `release()` took its count back. */
interface Registration {
  readonly owner: FutureOwner;
  readonly record: KeyRecord;
  live: boolean;
}

/**
 * Futures dropped without `release()`: their counts are taken back when they are collected. A
 * released future stays registered (an unregister token costs each future a hash-table entry)
 * and is skipped then.
 */
const collected = new FinalizationRegistry<Registration>((r) => {
  if (r.live) r.owner.decref(r.record);
});

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
  private readonly registration: Registration;

  /** @internal made by a Client. */
  constructor(owner: FutureOwner, record: KeyRecord) {
    this.key = record.key;
    this.owner = owner;
    this.record = record;
    record.refs++;
    this.registration = { owner, record, live: true };
    collected.register(this, this.registration);
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
    return !this.registration.live;
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
    return this.record.value(this.owner, this) as Promise<T>;
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
    if (this.record.status === 'pending' && this.registration.live)
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
    if (!this.registration.live) return;
    this.registration.live = false;
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
    if (!this.registration.live)
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
