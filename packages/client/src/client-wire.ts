// The link side of a Client. Messages leave in the order they were made: queued until the link is
// up, and `later` ones built at the end of the tick (a hold's graph then carries the values
// awaited meanwhile). Requests that await an answer (a compute, a `run`) wait by id; a compute's
// signal cancels it on the scheduler. The scheduler's messages are checked and dispatched: news
// of held keys to KeyHolds, answers to their requests; a malformed one is dropped and logged. The
// link keeps the process alive only while something is awaited, and a client that belongs to a
// task is told when it starts and stops waiting (lender.ts). When the link is lost, everything
// waiting fails with why.
import { ComputeAbortedError, decodeValue } from '@dask-ts/protocol';
import { errorOf, parseToClient, type FromClient } from '@dask-ts/distributed';
import type { KeyHolds } from './key-holds.js';
import type { Link } from '@dask-ts/distributed';

interface Pending {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** See the file comment (not exported from the package). */
export class ClientWire {
  link: Link | undefined;
  /** Why the link was lost, once it was. */
  lost: Error | undefined;
  /** The client's held keys (set right after construction). */
  holds!: KeyHolds;
  /** Told when the client starts (true) or stops waiting for anything. */
  onBusy: ((busy: boolean) => void) | undefined;
  private outbox: (FromClient | (() => FromClient))[] = [];
  private flushScheduled = false;
  private readonly pending = new Map<number, Pending>();
  private busy = false;
  private nextId = 0;

  constructor(readonly address: string) {}

  /** A fresh request id. */
  newId(): number {
    return ++this.nextId;
  }

  /** Sends `message` now, or once the link is up (in order). */
  now(message: FromClient): void {
    if (this.link !== undefined && this.outbox.length === 0) this.link.send(message);
    else this.outbox.push(message);
  }

  /** Sends what `build` makes at the end of this tick (or once the link is up), in order. */
  later(build: () => FromClient): void {
    this.outbox.push(build);
    if (this.link === undefined || this.flushScheduled) return;
    this.flushScheduled = true;
    // Two microtasks late: `await future` and `Promise.all(futures)` call `then` one microtask
    // after the statement that submitted, and a value awaited by then is pushed (one hop).
    queueMicrotask(() =>
      queueMicrotask(() => {
        this.flushScheduled = false;
        if (this.link !== undefined) this.flush(this.link);
      }),
    );
  }

  /**
   * Sends request `message` and resolves with its answer (a compute's decoded values, a `run`'s
   * message); `signal` aborts it (the scheduler is told to cancel it).
   */
  request(message: FromClient & { readonly id: number }, signal?: AbortSignal): Promise<unknown> {
    const id = message.id;
    return new Promise<unknown>((resolve, reject) => {
      const onAbort = (): void => {
        this.now({ op: 'cancel', id });
        finish();
        reject(new ComputeAbortedError(signal?.reason));
      };
      const finish = (): void => {
        this.pending.delete(id);
        signal?.removeEventListener('abort', onAbort);
        this.updateRef();
      };
      // Before sending: a task's client pauses its worker first (lender.ts).
      this.pending.set(id, {
        resolve: (value) => {
          finish();
          resolve(value);
        },
        reject: (err) => {
          finish();
          reject(err);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.updateRef();
      // In order after what this tick made (holds its graph may read).
      this.now(message);
    });
  }

  /** The link is up: what waited is sent, and the scheduler's messages are dispatched. */
  linked(link: Link): Link {
    this.link = link;
    this.flush(link);
    this.updateRef();
    link.listen({
      message: (raw) => this.onMessage(raw),
      disconnect: (why) => {
        this.lost = new Error(`Lost the dask-ts scheduler at ${this.address}: ${why}`);
        this.failAll(this.lost);
      },
    });
    return link;
  }

  /** The link keeps the process alive only while something is awaited. */
  updateRef(): void {
    const busy = this.pending.size > 0 || this.holds.waiting > 0;
    if (busy !== this.busy) {
      this.busy = busy;
      this.onBusy?.(busy);
    }
    const link = this.link;
    if (link === undefined) return;
    if (busy) link.ref();
    else link.unref();
  }

  /** Every request and pending held key fails with `err`; nothing queued is sent any more. */
  failAll(err: Error, dropQueued = false): void {
    for (const p of [...this.pending.values()]) p.reject(err);
    this.pending.clear();
    this.holds.failAll(err);
    if (dropQueued) this.outbox = [];
  }

  private flush(link: Link): void {
    for (const m of this.outbox.splice(0)) link.send(typeof m === 'function' ? m() : m);
  }

  private onMessage(raw: unknown): void {
    const parsed = parseToClient(raw);
    if (!parsed.success) {
      process.stderr.write(
        `dask-ts client: dropped a malformed message from the scheduler: ${parsed.error.issues[0]?.message ?? ''}\n`,
      );
      return;
    }
    const msg = parsed.data;
    if (msg.op === 'key') {
      this.holds.onKey(msg);
      return;
    }
    if (msg.op === 'finished') {
      this.holds.onFinished(msg.keys);
      return;
    }
    if (msg.op === 'values') {
      this.holds.onValues(msg, (v) => decodeValue(v));
      return;
    }
    const p = this.pending.get(msg.id);
    if (p === undefined) return;
    if (msg.op === 'ran') {
      p.resolve(msg);
      return;
    }
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
}
