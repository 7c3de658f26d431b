// Waiting on many futures: `asCompleted` hands them out in the order they finish (an explicit
// async iterator: a future is thenable, so it may not be what an async generator yields, but an
// iterator's result object may carry it), `wait` resolves once all (or the first) are done, or
// rejects after a timeout naming the keys still pending, and `fireAndForget` lets a future go
// while the cluster computes it to the end. None of them fetches a value unless asked
// (`withResults`).
import { isFuture, type Future } from './future.js';

/**
 * Options of {@link asCompleted}.
 *
 * @example
 * for await (const [future, value] of asCompleted(futures, { withResults: true })) use(value);
 */
export interface AsCompletedOptions {
  /** Yield `[future, value]` pairs (the value fetched; an erred future rejects the iteration). */
  readonly withResults?: boolean;
}

/**
 * Futures in the order they finish (see {@link asCompleted}); more can be added while iterating.
 *
 * @example
 * const ac = asCompleted([f1]);
 * ac.add(f2);
 * for await (const f of ac) console.log(f.key, f.status);
 */
export class AsCompleted<T, Item = Future<T>> implements AsyncIterableIterator<Item> {
  private readonly ready: Item[] = [];
  private readonly failures: unknown[] = [];
  private readonly waiters: {
    resolve(r: IteratorResult<Item>): void;
    reject(err: unknown): void;
  }[] = [];
  private outstanding = 0;

  /** @internal use {@link asCompleted}. */
  constructor(
    futures: Iterable<Future<T>>,
    private readonly withResults: boolean,
  ) {
    for (const f of futures) this.add(f);
  }

  /**
   * Adds a future to wait for.
   *
   * @example
   * ac.add(client.submit(inc, 1));
   */
  add(future: Future<T>): void {
    if (!isFuture(future)) throw new TypeError(`asCompleted: ${String(future)} is not a Future`);
    this.outstanding++;
    const settled = future.record.settled;
    void settled.then(async () => {
      if (!this.withResults) {
        this.push(future as unknown as Item);
        return;
      }
      try {
        const value = await future.result();
        this.push([future, value] as unknown as Item);
      } catch (err) {
        this.outstanding--;
        this.failures.push(err);
        this.flush();
      }
    });
  }

  /** The number of futures not handed out yet. @example ac.count; */
  get count(): number {
    return this.outstanding;
  }

  /** The next future to finish. @example const { value } = await ac.next(); */
  next(): Promise<IteratorResult<Item>> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.flush();
    });
  }

  /** Stops iterating early (futures still pending are not touched). @example await ac.return(); */
  return(): Promise<IteratorResult<Item>> {
    this.outstanding = 0;
    this.ready.length = 0;
    this.flush();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Iterates this object. @example for await (const f of ac) ...; */
  [Symbol.asyncIterator](): this {
    return this;
  }

  private push(item: Item): void {
    this.outstanding--;
    this.ready.push(item);
    this.flush();
  }

  private flush(): void {
    while (this.waiters.length > 0) {
      if (this.failures.length > 0) {
        this.waiters.shift()!.reject(this.failures.shift());
      } else if (this.ready.length > 0) {
        this.waiters.shift()!.resolve({ value: this.ready.shift()!, done: false });
      } else if (this.outstanding <= 0) {
        this.waiters.shift()!.resolve({ value: undefined, done: true });
      } else return;
    }
  }
}

/**
 * The futures in the order they finish (finished, failed or cancelled); with `withResults`,
 * `[future, value]` pairs.
 *
 * @example
 * for await (const f of asCompleted(client.map(slow, [3, 1, 2]))) console.log(await f);
 */
export function asCompleted<T>(
  futures: Iterable<Future<T>>,
  options: AsCompletedOptions & { withResults: true },
): AsCompleted<T, [Future<T>, T]>;
export function asCompleted<T>(
  futures: Iterable<Future<T>>,
  options?: AsCompletedOptions,
): AsCompleted<T>;
export function asCompleted<T>(
  futures: Iterable<Future<T>>,
  options: AsCompletedOptions = {},
): AsCompleted<T, unknown> {
  return new AsCompleted<T, unknown>(futures, options.withResults === true);
}

/**
 * Options of {@link wait}.
 *
 * @example
 * await wait(futures, { timeout: 5000, returnWhen: 'FIRST_COMPLETED' });
 */
export interface WaitOptions {
  /** Reject with a TimeoutError after this many milliseconds. */
  readonly timeout?: number;
  /** Resolve once all futures are done (default) or once the first is. */
  readonly returnWhen?: 'ALL_COMPLETED' | 'FIRST_COMPLETED';
}

/**
 * What {@link wait} resolves with: the futures done and those not done.
 *
 * @example
 * const { done, notDone } = await wait(futures);
 */
export interface WaitResult<T> {
  readonly done: Future<T>[];
  readonly notDone: Future<T>[];
}

/**
 * Waits until all (or, with `returnWhen: 'FIRST_COMPLETED'`, any) of `futures` are done
 * (finished, failed or cancelled); rejects with a TimeoutError naming the pending keys after
 * `timeout` ms.
 *
 * @example
 * const { done, notDone } = await wait(futures, { timeout: 10_000 });
 */
export async function wait<T>(
  futures: readonly Future<T>[],
  options: WaitOptions = {},
): Promise<WaitResult<T>> {
  const { timeout, returnWhen = 'ALL_COMPLETED' } = options;
  if (returnWhen !== 'ALL_COMPLETED' && returnWhen !== 'FIRST_COMPLETED')
    throw new TypeError(
      `wait: returnWhen must be 'ALL_COMPLETED' or 'FIRST_COMPLETED', got ${String(returnWhen)}`,
    );
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout >= 0))
    throw new TypeError(
      `wait: timeout must be a number of milliseconds >= 0, got ${String(timeout)}`,
    );
  for (const f of futures)
    if (!isFuture(f)) throw new TypeError(`wait: ${String(f)} is not a Future`);
  const settled = futures.map((f) => f.record.settled);
  const all =
    returnWhen === 'ALL_COMPLETED' || futures.length === 0
      ? Promise.all(settled)
      : Promise.race(settled);
  let timer: NodeJS.Timeout | undefined;
  try {
    await (timeout === undefined
      ? all
      : Promise.race([
          all,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              const pending = futures.filter((f) => !f.done).map((f) => f.key);
              const err = new Error(
                `wait: ${pending.length} of ${futures.length} futures were not done after ${timeout} ms: ${pending.slice(0, 5).join(', ')}${pending.length > 5 ? ', ...' : ''}`,
              );
              err.name = 'TimeoutError';
              reject(err);
            }, timeout);
          }),
        ]));
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  return { done: futures.filter((f) => f.done), notDone: futures.filter((f) => !f.done) };
}

/**
 * Lets `future` go while the cluster computes it to the end (for its side effects): it is
 * released from the cluster once done.
 *
 * @example
 * fireAndForget(client.submit(writeReport, data));
 */
export function fireAndForget(future: Future | readonly Future[]): void {
  for (const f of isFuture(future) ? [future] : future) {
    const problem = f.problem();
    if (problem !== undefined) throw problem;
    f.owner.forget(f.record);
    f.release();
  }
}
