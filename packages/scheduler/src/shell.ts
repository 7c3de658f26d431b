// The scheduler shell: one SchedulerCore shared by every concurrent compute, behind any transport.
// Workers come as endpoints (connect / message / disconnect): a local pool's threads or processes
// (local-pool.ts), or, later, remote workers. The shell translates both ways: worker messages (each
// validated once by checkFromWorker, which accepts what the zod schema does; a malformed one is
// logged and refused, never thrown) become core events, and core commands become wire messages.
// Events from many messages are coalesced and handled in one `setImmediate` turn, and each turn's
// messages to a worker are merged (see outbox.ts). A task a compute wants is marked in its
// `compute` message; its worker sends the value with `finished`, and the core's `deliver` is then
// carried out from it in the same turn (sent-results.ts: a one-task compute costs two hops, not
// four). Function references are made portable before a compute is submitted, so a closure is
// refused before anything runs (portable-check.ts). Endpoints are unref'd while no compute runs
// (a script exits without `close`). Worker messages and departures become events in
// shell-messages.ts, core commands become messages in shell-commands.ts.
//
// Client-held keys (`hold`, `unhold`): each held key is a submission of its own that settles once
// the key is in memory (its value stays on its worker) and the core keeps it there until
// `unhold`; later computes read it as any other known key.
//
// Failure policy: nothing throws out of a turn, a worker event or a timer. A value that cannot be
// copied to a worker is refused before anything runs (portable-check.ts), or, if only sending
// shows it, fails its task (outbox.ts); a result that cannot be copied back fails the computes
// that wanted it with a TaskError naming the key. A command that throws fails the computes it
// concerns; the core throwing fails every running compute, closes every endpoint and starts a
// fresh core (`onRestart` tells the owner of the endpoints). A worker stuck on a task nobody wants
// anymore (its compute was aborted) is closed (see orphan-watch.ts), without counting toward
// `maxRetries`; every other departure of a ready worker counts.
import {
  ComputeAbortedError,
  checkPlacement,
  encodeValue,
  placeGraph,
  isInsideWorker,
  type ComputeOptions,
  type Graph,
  type Scheduler,
} from '@dask-ts/protocol';
import type { WorkerInfo } from './cluster-options.js';
import type { Compute, Gather, Member } from './cluster-records.js';
import {
  SchedulerCore,
  type CoreCommand,
  type CoreEvent,
  type SchedulerCoreOptions,
  type Waits,
} from './core/index.js';
import { SentResults } from './sent-results.js';
import { OrphanWatch, orphanHeads } from './orphan-watch.js';
import { Outbox } from './outbox.js';
import { unsendableEvents, type SendHost } from './send-compute.js';
import type { WorkerEndpoint } from './pool-worker.js';
import type { Departure, ShellOptions, TransferredValues } from './shell-options.js';

export type { Departure, ShellOptions } from './shell-options.js';
import { checkPortable } from './portable-check.js';
import { nestedPoolProblem } from './nested-pool.js';
import { countProgress, openCompute, receiveResults, settleCompute } from './computes.js';
import { HoldBatch, refusedHolds, type Held, type HeldKey } from './held-keys.js';
import { afterTransfer, applyCommand, commandFailed, relayInputs } from './shell-commands.js';
import { workerLeft, workerMessage } from './shell-messages.js';
import type { ShellHost } from './shell-host.js';

export type { HeldKey } from './held-keys.js';

/** How long (ms) a worker may keep running a task nobody wants before it is stopped. */
const ORPHAN_GRACE_MS = 250;

/**
 * The transport-agnostic scheduler: a core, its turn loop, the translation between core and wire,
 * and the computes of its clients. Endpoints are connected by their owner (a local pool).
 *
 * @example
 * const shell = new SchedulerShell({ name: 'threads', log: console.error });
 * shell.connect(endpoint);
 * const [y] = await shell.get(graph, ['y']);
 */
