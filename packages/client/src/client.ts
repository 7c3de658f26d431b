// The Client: a user's connection to a scheduler server, and a Scheduler (`get`) that
// @dask-ts/graph's compute() can use. While a client is open it is the default scheduler, so
// `compute()` on any collection or Delayed runs on the cluster; closing it gives the default back.
// `compute`, `submit`, `map` and `gather` are Dask's; futures are thenable (future.ts), so every
// method hands them out synchronously or inside an array, never as what a promise resolves to.
// An idle client stops listening (within a heartbeat), so a script that forgets `close()` still
// exits once its work is done; the scheduler drops it when its heartbeats stop.
// Results live ON the cluster, held by futures (future.ts, key-holds.ts): `submit`, `map`,
// `scatter` and `persist` send what computes their keys and hand out futures at once; the values
// stay on the workers until a future's `result()` (or `gather`) fetches them, and a key no future
// refers to any more is released. Futures are collections: as arguments of `submit`, `map` and
// `delayed` functions, or in a persisted collection's graph, only their keys travel, and the
// workers read the held values. A compute's graph leaves out the data nodes of this client's
// futures; a future that is released or whose client is closed is refused, naming its key.
// Messages leave in the order they were made (queued until the link is up; client-wire.ts).
import {
  ComputeAbortedError,
  daskGraph,
  daskGraphInto,
  getScheduler,
  registerScheduler,
  setDefaultScheduler,
  decodeValue,
  encodeValue,
  isCollection,
  deserializeError,
  placeGraph,
  type Collection,
  type ComputeOptions,
  type FunctionRef,
  type Graph,
  type GraphNode,
  type Scheduler,
} from '@dask-ts/protocol';
import {
  compute,
  delayed,
  persist,
  sourceRef,
  tokenize,
  toPortableRef,
  type ComputedValue,
  type Delayed,
} from '@dask-ts/graph';
import {
  computeMessage,
  graphMessage,
  type GraphMessage,
  type ToClient,
} from '@dask-ts/distributed';
import { Future, isFuture } from './future.js';
import { KeyHolds } from './key-holds.js';
import { scatterGraph, type ScatterOptions, type Scattered } from './scatter.js';
import {
  placedScheduler,
  placementOf,
  type ClientComputeOptions,
  type PlacementOptions,
} from './placement-options.js';

export type { ScatterOptions, Scattered } from './scatter.js';
import { connectLink, type Link } from '@dask-ts/distributed';
import { ClientWire } from './client-wire.js';
import { mapArguments, zipCalls } from './map-args.js';
import { mapCalls, mapGraph, mapMessage } from './map-nodes.js';
import { startLocalCluster, type LocalCluster, type LocalOptions } from '@dask-ts/distributed';
import { parentPort } from 'node:worker_threads';

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

/** A value asked for (see fetch). */
interface Pending {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** The client that is the default scheduler now (getClient() returns it). */
let current: Client | undefined;

/** @internal The client that is the default scheduler now, if any. */
export function currentClient(): Client | undefined {
  return current;
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
  private readonly wire: ClientWire;
  private readonly holds: KeyHolds;
  /** Values asked for this tick (see fetch). */
  private readonly fetches = new Map<string, Pending[]>();
  private closing: Promise<void> | undefined;
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
    const wire = new ClientWire(address);
    this.wire = wire;
    this.holds = new KeyHolds({
      address,
      closed: () => this.closing !== undefined,
      send: (m) => wire.now(m),
      sendLater: (build) => wire.later(build),
      fetch: (key) => this.fetch(key),
      waitingChanged: () => wire.updateRef(),
    });
    wire.holds = this.holds;
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
    this.ready = ready.then((link) => wire.linked(link));
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
   * Runs `graph` on the cluster and returns the values of `keys` (the Scheduler interface). Data
   * nodes holding this client's futures are not sent: their keys are read where they are held.
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
    const id = this.wire.newId();
    // `retries` (ComputeOptions) goes on every task; a bad future or a closure is refused now.
    const placed = placeGraph(graph, placementOf({ retries: options.retries }, 'compute'));
    const message = computeMessage(id, placed, keys, this.heldNode);
    await this.ready;
    if (this.wire.lost !== undefined) throw this.wire.lost;
    return (await this.wire.request(message, signal)) as unknown[];
  }

