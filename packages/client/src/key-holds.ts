// The keys one client holds on the cluster, counted by its futures (future.ts). The first future
// of a key sends `hold` (with the graph that computes it); each future counts once; when the last
// one is released or collected, the key is released on the scheduler, in a batch sent at the end
// of the current tick (so dropping 20,000 futures costs one message). A key taken again before its
// release was sent is simply kept. The scheduler's `key` messages settle the records; a record
// that is still pending when the client closes or loses the scheduler fails with that reason; one
// released while pending is done with (cancelled).
import { ComputeAbortedError, deserializeError, taskFailure } from '@dask-ts/protocol';
import type { FromClient, GraphMessage, ToClient } from '@dask-ts/distributed';
import { Future, KeyRecord, type FutureOwner } from './future.js';

/** What KeyHolds needs from its client. */
export interface KeyHoldsHost {
  readonly address: string;
  /** Whether the client is closed. */
  closed(): boolean;
  /** Sends a message to the scheduler, in order with every other. */
  send(message: FromClient): void;
  /** Sends the message `build` makes at the end of this tick, in order with every other. */
  sendLater(build: () => FromClient): void;
  /** Fetches the value of `key`. */
  fetch(key: string): Promise<unknown>;
  /** How many records are pending changed (the client keeps its link referenced while any is). */
  waitingChanged(): void;
}

/** See the file comment. */
export class KeyHolds implements FutureOwner {
  private readonly records = new Map<string, KeyRecord>();
  private readonly toRelease = new Set<string>();
  private flushScheduled = false;
  /** Records still pending. */
  waiting = 0;

  constructor(private readonly host: KeyHoldsHost) {}

  /** One record settled (shared by every record: no closure per key). */
  private readonly settledOne = (): void => {
    this.waiting--;
    this.host.waitingChanged();
  };

  get address(): string {
    return this.host.address;
  }

  get isClosed(): boolean {
    return this.host.closed();
  }

  /**
   * Futures for `keys`, holding them on the cluster; `graph` computes the keys not held yet
   * (sent only if some are new). `keys` are distinct; `isNew`: none was ever held (fresh random
   * keys), so none is looked up.
   */
  futures<T>(
    keys: readonly string[],
    graph: () => GraphMessage,
    broadcast = false,
    isNew = false,
  ): Future<T>[] {
    const fresh: string[] = [];
    const records: KeyRecord[] = [];
    const out = keys.map((key) => {
      let r = isNew ? undefined : this.records.get(key);
      if (r === undefined) {
        r = new KeyRecord(key, this.settledOne);
        this.records.set(key, r);
        this.waiting++;
        // A release not sent yet is withdrawn (the scheduler then tells the key's status again);
        // one sent already is followed by this new hold.
        if (!isNew) this.toRelease.delete(key);
        fresh.push(key);
        records.push(r);
      }
      return new Future<T>(this, r);
    });
    if (fresh.length > 0) {
      // First: a task's client pauses its worker before it submits (lender.ts).
      this.host.waitingChanged();
      // Built when sent (at the end of this tick): values awaited by then are pushed.
      this.host.sendLater(() => {
        const push = markSent(records);
        const message = {
          op: 'hold' as const,
          ...graph(),
          keys: fresh,
          ...(broadcast ? { broadcast } : {}),
        };
        return push.length > 0 ? { ...message, push } : message;
      });
    }
    return out;
  }

  /** A future that failed before it could be held: settled with `err` at once, holding nothing. */
  failed<T>(key: string, err: unknown): Future<T> {
    const r = new KeyRecord(key);
    r.settle('error', err);
    r.released = true;
    return new Future<T>(this.detached(), r);
  }

  /** Pushed values (see KeyRecord.pushed). */
  onValues(msg: Extract<ToClient, { op: 'values' }>, decode: (payload: unknown) => unknown): void {
    for (let i = 0; i < msg.keys.length; i++) {
      const r = this.records.get(msg.keys[i]);
      if (r === undefined || !r.wantsPush) continue;
      if (msg.failed === true || msg.values === undefined) {
        r.pushed(undefined);
        continue;
      }
      let value;
      try {
        value = { value: decode(msg.values[i]) };
      } catch {
        r.pushed(undefined);
        continue;
      }
      r.pushed(value);
    }
  }

  /** The scheduler says these keys are in memory. */
  onFinished(keys: readonly string[]): void {
    for (const key of keys) this.records.get(key)?.settle('finished');
  }

  /** The scheduler's word on one key. */
  onKey(msg: Extract<ToClient, { op: 'key' }>): void {
    const r = this.records.get(msg.key);
    if (r === undefined) return;
    if (msg.status === 'finished') r.settle('finished');
    else if (msg.status === 'cancelled')
      r.settle('cancelled', new ComputeAbortedError(`${msg.key} was cancelled`));
    else if (msg.task !== undefined && msg.error !== undefined)
      r.settle('error', taskFailure(msg.task.key, msg.error, msg.task.story));
    else
      r.settle(
        'error',
        msg.error !== undefined ? deserializeError(msg.error) : new Error(`${msg.key} failed`),
      );
  }

  /** Every pending record fails with `err` (the client closed or lost the scheduler). */
  failAll(err: Error): void {
    for (const r of this.records.values()) {
      r.settle('error', err);
      // In memory with its value on the way: fetched instead, which fails with why.
      r.pushed(undefined);
    }
  }

  fetch(key: string): Promise<unknown> {
    return this.host.fetch(key);
  }

  decref(record: KeyRecord): void {
    if (--record.refs > 0 || record.released) return;
    record.released = true;
    if (this.records.get(record.key) === record) this.records.delete(record.key);
    // Released while pending: nobody can wait for it any more, so the client does not either (its
    // link would keep the process alive, and a task's worker would stay paused, for ever).
    if (record.status === 'pending')
      record.settle('cancelled', new ComputeAbortedError(`${record.key} was released`));
    if (this.host.closed()) return;
    this.toRelease.add(record.key);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      if (this.toRelease.size === 0 || this.host.closed()) return;
      const keys = [...this.toRelease];
      this.toRelease.clear();
      this.host.send({ op: 'release', keys });
    });
  }

  cancelKey(record: KeyRecord, reason: string): void {
    if (record.status !== 'pending') return;
    record.settle('cancelled', new ComputeAbortedError(reason));
    if (this.records.get(record.key) === record) this.records.delete(record.key);
    record.released = true;
    this.toRelease.delete(record.key);
    if (!this.host.closed()) this.host.send({ op: 'release', keys: [record.key], cancel: true });
  }

  /** The cluster computes `record`'s key to the end, even once no future holds it. */
  forget(record: KeyRecord): void {
    if (record.released || this.host.closed()) return;
    this.host.send({ op: 'forget', keys: [record.key] });
  }

  /** An owner for futures that hold nothing. */
  private detached(): FutureOwner {
    return {
      address: this.host.address,
      isClosed: false,
      fetch: () => Promise.reject(new Error('this future holds nothing')),
      decref: () => undefined,
      cancelKey: () => undefined,
      forget: () => undefined,
    };
  }
}

/**
 * Marks `records` sent; returns the keys whose value is awaited already (to be pushed). A loop of
 * its own that returns right after it: V8 compiles a loop that runs long (a 20,000-key `map`) on
 * the spot, before the code after it has ever run, and reuses that code on later calls, where it
 * bailed out at the first statement past the loop on every single-key `submit`.
 */
function markSent(records: readonly KeyRecord[]): string[] {
  const push: string[] = [];
  for (const r of records) {
    r.sent = true;
    if (r.wantsPush) push.push(r.key);
  }
  return push;
}
