// The scheduler server's side of results held on the cluster, and of `run`. Each client holds
// keys (at most one hold per key per client: its futures of one key share it); a `pause` comes
// from the client of a task that waits for other tasks (lender.ts); a `hold` message
// computes its keys on the shell as held keys and reports each one's status once (`key`), a
// `release` lets go of them (cancelling them first while they still run), and a client that
// leaves releases all it held. `run` sends a function to every worker and answers once each has
// replied (`ran`), or left. Whatever the state of a client, a message from it never throws here:
// a graph that does not decode fails its keys, with the reason.
//
// Every loop over a hold's keys is a method of its own that returns right after it: V8 compiles a
// loop that runs long (a 20,000-key `map`) on the spot, before the code after it has ever run,
// and reuses that code on every later call, where it bailed out past the loop (~0.1 ms each)
// on each one-key `submit` for thousands of them.
import type { HeldKey, SchedulerShell } from '@dask-ts/scheduler';
import {
  ComputeAbortedError,
  encodeValue,
  isTaskError,
  serializeError,
  type Graph,
  type PortableFunctionRef,
  type SerializedError,
} from '@dask-ts/protocol';
import { graphOf, type FromClient, type ToClient } from './client-messages.js';
import type { RanMessage, RunMessage } from './worker-run.js';

/** How ClientOps reaches peers (the server's sockets). */
export interface ClientOpsHost {
  readonly shell: SchedulerShell;
  /** Sends `message` to client `name` (dropped when it is gone). */
  toClient(name: string, message: ToClient): void;
  /** Sends `message` to every worker; returns their names. */
  toWorkers(message: RunMessage): string[];
  /** A hold brought `graph` (for the dashboard's task groups). */
  submitted?(graph: Graph): void;
}

interface Run {
  readonly client: string;
  /** The id the client gave its run. */
  readonly clientId: number;
  readonly waiting: Set<string>;
  readonly workers: string[];
  readonly values: unknown[];
  readonly errors: (SerializedError | null)[];
}

/**
 * The held keys of every client, and the runs in flight (see the file comment).
 *
 * @example
 * const ops = new ClientOps(host);
 * ops.handle('client-1', message);
 */
export class ClientOps {
  private readonly holds = new Map<string, Map<string, HeldKey>>();
  private readonly runs = new Map<number, Run>();
  /** Keys found in memory this tick, per client: told in one `finished` message. */
  private readonly finished = new Map<string, string[]>();
  private nextRun = 0;

  constructor(private readonly host: ClientOpsHost) {}

  /**
   * Handles a checked `hold`, `release` or `run` message from client `name`.
   *
   * @example
   * ops.handle('client-1', { op: 'release', keys: ['y'] });
   */
  handle(
    name: string,
    msg: Extract<FromClient, { op: 'hold' | 'release' | 'run' | 'forget' | 'pause' }>,
  ): void {
    if (msg.op === 'pause') this.host.shell.setPaused(msg.worker, msg.paused);
    else if (msg.op === 'hold') this.hold(name, msg);
    else if (msg.op === 'release') this.release(name, msg.keys, msg.cancel === true);
    else if (msg.op === 'forget') this.forget(name, msg.keys);
    else this.run(name, msg.id, msg.fn, msg.args);
  }

  /**
   * How many keys client `name` holds (for tools and tests).
   *
   * @example
   * ops.heldBy('client-1'); // 3
   */
  heldBy(name: string): number {
    return this.holds.get(name)?.size ?? 0;
  }

  /**
   * Client `name` left: everything it held is released; its runs are forgotten.
   *
   * @example
   * ops.clientGone('client-1');
   */
  clientGone(name: string): void {
    const held = this.holds.get(name);
    if (held !== undefined) this.release(name, [...held.keys()], true);
    this.holds.delete(name);
    for (const [id, run] of this.runs) if (run.client === name) this.runs.delete(id);
  }

  /**
   * A worker answered a run (`raw` was checked by the caller's schema).
   *
   * @example
   * ops.ran('w-1', { op: 'ran', id: 1, value: 42 });
   */
  ran(worker: string, msg: RanMessage): void {
    const run = this.runs.get(msg.id);
    if (run === undefined || !run.waiting.delete(worker)) return;
    const i = run.workers.indexOf(worker);
    run.values[i] = msg.error === undefined ? msg.value : null;
    run.errors[i] = msg.error ?? null;
    this.maybeAnswer(msg.id, run);
  }