  /**
   * Computes a collection or Delayed value on the cluster (as @dask-ts/graph's compute does;
   * `options.signal` aborts it).
   *
   * @example
   * const total = await client.compute(delayed(sum)(parts));
   */
  async compute<C>(collection: C, options: ClientComputeOptions = {}): Promise<ComputedValue<C>> {
    const placement = placementOf(options, 'client.compute');
    const scheduler = placement === undefined ? this : placedScheduler(this, placement);
    const { retries: _r, workers: _w, allowOtherWorkers: _a, resources: _s, ...rest } = options;
    const [value] = (await compute(collection, { ...rest, scheduler })) as unknown[];
    return value as ComputedValue<C>;
  }

  /**
   * Computes `collection` (any collection or Delayed) on the cluster and keeps its results there:
   * the returned collection's graph refers to keys held on the workers (nothing comes back to the
   * client), so later computes start from them. The keys stay held while the returned collection
   * (or a future of them) is alive.
   *
   * @example
   * const cached = await client.persist(bag.fromSequence(rows).map(parse));
   * await client.compute(cached.count()); // reads the held partitions
   */
  async persist<C>(collection: C): Promise<C> {
    if (!isCollection(collection))
      throw new TypeError('client.persist: expected a collection or a Delayed value');
    const holder: Scheduler = {
      name: 'distributed-persist',
      get: (graph, keys) => Promise.resolve(this.holdGraph(graph, keys)),
    };
    const [out] = await persist(collection, { scheduler: holder });
    return out;
  }

  /**
   * Runs `fn(...args)` on the cluster; the future is returned at once and the result stays on
   * the cluster until asked for. `fn` must be self-contained (or a function reference); futures
   * among `args` are read on the workers where they are held.
   *
   * @example
   * const f = client.submit((a: number, b: number) => a + b, 1, 2);
   * await f; // 3
   * const g = client.submit((x: number) => x * 10, f); // f's value never leaves the cluster
   */
  submit<A extends unknown[], R>(
    fn: (...args: A) => R,
    ...args: { [K in keyof A]: A[K] | Future<A[K]> }
  ): Future<Awaited<R>> {
    let d: Delayed<Awaited<R>>;
    try {
      d = (delayed(fn as never) as unknown as (...a: unknown[]) => Delayed<Awaited<R>>)(...args);
    } catch (err) {
      return this.holds.failed(`submit-${tokenize(Math.random())}`, err);
    }
    return this.holdCollections<Awaited<R>>([d])[0];
  }

  /**
   * `submit` with a placement: `fn(...args)` runs again after it throws, up to `retries` times,
   * only on the named `workers` (or worker nodes), and where the `resources` it asks for are free.
   *
   * @example
   * const f = client.submitWith(train, [data], { retries: 2, resources: { GPU: 1 } });
   */
  submitWith<A extends unknown[], R>(
    fn: (...args: A) => R,
    args: { [K in keyof A]: A[K] | Future<A[K]> },
    options: PlacementOptions,
  ): Future<Awaited<R>> {
    let d: Delayed<Awaited<R>>;
    let placement: PlacementOptions | undefined;
    try {
      placement = placementOf(options, 'client.submitWith');
      d = (delayed(fn as never) as unknown as (...a: unknown[]) => Delayed<Awaited<R>>)(...args);
    } catch (err) {
      return this.holds.failed(`submit-${tokenize(Math.random())}`, err);
    }
    return this.holdCollections<Awaited<R>>([d], placement)[0];
  }

  /**
   * Runs `fn` on each item, as one graph; returns one future per item, at once. Items may be
   * futures. With several arrays of items (as Dask's `map(func, *iterables)`), `fn` takes one
   * argument from each, position by position (the arrays must have the same length). `options`
   * (last) places each call (retries, workers, resources: see `submitWith`).
   *
   * @example
   * const futures = client.map((x: number) => x * 2, [1, 2, 3]);
   * await client.gather(futures); // [2, 4, 6]
   * await client.gather(client.map((a: number, b: number) => a + b, [1, 2], [10, 20])); // [11, 22]
   */
  map<T, R>(
    fn: (item: T) => R,
    items: readonly (T | Future<T>)[],
    options?: PlacementOptions,
  ): Future<Awaited<R>>[];
  map<A, B, R>(
    fn: (a: A, b: B) => R,
    as: readonly (A | Future<A>)[],
    bs: readonly (B | Future<B>)[],
    options?: PlacementOptions,
  ): Future<Awaited<R>>[];
  map<R>(
    fn: (...args: never[]) => R,
    ...rest: (readonly unknown[] | PlacementOptions)[]
  ): Future<Awaited<R>>[];
  map<R>(
    fn: (...args: never[]) => R,
    ...rest: (readonly unknown[] | PlacementOptions | undefined)[]
  ): Future<Awaited<R>>[] {
    const { lists, options } = mapArguments(rest);
    let calls: Delayed<Awaited<R>>[];
    let placement: PlacementOptions | undefined;
    try {
      placement = placementOf(options, 'client.map');
      // Plain items skip the Delayed per item (map-nodes.ts); their keys are fresh random ones.
      const made = lists.length === 1 ? mapCalls(fn, lists[0]) : undefined;
      if (made !== undefined) {
        const p = placement;
        const build = (): GraphMessage =>
          p === undefined
            ? mapMessage(made)
            : graphMessage(placeGraph(mapGraph(made), p, made.keys), this.heldNode);
        return this.holdMessage(build, made.keys, false, true) as Future<Awaited<R>>[];
      }
      calls = zipCalls<Awaited<R>>(fn, lists);
    } catch (err) {
      return lists[0].map(() => this.holds.failed(`map-${tokenize(Math.random())}`, err));
    }
    return this.holdCollections<Awaited<R>>(calls, placement);
  }

