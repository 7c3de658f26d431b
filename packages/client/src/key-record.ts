// What a client knows of one key it holds on the cluster, shared by the futures of that key: its
// status, how many futures refer to it, and its value once asked for. Made for maps of tens of
// thousands of keys, so a record makes no promise until someone waits: `settled` and the value
// are made on demand, and the client learns of each settlement through one shared callback.
//
// The value: asked for before the hold was sent (`await client.submit(...)`, or `gather` in the
// same tick), the scheduler pushes it with the key's report (`pushed`), so the answer costs one
// round trip; asked for later, or when the push failed, it is fetched. A failed or cancelled key
// rejects with its error.
import { ComputeAbortedError } from '@dask-ts/protocol';

/**
 * The state of a {@link Future}.
 *
 * @example
 * if (future.status === 'error') console.log(await future.exception());
 */
export type FutureStatus = 'pending' | 'finished' | 'error' | 'cancelled';

/** Who fetches a key's value from the cluster. */
export interface ValueSource {
  fetch(key: string): Promise<unknown>;
}

/** See the file comment (not exported from the package). */
export class KeyRecord {
  status: FutureStatus = 'pending';
  error: unknown;
  /** Futures alive on this key. */
  refs = 0;
  /** Whether the hold of this record was sent to the scheduler. */
  sent = false;
  /** Set when the key was released from the cluster (no future refers to it any more). */
  released = false;
  /** The value was asked for before the hold was sent: the scheduler pushes it. */
  wantsPush = false;
  private settledPromise: Promise<void> | undefined;
  private settledResolve: (() => void) | undefined;
  private valuePromise: Promise<unknown> | undefined;
  private answer: { resolve(v: unknown): void; reject(e: unknown): void } | undefined;
  private source: ValueSource | undefined;
  /** False while settled but not yet told to `onSettle` (finished, its value being pushed). */
  private settleTold = true;
  /** The future waiting for the value, kept alive (so its key stays held) until answered. */
  private waiter: object | undefined;

  constructor(
    readonly key: string,
    private readonly onSettle?: (record: KeyRecord) => void,
  ) {}

  /** Settles when the key is in memory on the cluster (or failed, or was cancelled). */
  get settled(): Promise<void> {
    if (this.settledPromise === undefined) {
      this.settledPromise =
        this.status !== 'pending'
          ? Promise.resolve()
          : new Promise<void>((resolve) => (this.settledResolve = resolve));
    }
    return this.settledPromise;
  }

  settle(status: Exclude<FutureStatus, 'pending'>, error?: unknown): void {
    if (this.status !== 'pending') return;
    this.status = status;
    this.error = error;
    this.settledResolve?.();
    this.settledResolve = undefined;
    // In memory, with the value on its way (pushed): the client keeps waiting (listening) for it.
    if (status === 'finished' && this.wantsPush && this.answer !== undefined) {
      this.settleTold = false;
      return;
    }
    this.onSettle?.(this);
    if (this.answer !== undefined) this.tryAnswer();
  }

  /**
   * The value (asked for once; later calls share it). `waiter` (the future asking) is kept alive
   * until the answer comes: a future nobody else refers to, awaited inside `Promise.all`, must
   * not be collected, and its key released, while its value is on the way.
   */
  value(source: ValueSource, waiter: object): Promise<unknown> {
    if (this.valuePromise !== undefined) return this.valuePromise;
    if (!this.sent && this.status === 'pending') this.wantsPush = true;
    this.source = source;
    this.waiter = waiter;
    this.valuePromise = new Promise((resolve, reject) => (this.answer = { resolve, reject }));
    // A value nobody awaits must not crash the process with an unhandled rejection.
    this.valuePromise.catch(() => undefined);
    if (this.status !== 'pending') this.tryAnswer();
    return this.valuePromise;
  }

  /** The scheduler pushed the value (`undefined`: the push failed, so it is fetched). */
  pushed(value: { value: unknown } | undefined): void {
    if (!this.wantsPush) return;
    this.wantsPush = false;
    const untold = !this.settleTold;
    this.settleTold = true;
    if (value !== undefined) {
      const answer = this.answer;
      this.answer = undefined;
      this.waiter = undefined;
      answer?.resolve(value.value);
      this.settle('finished');
    } else if (this.status !== 'pending' && this.answer !== undefined) this.tryAnswer();
    if (untold) this.onSettle?.(this);
  }

  /** Settled with the value asked for: rejects, waits for the push, or fetches. */
  private tryAnswer(): void {
    const answer = this.answer!;
    if (this.status === 'finished') {
      if (this.wantsPush) return;
      this.answer = undefined;
      this.source!.fetch(this.key).then(
        (v) => {
          this.waiter = undefined;
          answer.resolve(v);
        },
        (err: unknown) => {
          this.waiter = undefined;
          answer.reject(err);
        },
      );
      return;
    }
    this.answer = undefined;
    this.waiter = undefined;
    this.wantsPush = false;
    answer.reject(
      this.status === 'cancelled'
        ? (this.error ?? new ComputeAbortedError(`${this.key} was cancelled`))
        : this.error,
    );
  }
}