  /**
   * A worker left: runs waiting for it answer with an error for it.
   *
   * @example
   * ops.workerGone('w-1', 'it stopped heartbeating');
   */
  workerGone(worker: string, why: string): void {
    for (const [id, run] of this.runs) {
      if (!run.waiting.delete(worker)) continue;
      const i = run.workers.indexOf(worker);
      run.errors[i] = serializeError(new Error(`worker ${worker} left before it answered: ${why}`));
      this.maybeAnswer(id, run);
    }
  }

  private hold(name: string, msg: Extract<FromClient, { op: 'hold' }>): void {
    let held = this.holds.get(name);
    if (held === undefined) this.holds.set(name, (held = new Map()));
    // Each loop over the keys is a method of its own (see the file comment).
    const keys = this.unheld(name, held, msg.keys);
    const push = msg.push ?? [];
    if (keys.length === 0) {
      // All held already: values awaited since are pushed all the same.
      if (push.length > 0) this.push(name, push);
      return;
    }
    let handles: HeldKey[] = [];
    let graph;
    // Every new key's value is wanted at once (`gather(client.map(...))`): the hold brings the
    // values back as a compute does, with the workers' reports; otherwise they are asked for.
    const pushAll = push.length === keys.length && push.length === msg.keys.length;
    try {
      graph = graphOf(msg);
      this.host.submitted?.(graph);
      handles = this.host.shell.hold(
        graph,
        keys,
        // A pushed key that is ready is told with its value (sendValues), not twice.
        (i, err) => {
          if (!pushAll || err !== undefined) this.report(name, handles[i], err);
        },
        pushAll ? (values) => this.sendValues(name, keys, handles, values) : undefined,
      );
    } catch (err) {
      for (const key of keys) this.host.toClient(name, keyMessage(key, err));
      return;
    }
    this.record(name, held, keys, handles);
    if (!pushAll && push.length > 0) this.push(name, push);
    if (msg.broadcast === true) {
      for (let i = 0; i < keys.length; i++) {
        const node = graph.get(keys[i]);
        if (node?.kind !== 'data') continue;
        handles[i].ready.then(
          () => this.host.shell.replicate(keys[i], node.value),
          () => undefined,
        );
      }
    }
  }

  /**
   * The keys of `keys` that client `name` does not hold yet; one it holds already (it let go of
   * it and took it again) has its status told again if settled (when it settles, it is told
   * anyway).
   */
  private unheld(name: string, held: Map<string, HeldKey>, keys: readonly string[]): string[] {
    const fresh: string[] = [];
    for (const key of keys) {
      const h = held.get(key);
      if (h === undefined) fresh.push(key);
      else if (h.state !== 'pending') this.report(name, h, h.error);
    }
    return fresh;
  }

  /** Records `handles` as client `name`'s holds of `keys`; one settled already is told now. */
  private record(
    name: string,
    held: Map<string, HeldKey>,
    keys: readonly string[],
    handles: readonly HeldKey[],
  ): void {
    for (let i = 0; i < keys.length; i++) held.set(keys[i], handles[i]);
    // Settled already (a refused hold settles before `hold` returns).
    for (const h of handles) if (h.state !== 'pending') this.report(name, h, h.error);
  }

  /**
   * Sends client `name` the values of `keys` once all are ready: asked for in the same turn as
   * the hold, so the values ride with the workers' `finished` reports (see the core's `want`).
   * If any fails, the client is told to fetch them instead (each future then says why).
   */
  private push(name: string, keys: readonly string[]): void {
    const failed = (): void =>
      this.host.toClient(name, { op: 'values', keys: [...keys], failed: true });
    this.host.shell.get(new Map(), keys).then((values) => {
      let payloads: unknown[];
      try {
        payloads = values.map((v) => encodeValue(v).payload);
      } catch {
        failed();
        return;
      }
      this.host.toClient(name, { op: 'values', keys: [...keys], values: payloads });
    }, failed);
  }

