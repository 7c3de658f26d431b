// The Client: a user's connection to a scheduler server, and a Scheduler (`get`) that
// @dask-ts/graph's compute() can use. While a client is open it is the default scheduler, so
// `compute()` on any collection or Delayed runs on the cluster; closing it gives the default back.
// `compute`, `submit`, `map` and `gather` are Dask's; futures are thenable (future.ts), so every
// method hands them out synchronously or inside an array, never as what a promise resolves to.
// An idle client stops listening (within a heartbeat), so a script that forgets `close()` still
// exits once its work is done; the scheduler drops it when its heartbeats stop.
//
// First slice: each compute travels whole (the graph in, the wanted values back); a future's value
// comes back to the client when ready, and futures passed to `submit` are passed by value. `map`
// sends one graph for all its items (one round trip), and its futures settle together.
import {
  ComputeAbortedError,
  getScheduler,
  registerScheduler,
  setDefaultScheduler,
  decodeValue,
  type ComputeOptions,
  type Graph,
  type Scheduler,
} from '@dask-ts/protocol';
import { compute, delayed, type ComputedValue, type Delayed } from '@dask-ts/graph';
import { computeMessage, errorOf, toClientSchema } from './client-messages.js';
import { Future } from './future.js';
import { connectLink, type Link } from './link.js';
import { isFuture } from './future.js';
import { startLocalCluster, type LocalCluster, type LocalOptions } from './local.js';

/**
 * Options of {@link Client}.
 *
 * @example
 * const options: ClientOptions = { token: 'secret', asDefault: false };
 */
export interface ClientOptions {
  /** The scheduler's shared secret, if it has one (default: DASK_TS_TOKEN). */
  readonly token?: string;
  /** Make this client the default scheduler while it is open (default true). */
  readonly asDefault?: boolean;
  /** How long to wait for the scheduler's answer to the handshake (ms, default 10,000). */
  readonly connectTimeoutMs?: number;
  /** How often to send a heartbeat (ms, default 1,000). */
  readonly heartbeatMs?: number;
  /** Silence from the scheduler after which it is lost (ms, default 10,000). */
  readonly heartbeatTimeoutMs?: number;
}

interface Pending {
  resolve(values: unknown[]): void;
  reject(err: unknown): void;
}

/** The registry name of the client that is the default scheduler. */
const REGISTRY_NAME = 'distributed';

/**
 * A connection to a dask-ts scheduler server (see the file comment).
 *
 * @example
 * await using client = await Client.connect('tcp://127.0.0.1:8786');
 * const inc = (x: number) => x + 1;
 * console.log(await client.submit(inc, 41)); // 42
 */
export class Client implements Scheduler {
  readonly name = 'distributed';
  /** The scheduler's address. */
  readonly address: string;
  private readonly ready: Promise<Link>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closing: Promise<void> | undefined;
  private lost: Error | undefined;
  private previousDefault: string | undefined;
  private readonly onClose: (() => Promise<void>)[] = [];
  /** The processes of the cluster `Client.local` started, for tools and tests. */
  localCluster: LocalCluster | undefined;

  /**
   * Connects in the background; the first call that needs the scheduler waits for it (and rejects
   * with a ConnectError when it refuses this client). Prefer {@link Client.connect}.
   *
   * @example
   * const client = new Client('tcp://127.0.0.1:8786');
   */
  constructor(address: string, options: ClientOptions = {}) {
    this.address = address;
    const token = options.token ?? (process.env.DASK_TS_TOKEN || undefined);
    let ready: Promise<Link>;
    try {
      ready = connectLink(address, {
        role: 'client',
        token,
        connectTimeoutMs: options.connectTimeoutMs,
        heartbeatMs: options.heartbeatMs,
        heartbeatTimeoutMs: options.heartbeatTimeoutMs,
      });
    } catch (err) {
      ready = Promise.reject(err);
    }
    this.ready = ready.then((link) => this.linked(link));
    this.ready.catch(() => undefined);
    if (options.asDefault !== false) this.becomeDefault();
  }