  /**
   * Sends `data` to the cluster, where it stays, held: one future per item of an array or
   * record (Dask's scatter of a list or dict). Futures are returned at once; the data travels in
   * the background.
   *
   * @example
   * const [big] = client.scatter([new Float64Array(1e6)]);
   * const total = await client.submit((a: Float64Array) => a.reduce((x, y) => x + y, 0), big);
   */
  scatter<D extends readonly unknown[] | Record<string, unknown>>(
    data: D,
    options: ScatterOptions = {},
  ): Scattered<D> {
    const { graph, keys, names } = scatterGraph(data, options);
    const futures = this.holdGraph(graph, keys, options.broadcast === true);
    if (Array.isArray(data)) return futures as Scattered<D>;
    return Object.fromEntries(names.map((k, i) => [k, futures[i]])) as Scattered<D>;
  }

  /**
   * The values of `futures`, in order (rejects with the first error).
   *
   * @example
   * const [a, b] = await client.gather([fa, fb]);
   */
  gather<T>(futures: readonly Future<T>[]): Promise<T[]> {
    for (const f of futures) {
      const problem = f.problem();
      if (problem !== undefined) return Promise.reject(problem);
    }
    return Promise.all(futures.map((f) => f.result()));
  }

  /**
   * Stops computing `futures` (and lets go of their keys); their results reject with a
   * ComputeAbortedError.
   *
   * @example
   * client.cancel([f1, f2]);
   */
  cancel(futures: Future | readonly Future[]): void {
    for (const f of isFuture(futures) ? [futures] : futures) f.cancel();
  }

  /**
   * Runs `fn(...args)` once on every worker (in the worker's process, beside its tasks) and
   * resolves with each worker's result, by worker name; rejects naming the first worker that
   * failed. `fn` must be self-contained (or a function reference).
   *
   * @example
   * const pids = await client.run(() => process.pid); // { 'local-0': 4242, 'local-1': 4243 }
   */
  async run<A extends unknown[], R>(
    fn: ((...args: A) => R) | FunctionRef,
    ...args: A
  ): Promise<Record<string, Awaited<R>>> {
    if (this.closing !== undefined) throw new Error(`The client of ${this.address} is closed`);
    const ref = toPortableRef(typeof fn === 'function' ? sourceRef(fn) : fn, 'run');
    const id = this.wire.newId();
    const payload = encodeValue(args).payload;
    await this.ready;
    if (this.wire.lost !== undefined) throw this.wire.lost;
    const answer = await this.wire.request({ op: 'run', id, fn: ref, args: payload });
    const ran = answer as Extract<ToClient, { op: 'ran' }>;
    const out: Record<string, Awaited<R>> = {};
    for (let i = 0; i < ran.workers.length; i++) {
      const error = ran.errors[i];
      if (error !== null && error !== undefined) {
        const err = deserializeError(error);
        err.message = `client.run failed on worker ${ran.workers[i]}: ${err.message}`;
        throw err;
      }
      out[ran.workers[i]] = decodeValue(ran.values[i]) as Awaited<R>;
    }
    return out;
  }

  /** Futures holding `keys` of `graph` on the cluster (keys this client holds are reused). */
  private holdGraph(graph: Graph, keys: readonly string[], broadcast = false): Future[] {
    return this.holdMessage(() => graphMessage(graph, this.heldNode), keys, broadcast, false);
  }

