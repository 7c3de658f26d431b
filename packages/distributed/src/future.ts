// A Future: the handle on one result a Client is computing. It is thenable (`await future` gives
// its result, as `await` does in Dask), so it must never be what a promise resolves to, nor be
// yielded from an async generator: both would swap it for its value. Methods that hand out futures
// return them synchronously or inside an array. In this first slice a future's value comes back to
// the client when it is ready (nothing stays held on the cluster for it), and a future passed as
// an argument to `submit` is passed by value.
/**
 * The state of a {@link Future}.
 *
 * @example
 * if (future.status === 'error') console.log(await future.exception());
 */
export type FutureStatus = 'pending' | 'finished' | 'error' | 'cancelled';

/**
 * A result being computed on a cluster (see the file comment).
 *
 * @example
 * const f = client.submit((x: number) => x + 1, 41);
 * console.log(await f); // 42
 */
export class Future<T = unknown> implements PromiseLike<T> {
  /** The task key this future stands for. */
  readonly key: string;
  private readonly promise: Promise<T>;
  private state: FutureStatus = 'pending';
  private error: unknown;
  private readonly cancelWith: (reason: string) => void;

  /** @internal made by a Client. */
  constructor(key: string, promise: Promise<T>, cancel: (reason: string) => void) {
    this.key = key;
    this.cancelWith = cancel;
    this.promise = promise.then(
      (value) => {
        if (this.state === 'pending') this.state = 'finished';
        return value;
      },
      (err: unknown) => {
        if (this.state === 'pending') this.state = 'error';
        this.error = err;
        throw err;
      },
    );
    // A future nobody awaits must not crash the process with an unhandled rejection.
    this.promise.catch(() => undefined);
  }

  /** Where it stands now. @example future.status; // 'pending' */
  get status(): FutureStatus {
    return this.state;
  }

  /** Whether it has settled (finished, failed or cancelled). @example if (future.done) ... */
  get done(): boolean {
    return this.state !== 'pending';
  }

  /** Its value (rejects with the task's error). @example const v = await future.result(); */
  result(): Promise<T> {
    return this.promise;
  }

  /**
   * The error it failed with, or undefined once it finished well.
   *
   * @example
   * const err = await future.exception();
   */
  exception(): Promise<unknown> {
    return this.promise.then(
      () => undefined,
      () => this.error,
    );
  }

  /** Stops computing it; its result rejects with a ComputeAbortedError. @example future.cancel(); */
  cancel(): void {
    if (this.state !== 'pending') return;
    this.state = 'cancelled';
    this.cancelWith(`future ${this.key} was cancelled`);
  }

  /** Makes the future awaitable. @example const v = await future; */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.promise.then(onFulfilled, onRejected);
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