  /**
   * Connects to the scheduler at `address`; rejects with a ConnectError when it refuses (wrong
   * token or version) or does not answer.
   *
   * @example
   * const client = await Client.connect('tcp://127.0.0.1:8786', { token: 'secret' });
   */
  static async connect(address: string, options: ClientOptions = {}): Promise<Client> {
    const client = new Client(address, options);
    try {
      await client.ready;
    } catch (err) {
      await client.close();
      throw err;
    }
    return client;
  }

  /**
   * Starts a scheduler in this process and `nWorkers` worker processes, and connects to it; the
   * client's `close()` stops them all.
   *
   * @example
   * await using client = await Client.local({ nWorkers: 2 });
   */
  static async local(options: LocalOptions = {}): Promise<Client> {
    const cluster = await startLocalCluster(options);
    const client = new Client(cluster.server.address, {
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
      ...(options.asDefault !== undefined ? { asDefault: options.asDefault } : {}),
    });
    client.onClose.push(cluster.stop);
    client.localCluster = { server: cluster.server, pids: cluster.pids };
    try {
      await client.ready;
    } catch (err) {
      await client.close();
      throw err;
    }
    return client;
  }

  /**
   * Runs `graph` on the cluster and returns the values of `keys` (the Scheduler interface).
   *
   * @example
   * const [y] = await client.get(graph, ['y']);
   */
  async get(
    graph: Graph,
    keys: readonly string[],
    options: ComputeOptions = {},
  ): Promise<unknown[]> {
    if (this.closing !== undefined) throw new Error(`The client of ${this.address} is closed`);
    const signal = options.signal;
    if (signal?.aborted) throw new ComputeAbortedError(signal.reason);
    const link = await this.ready;
    if (this.lost !== undefined) throw this.lost;
    const id = ++this.nextId;
    const message = computeMessage(id, graph, keys);
    return new Promise<unknown[]>((resolve, reject) => {
      const onAbort = (): void => {
        link.send({ op: 'cancel', id });
        finish();
        reject(new ComputeAbortedError(signal?.reason));
      };
      const finish = (): void => {
        this.pending.delete(id);
        signal?.removeEventListener('abort', onAbort);
        // Idle: the script may exit without close().
        if (this.pending.size === 0) link.unref();
      };
      this.pending.set(id, {
        resolve: (values) => {
          finish();
          resolve(values);
        },
        reject: (err) => {
          finish();
          reject(err);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      link.ref();
      link.send(message);
    });
  }

  /**
   * Computes a collection or Delayed value on the cluster (as @dask-ts/graph's compute does;
   * `options.signal` aborts it).
   *
   * @example
   * const total = await client.compute(delayed(sum)(parts));
   */
  async compute<C>(collection: C, options: ComputeOptions = {}): Promise<ComputedValue<C>> {
    const [value] = (await compute(collection, { ...options, scheduler: this })) as unknown[];
    return value as ComputedValue<C>;
  }

  /**
   * Runs `fn(...args)` on the cluster; the future is returned at once. `fn` must be self-contained
   * (or a function reference); futures among `args` are passed by their values.
   *
   * @example
   * const f = client.submit((a: number, b: number) => a + b, 1, 2);
   * await f; // 3
   */
  submit<A extends unknown[], R>(
    fn: (...args: A) => R,
    ...args: { [K in keyof A]: A[K] | Future<A[K]> }
  ): Future<Awaited<R>> {
    const d = (delayed(fn as never) as unknown as (...a: unknown[]) => Delayed<Awaited<R>>)(
      ...args.map((a) => (isFuture(a) ? a.key : a)),
    );
    const controller = new AbortController();
    const futureArgs = args.filter(isFuture);
    const promise = (async (): Promise<Awaited<R>> => {
      // Passed by value: wait for them, then send the task with their values.
      const values = await Promise.all(futureArgs.map((f) => f.result()));
      const call =
        futureArgs.length === 0
          ? d
          : (delayed(fn as never) as unknown as (...a: unknown[]) => Delayed<Awaited<R>>)(
              ...args.map((a) => (isFuture(a) ? values[futureArgs.indexOf(a)] : a)),
            );
      const [value] = (await compute(call, {
        scheduler: this,
        signal: controller.signal,
      })) as unknown[];
      return value as Awaited<R>;
    })();
    return new Future<Awaited<R>>(d.key, promise, (reason) => controller.abort(reason));
  }

  /**
   * Runs `fn` on each item, as one graph; returns one future per item, at once.
   *
   * @example
   * const futures = client.map((x: number) => x * 2, [1, 2, 3]);
   * await client.gather(futures); // [2, 4, 6]
   */
  map<T, R>(fn: (item: T) => R, items: readonly T[]): Future<Awaited<R>>[] {
    const f = delayed(fn as never) as unknown as (x: T) => Delayed<Awaited<R>>;
    const calls = items.map((x) => f(x));
    const controller = new AbortController();
    const all = compute(calls, { scheduler: this, signal: controller.signal }) as Promise<unknown>;
    return calls.map(
      (d, i) =>
        new Future<Awaited<R>>(
          d.key,
          all.then((v) => ((v as unknown[][])[0] as Awaited<R>[])[i]),
          (reason) => controller.abort(reason),
        ),
    );
  }

  /**
   * The values of `futures`, in order (rejects with the first error).
   *
   * @example
   * const [a, b] = await client.gather([fa, fb]);
   */
  gather<T>(futures: readonly Future<T>[]): Promise<T[]> {
    return Promise.all(futures.map((f) => f.result()));
  }

  /**
   * Fails what is still running, says bye to the scheduler and gives the default scheduler back
   * (a `Client.local` cluster is stopped too).
   *
   * @example
   * await client.close();
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** Closes the client, for `await using`. @example await using client = await Client.local(); */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async shutDown(): Promise<void> {
    this.giveBackDefault();
    this.failAll(new Error(`The client of ${this.address} was closed while computing`));
    const link = await this.ready.catch(() => undefined);
    await link?.close('the client closed');
    for (const f of this.onClose.splice(0)) await f();
  }

  private linked(link: Link): Link {
    if (this.pending.size === 0) link.unref();
    link.listen({
      message: (raw) => this.onMessage(raw),
      disconnect: (why) => {
        this.lost = new Error(`Lost the dask-ts scheduler at ${this.address}: ${why}`);
        this.failAll(this.lost);
      },
    });
    return link;
  }

  private onMessage(raw: unknown): void {
    const parsed = toClientSchema.safeParse(raw);
    if (!parsed.success) {
      process.stderr.write(
        `dask-ts client: dropped a malformed message from the scheduler: ${parsed.error.issues[0]?.message ?? ''}\n`,
      );
      return;
    }
    const msg = parsed.data;
    const p = this.pending.get(msg.id);
    if (p === undefined) return;
    if (msg.op === 'error') {
      p.reject(errorOf(msg));
      return;
    }
    try {
      p.resolve(msg.values.map((v) => decodeValue(v)));
    } catch (err) {
      p.reject(err);
    }
  }

  private failAll(err: Error): void {
    for (const p of [...this.pending.values()]) p.reject(err);
    this.pending.clear();
  }

  private becomeDefault(): void {
    try {
      this.previousDefault = getScheduler().name;
    } catch {
      this.previousDefault = undefined;
    }
    registerScheduler(REGISTRY_NAME, () => this);
    setDefaultScheduler(REGISTRY_NAME);
  }

  private giveBackDefault(): void {
    if (this.previousDefault === undefined) return;
    let current: Scheduler | undefined;
    try {
      current = getScheduler(REGISTRY_NAME);
    } catch {
      current = undefined;
    }
    // Only if no later client took over.
    if (current === this) setDefaultScheduler(this.previousDefault);
    this.previousDefault = undefined;
  }
}