export class SchedulerShell implements Scheduler {
  readonly name: string;
  private readonly log: (line: string) => void;
  private readonly options: ShellOptions;
  private readonly coreOptions: SchedulerCoreOptions;
  private core: SchedulerCore;
  private readonly members = new Map<string, Member>();
  private readonly computes = new Map<string, Compute>();
  private readonly gathers = new Map<number, Gather>();
  /** Computes that report progress (the others are not counted). */
  private readonly progressing = new Set<Compute>();
  /** Client holds by compute id (held-keys.ts). */
  private readonly batches = new Map<string, HoldBatch>();
  /** Wanted results that rode with `finished` (see sent-results.ts). */
  private readonly sent = new SentResults();
  private pending: CoreEvent[] = [];
  private turn: NodeJS.Immediate | undefined;
  private nextCompute = 0;
  private nextGather = 0;
  private readonly sendHost: SendHost = {
    members: this.members,
    emit: (event) => this.emit(event),
    countDone: (keys) => this.countDone(keys),
    schedule: () => this.schedule(),
    gather: (from, target, ticket, keys) => {
      if (!this.members.has(from)) return false;
      // Peer to peer when the owner can (the workers fetch from each other), else relayed here.
      const moved = (unmoved: readonly string[], values: TransferredValues): void =>
        this.guard(() => afterTransfer(this.host, from, target, ticket, keys, unmoved, values));
      if (this.options.transfer?.(from, target, keys, moved) === true) return true;
      return relayInputs(this.host, from, target, ticket, keys);
    },
  };
  /** What shell-commands.ts and shell-messages.ts reach of this shell. */
  private readonly host: ShellHost = {
    core: () => this.core,
    members: this.members,
    computes: this.computes,
    gathers: this.gathers,
    batches: this.batches,
    sent: this.sent,
    sendHost: this.sendHost,
    closed: () => this.closed,
    logLine: (line) => this.logLine(line),
    push: (...events) => void this.pending.push(...events),
    schedule: () => this.schedule(),
    emit: (event) => this.emit(event),
    gatherId: () => ++this.nextGather,
    receive: (c, keys, values) => this.receive(c, keys, values),
    settle: (c, err, values) => this.settle(c, err, values),
    fail: (err) => this.fail(err),
    countDone: (keys) => this.countDone(keys),
  };

  private broken: Error | undefined;
  private closed = false;
  private referenced = false;
  private readonly orphans = new OrphanWatch(
    ORPHAN_GRACE_MS,
    () => orphanHeads(this.core, this.members),
    (name, key) => this.stopStuck(name, key),
  );

  constructor(options: ShellOptions) {
    this.options = options;
    this.name = options.name;
    this.log = options.log;
    this.coreOptions = {
      // Workers give back queued tasks for idle ones (core/stealing.ts, the worker's stealable.ts).
      workStealing: true,
      ...(options.queueFactor !== undefined ? { queueFactor: options.queueFactor } : {}),
      ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
      ...(options.rootSaturation !== undefined ? { rootSaturation: options.rootSaturation } : {}),
    };
    // Validates the core options now, not on first compute.
    this.core = new SchedulerCore(this.coreOptions);
  }

  /**
   * The connected workers.
   *
   * @example
   * shell.workers.map((w) => w.name); // ['thread-0', 'thread-1']
   */
  get workers(): readonly WorkerInfo[] {
    return [...this.members.values()].map((m) => ({
      name: m.endpoint.name,
      id: m.endpoint.id,
      ready: m.ready,
    }));
  }