  /**
   * Futures holding `keys` on the cluster, computed by the graph that `build` makes (its error
   * fails them); `fresh`: the keys are new random ones (distinct, never held).
   */
  private holdMessage(
    build: () => GraphMessage,
    keys: readonly string[],
    broadcast: boolean,
    fresh: boolean,
  ): Future[] {
    const unique = fresh ? keys : [...new Set(keys)];
    let message: GraphMessage;
    try {
      message = build();
    } catch (err) {
      return keys.map((k) => this.holds.failed(k, err));
    }
    if (this.closing !== undefined) {
      const err = new Error(`The client of ${this.address} is closed`);
      return keys.map((k) => this.holds.failed(k, err));
    }
    const futures = this.holds.futures(unique, () => message, broadcast, fresh);
    if (fresh) return futures;
    const byKey = new Map(unique.map((k, i) => [k, futures[i]]));
    // A key asked for twice gets a second future on the same record.
    const seen = new Set<string>();
    return keys.map((k) => {
      const f = byKey.get(k)!;
      if (seen.has(k)) return new Future(f.owner, f.record);
      seen.add(k);
      return f;
    });
  }

  /** Futures holding each Delayed of `calls` (one graph for all). */
  private holdCollections<T>(
    calls: readonly Delayed<T>[],
    placement?: PlacementOptions,
  ): Future<T>[] {
    const graph = new Map<string, GraphNode>();
    // Shared ancestors are walked once (the collection protocol's graph-into, where offered).
    const seen = new Set<unknown>();
    for (const call of calls) {
      const c = call as unknown as Collection;
      const into = c[daskGraphInto];
      if (typeof into === 'function') into.call(c, graph, seen);
      else for (const [k, node] of c[daskGraph]()) graph.set(k, node);
    }
    const keys = calls.map((c) => c.key);
    return this.holdGraph(placeGraph(graph, placement, keys), keys) as Future<T>[];
  }

  /** A data node holding a future of this client is left out of what is sent (see the file comment). */
  private readonly heldNode = (key: string, value: unknown): boolean => {
    if (!isFuture(value)) return false;
    const problem = value.problem();
    if (problem !== undefined) throw problem;
    if (value.owner !== this.holds)
      throw new Error(
        `Future ${key} belongs to another client (of ${value.owner.address}): pass futures only to the client that made them`,
      );
    return true;
  };

  /**
   * The value of held `key`, fetched with the others asked for in this tick (one compute for
   * all: gathering 20,000 futures is one round trip).
   */
  private fetch(key: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const waiting = this.fetches.get(key);
      if (waiting !== undefined) {
        waiting.push({ resolve, reject });
        return;
      }
      this.fetches.set(key, [{ resolve, reject }]);
      if (this.fetches.size > 1) return;
      queueMicrotask(() => {
        const batch = new Map(this.fetches);
        this.fetches.clear();
        const keys = [...batch.keys()];
        this.get(new Map(), keys).then(
          (values) => keys.forEach((k, i) => batch.get(k)!.forEach((w) => w.resolve(values[i]))),
          (err: unknown) => batch.forEach((ws) => ws.forEach((w) => w.reject(err))),
        );
      });
    });
  }

  /**
   * @internal This client belongs to a task on worker `worker` (getClient in a task): while it
   * waits for anything, that worker is paused and its node lends the slot (lender.ts).
   */
  lendWhileBusy(worker: string): void {
    this.wire.onBusy = (busy) => {
      this.wire.now({ op: 'pause', worker, paused: busy });
      parentPort?.postMessage({ op: busy ? 'secede' : 'rejoin' });
    };
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
    this.wire.failAll(new Error(`The client of ${this.address} was closed while computing`), true);
    const link = await this.ready.catch(() => undefined);
    await link?.close('the client closed');
    for (const f of this.onClose.splice(0)) await f();
  }

  private becomeDefault(): void {
    try {
      this.previousDefault = getScheduler().name;
    } catch {
      this.previousDefault = undefined;
    }
    registerScheduler(REGISTRY_NAME, () => this);
    setDefaultScheduler(REGISTRY_NAME);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- getClient() returns the default client
    current = this;
  }

  private giveBackDefault(): void {
    if (this.previousDefault === undefined) return;
    let now: Scheduler | undefined;
    try {
      now = getScheduler(REGISTRY_NAME);
    } catch {
      now = undefined;
    }
    // Only if no later client took over.
    if (now === this) setDefaultScheduler(this.previousDefault);
    if (current === this) current = undefined;
    this.previousDefault = undefined;
  }
}