  /** Sends client `name` the values of the held keys that are ready (a pushed hold). */
  private sendValues(
    name: string,
    keys: readonly string[],
    handles: readonly HeldKey[],
    values: readonly unknown[],
  ): void {
    const ready: string[] = [];
    const payloads: unknown[] = [];
    try {
      for (let i = 0; i < keys.length; i++) {
        if (handles[i].state !== 'ready') continue;
        ready.push(keys[i]);
        payloads.push(encodeValue(values[i]).payload);
      }
    } catch {
      // The client fetches them instead, once told they are ready.
      this.host.toClient(name, { op: 'values', keys: [...keys], failed: true });
      for (let i = 0; i < keys.length; i++)
        if (handles[i].state === 'ready') this.report(name, handles[i], undefined);
      return;
    }
    if (ready.length > 0) this.host.toClient(name, { op: 'values', keys: ready, values: payloads });
  }

  /** Tells client `name` how held key `h` ended (`err` undefined: in memory), if it still holds it. */
  private report(name: string, h: HeldKey | undefined, err: unknown): void {
    // Settled before `hold` returned (refused): told by the caller's catch or here.
    if (h === undefined || this.holds.get(name)?.get(h.key) !== h) return;
    if (err === undefined) this.tellFinished(name, h.key);
    else this.host.toClient(name, keyMessage(h.key, err));
  }

  /** Tells client `name` that `key` is in memory, with the others of this tick. */
  private tellFinished(name: string, key: string): void {
    const keys = this.finished.get(name);
    if (keys !== undefined) {
      keys.push(key);
      return;
    }
    this.finished.set(name, [key]);
    setImmediate(() => {
      const all = this.finished.get(name);
      this.finished.delete(name);
      if (all !== undefined) this.host.toClient(name, { op: 'finished', keys: all });
    });
  }

  /** The cluster keeps computing `keys` (held by `name`) until they finish, whoever holds them. */
  private forget(name: string, keys: readonly string[]): void {
    const held = this.holds.get(name);
    if (held === undefined) return;
    const known = keys.filter((k) => held.has(k));
    if (known.length === 0) return;
    this.host.shell.hold(new Map(), known, (i) => this.host.shell.unhold([known[i]]));
  }

  private release(name: string, keys: readonly string[], cancel: boolean): void {
    const held = this.holds.get(name);
    if (held === undefined) return;
    const gone: string[] = [];
    for (const key of keys) {
      const h = held.get(key);
      if (h === undefined) continue;
      held.delete(key);
      // A key still computing that nobody holds any more is not computed on for nothing.
      h.cancel(cancel ? `cancelled by ${name}` : `released by ${name}`);
      gone.push(key);
    }
    this.host.shell.unhold(gone);
  }

  private run(name: string, id: number, fn: PortableFunctionRef, args: unknown): void {
    const runId = ++this.nextRun;
    const workers = this.host.toWorkers({ op: 'run', id: runId, fn, args });
    const run: Run = {
      client: name,
      clientId: id,
      waiting: new Set(workers),
      workers,
      values: workers.map(() => null),
      errors: workers.map(() => null),
    };
    this.runs.set(runId, run);
    this.maybeAnswer(runId, run);
  }

  private maybeAnswer(runId: number, run: Run): void {
    if (run.waiting.size > 0) return;
    this.runs.delete(runId);
    this.host.toClient(run.client, {
      op: 'ran',
      id: run.clientId,
      workers: run.workers,
      values: run.values,
      errors: run.errors,
    });
  }
}

/**
 * The `key` message saying that `key` failed with `err` (or was cancelled).
 *
 * @example
 * send(keyMessage('y', err));
 */
export function keyMessage(key: string, err: unknown): ToClient {
  if (err instanceof ComputeAbortedError || (err as Error | undefined)?.name === 'AbortError')
    return { op: 'key', key, status: 'cancelled', error: serializeError(err) };
  if (isTaskError(err)) {
    const cause = (err as { cause?: unknown }).cause;
    return {
      op: 'key',
      key,
      status: 'error',
      error: serializeError(cause ?? err),
      task: { key: err.key, story: [...err.story] },
    };
  }
  return { op: 'key', key, status: 'error', error: serializeError(err) };
}