  /**
   * Runs `graph` on the connected workers and returns the values of `keys`, in order.
   *
   * @example
   * const [total] = await shell.get(graph, ['total'], { onProgress: (p) => console.log(p.done) });
   */
  get(graph: Graph, keys: readonly string[], options: ComputeOptions = {}): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new Error(`The ${this.name} scheduler is closed`));
    if (this.broken !== undefined) return Promise.reject(this.broken);
    if (isInsideWorker()) return Promise.reject(new Error(nestedPoolProblem(this.name)));
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new ComputeAbortedError(signal.reason));
    try {
      checkPortable(graph);
      graph = placeGraph(
        graph,
        checkPlacement({ retries: options.retries }, `${this.name} compute`),
      );
    } catch (err) {
      return Promise.reject(err);
    }
    this.options.onDemand?.();
    const id = `${this.name}-${++this.nextCompute}`;
    const wanted = [...new Set(keys)];
    return new Promise<unknown[]>((resolve, reject) => {
      const compute = openCompute(id, graph, keys, wanted, options, resolve, reject, () => {
        this.updateRefs();
        this.emit({ type: 'cancel', id, reason: 'aborted by its signal' });
      });
      this.computes.set(id, compute);
      if (compute.progress !== undefined) this.progressing.add(compute);
      this.updateRefs();
      this.emit({ type: 'submit', id, graph, wanted });
    });
  }

  /**
   * Computes `keys` of `graph` and keeps them on the workers, held, until {@link unhold}: one
   * {@link HeldKey} per key, whose `ready` settles once that key is in memory (nothing is sent
   * back) or failed, and whose `cancel` stops computing it. Later computes may depend on held
   * keys without including them in their graphs. With `onValues`, the values come back too, as a
   * compute's would: `onValues` gets them in the order of the distinct keys (undefined for a key
   * that failed or was cancelled) once none is pending.
   *
   * @example
   * const [y] = shell.hold(graph, ['y']);
   * await y.ready; // y is in memory on a worker
   * const [z] = await shell.get(new Map([['z', task(inc, [{ $ref: 'y' }], ['y'])]]), ['z']);
   * shell.unhold(['y']);
   */
  hold(
    graph: Graph,
    keys: readonly string[],
    settled?: (index: number, error: unknown) => void,
    onValues?: (values: readonly unknown[]) => void,
  ): HeldKey[] {
    let refusal: unknown;
    if (this.closed) refusal = new Error(`The ${this.name} scheduler is closed`);
    else if (this.broken !== undefined) refusal = this.broken;
    else {
      try {
        checkPortable(graph);
      } catch (err) {
        refusal = err;
      }
    }
    if (refusal !== undefined) return refusedHolds(keys, refusal, settled);
    this.options.onDemand?.();
    const id = `${this.name}-${++this.nextCompute}`;
    const batch = new HoldBatch(id, keys, (reason) => {
      const c = batch.compute!;
      if (c.settled || !settleCompute(c, new ComputeAbortedError(reason))) return;
      this.updateRefs();
      this.emit({ type: 'cancel', id, reason });
    });
    const distinct = batch.distinct;
    batch.compute = openCompute(
      id,
      graph,
      distinct,
      distinct,
      {},
      (values) => {
        this.batches.delete(id);
        batch.settleAll(undefined);
        onValues?.(values);
      },
      (err) => {
        this.batches.delete(id);
        batch.settleAll(err ?? new Error(`${id} failed`));
      },
      () => undefined,
    );
    this.computes.set(id, batch.compute);
    this.batches.set(id, batch);
    const held = batch.held;
    if (settled !== undefined) watchEach(held, settled);
    this.updateRefs();
    const deliver = onValues !== undefined ? { deliver: true } : {};
    this.emit({ type: 'hold', ids: [id], graph, keys: distinct, ...deliver });
    return held;
  }

  /**
   * Lets go of one hold on each of `keys` (see {@link hold}); a key nobody needs any more is
   * released from its workers.
   *
   * @example
   * shell.unhold(['y']);
   */
  unhold(keys: readonly string[]): void {
    if (this.closed || keys.length === 0) return;
    this.emit({ type: 'unwant', keys: [...keys] });
  }

  /**
   * Copies held key `key`, in memory on some worker, whose value is `value` (the scheduler has
   * it: scattered data), to every other ready worker (a broadcast).
   *
   * @example
   * shell.replicate('table-1f3a', table);
   */
  replicate(key: string, value: unknown): void {
    const s = this.core.state(key);
    if (this.closed || s?.state !== 'memory') return;
    const targets = [...this.members.values()].filter(
      (m) => m.ready && !s.workers.includes(m.endpoint.name),
    );
    if (targets.length === 0) return;
    const payload = encodeValue(value).payload;
    for (const m of targets) m.endpoint.send({ op: 'put', keys: [key], values: [payload] });
    this.emit({ type: 'replicated', key, workers: targets.map((m) => m.endpoint.name) });
  }

  /**
   * Pauses worker `name` (it takes no new tasks) or unpauses it, for `reason` ('waiting': a task
   * there waits for other tasks; 'memory': its node is short of memory); see the core's
   * `pause-worker` event.
   *
   * @example
   * shell.setPaused('w-0', true);
   */
  setPaused(name: string, paused: boolean, reason = 'waiting'): void {
    const m = this.members.get(name);
    if (m === undefined || !m.ready || this.closed) return;
    this.emit({ type: 'pause-worker', worker: name, paused, reason });
  }

  /**
   * Which of `keys` worker `name` holds now (it is asked); empty when it is not connected.
   *
   * @example
   * await shell.holdsOn('w-0', ['y']); // ['y']
   */
  holdsOn(name: string, keys: readonly string[]): Promise<string[]> {
    const m = this.members.get(name);
    if (m === undefined || this.closed) return Promise.resolve([]);
    return new Promise((resolve) => {
      const id = ++this.nextGather;
      this.gathers.set(id, { kind: 'probe', worker: name, resolve });
      m.endpoint.send({ op: 'gather', id, keys: [...keys], release: false });
    });
  }

  /**
   * Rejects computes still running and closes every endpoint. The shell cannot be used afterwards.
   *
   * @example
   * await shell.close();
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const members = this.stopAll(
      new Error(`The ${this.name} scheduler was closed while computing`),
    );
    await Promise.all(members.map((m) => m.endpoint.close()));
  }

  /** Fails every running compute with `err` and forgets all state; returns the members it had. */
  private stopAll(err: unknown): Member[] {
    if (this.turn !== undefined) clearImmediate(this.turn);
    this.turn = undefined;
    this.pending = [];
    this.orphans.clear();
    for (const c of [...this.computes.values()]) this.settle(c, err);
    this.computes.clear();
    for (const g of this.gathers.values()) if (g.kind === 'probe') g.resolve([]);
    this.gathers.clear();
    this.sent.clear();
    const members = [...this.members.values()];
    this.members.clear();
    return members;
  }

  /**
   * What happened to `key` in the core, one line per transition with its cause (a task that waits
   * for a worker its restrictions allow says so).
   *
   * @example
   * shell.story('y'); // ['y released -> ready: submit ...', 'y ready -> ready: waits: ...']
   */
  story(key: string): string[] {
    return this.core.story(key);
  }

  /** Why tasks wait, by reason (core/waits.ts). @example shell.waits().admission; */
  waits(): Waits {
    return this.core.waits();
  }

  /**
   * Accepts worker `endpoint`; it takes tasks once it says hello.
   *
   * @example
   * shell.connect({ name: 'w-0', id: 1, send, ref, unref, close });
   */
  connect(endpoint: WorkerEndpoint): void {
    if (this.closed) {
      void endpoint.close().catch(() => undefined);
      return;
    }
    const name = endpoint.name;
    const member: Member = {
      endpoint,
      ready: false,
      refused: false,
      stopping: undefined,
      outbox: new Outbox(
        (msg, transfer) => endpoint.send(msg, transfer),
        (keys, error) => this.unsendable(name, keys, error),
        (error) => {
          // Its channel is broken: close it (its tasks are recomputed elsewhere).
          this.log(`dask-ts ${this.name}: cannot send to ${name}: ${error.message}`);
          void endpoint.close().catch(() => undefined);
        },
      ),
    };
    this.members.set(name, member);
    if (this.referenced) endpoint.ref();
    else endpoint.unref();
  }

  /**
   * A raw (unvalidated) message from worker `name`.
   *
   * @example
   * shell.message('w-0', { op: 'hello', version: PROTOCOL_VERSION });
   */
  message(name: string, raw: unknown): void {
    this.guard(() => workerMessage(this.host, name, raw));
  }

  /**
   * Worker `name` is gone (`why` says how): its tasks are recomputed; returns how it left.
   *
   * @example
   * const how = shell.disconnected('w-0', 'exit code 1');
   */
  disconnected(name: string, why: string): Departure {
    let how: Departure = 'unknown';
    this.guard(() => (how = workerLeft(this.host, name, why)));
    return how;
  }

  /**
   * The workers cannot work: every compute fails now and later.
   *
   * @example
   * shell.fail(new Error('cannot start workers'));
   */
  fail(err: Error): void {
    this.broken ??= err;
    for (const c of [...this.computes.values()]) this.settle(c, err);
    this.updateRefs();
  }

  private emit(event: CoreEvent): void {
    this.pending.push(event);
    this.schedule();
  }

  private readonly logLine = (line: string): void => this.log(`dask-ts ${this.name}: ${line}`);

  private schedule(): void {
    if (this.turn === undefined && !this.closed) this.turn = setImmediate(() => this.runTurn());
  }

  /** Decodes delivered values into compute `c`'s results; a bad one fails and cancels it. */
  private receive(c: Compute, keys: readonly string[], values: readonly unknown[]): void {
    const failed = receiveResults(c, keys, values, (key) => this.core.story(key));
    if (failed === undefined) return;
    this.updateRefs();
    this.pending.push({ type: 'cancel', id: c.id, reason: failed });
  }

  private runTurn(): void {
    this.turn = undefined;
    // Deliveries carried out with values already sent add `delivered` events: a few more rounds
    // in this turn settle their computes without waiting for the next one.
    for (let round = 0; round < 4; round++) {
      this.runRound();
      if (this.pending.length === 0 || this.turn !== undefined) return;
    }
    this.schedule();
  }

  private runRound(): void {
    if (this.closed) return;
    const core = this.core;
    const events = this.pending;
    this.pending = [];
    let commands: CoreCommand[];
    try {
      commands = core.handle(events);
    } catch (err) {
      this.restart(err);
      return;
    }
    this.guard(() => {
      for (const cmd of commands) {
        try {
          applyCommand(this.host, cmd);
        } catch (err) {
          commandFailed(this.host, cmd, err);
        }
      }
      for (const m of this.members.values()) if (!m.outbox.empty) m.outbox.flush();
      this.updateRefs();
      if (this.orphans.watching || core.counts.cancelled > 0) this.orphans.poke();
    });
  }

  /**
   * Runs `f`, the body of a turn, a worker event or a timer: what it throws (a bug) is logged and
   * fails every running compute, with the pool restarted; it never reaches the event loop.
   */
  private guard(f: () => void): void {
    try {
      f();
    } catch (err) {
      this.restart(err);
    }
  }

  /**
   * Something threw where it should not have (the core's state may be inconsistent): every running
   * compute fails with the error, every endpoint is closed, and a fresh core takes the next compute.
   */
  private restart(err: unknown): void {
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    this.log(
      `dask-ts ${this.name}: internal error; running computes fail, the pool restarts: ${text}`,
    );
    const error = new Error(
      `dask-ts ${this.name}: internal error (the pool restarted): ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
    const members = this.stopAll(error);
    this.core = new SchedulerCore(this.coreOptions);
    this.referenced = false;
    for (const m of members) void m.endpoint.close().catch(() => undefined);
    this.options.onRestart?.();
  }

  /** Worker `name` could not be sent `keys`: they fail, naming the key and why. */
  private unsendable(name: string, keys: readonly string[], error: Error): void {
    for (const e of unsendableEvents(this.core, name, keys, error, (line) =>
      this.log(`dask-ts ${this.name}: ${line}`),
    ))
      this.emit(e);
  }

  /** Worker `name` keeps running orphans (now `key`): stop it (it is replaced as it exits). */
  private stopStuck(name: string, key: string): void {
    const m = this.members.get(name);
    if (m === undefined || m.stopping !== undefined) return;
    m.stopping = `${m.endpoint.name} was stopped: it kept running tasks no compute wants anymore (its compute was aborted or failed; the last was ${key})`;
    void m.endpoint.close().catch(() => undefined);
  }

  private countDone(keys: readonly string[]): void {
    if (this.progressing.size === 0) return;
    for (const c of this.progressing) if (c.settled) this.progressing.delete(c);
    countProgress(this.progressing, keys);
  }

  private settle(c: Compute, err: unknown, values?: unknown[]): void {
    if (settleCompute(c, err, values)) this.updateRefs();
  }

  /** Workers keep the process alive only while some compute is running. */
  private updateRefs(): void {
    let active = false;
    for (const c of this.computes.values()) {
      if (!c.settled) {
        active = true;
        break;
      }
    }
    if (active === this.referenced) return;
    this.referenced = active;
    for (const m of this.members.values()) {
      if (active) m.endpoint.ref();
      else m.endpoint.unref();
    }
  }
}

/**
 * Tells `settled` when each of `held` settles: a loop of its own that returns right after it (see
 * `core/intake.ts` on V8 and hot loops).
 */
function watchEach(held: readonly Held[], settled: (index: number, error: unknown) => void): void {
  for (let i = 0; i < held.length; i++) held[i].onSettle(i, settled);
}
