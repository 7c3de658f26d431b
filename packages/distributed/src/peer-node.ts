// A worker node's part in peer-to-peer transfers: it serves what its threads hold to other nodes
// (peer-server.ts) and fetches what the scheduler tells its threads to fetch (peer-fetch.ts). The
// values live in the worker threads, so serving one asks its thread with a `gather` of a negative
// id (the scheduler's are positive), whose answer this node takes before it reaches the link. A
// fetched value is kept here while the node reports `peer-fetched`; the scheduler then queues a
// `put` of stand-ins before the task that reads it, in order with everything else it sends that
// thread (a `release` queued before still comes before), and this node swaps the values in as the
// `put` passes (their buffers handed over to the thread, not copied). A stand-in whose value is no
// longer kept (see KEEP_MS) becomes a marker that fails the task reading it, naming why. An input
// held by another thread of this same node is moved between the two threads, without the
// network. A fetch that fails (the peer refused, is gone, or did not answer in time) is reported
// with why; the scheduler relays those values instead.
import type { Worker } from 'node:worker_threads';
import { unsendable } from '@dask-ts/worker';
import type { PeerAddress } from './handshake.js';
import { PeerFetcher } from './peer-fetch.js';
import { startPeerServer, type PeerServer } from './peer-server.js';
import {
  firstIssue,
  isOp,
  isPeerValue,
  peerFetchSchema,
  type PeerFetched,
  type PeerGot,
} from './peer-wire.js';

/** How long fetched values wait for the scheduler's `put` of their stand-ins (ms). */
const KEEP_MS = 10 * 60_000;

/** Values fetched for one transfer, until their stand-ins pass. */
interface Kept {
  readonly values: readonly unknown[];
  readonly owned: readonly ArrayBuffer[];
  readonly at: number;
}

/**
 * What a node's peer side needs.
 *
 * @example
 * const options: PeerNodeOptions = { scheduler, listen: undefined, token, curve: false, timeoutMs: 60_000, log, thread };
 */
export interface PeerNodeOptions {
  readonly scheduler: string;
  /** `tcp://HOST:PORT` to serve on, or false to serve nothing (the scheduler relays). */
  readonly listen: string | false | undefined;
  readonly token: string | undefined;
  readonly curve: boolean;
  /** How long a fetch may wait for its peer's answer (ms). */
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
  /** The live thread of this node's worker `name`, if any. */
  readonly thread: (name: string) => Worker | undefined;
}

type Values = Pick<PeerGot, 'keys' | 'values' | 'missing'>;

/**
 * The peer side of a worker node (see the file comment).
 *
 * @example
 * const peers = await PeerNode.start(options);
 * connectLink(address, { role: 'worker', peer: peers.peer });
 */
export class PeerNode {
  private readonly fetcher: PeerFetcher;
  private readonly asked = new Map<number, (values: Values | string) => void>();
  /** Fetched values by `WORKER ID` (the transfer's id at the scheduler). */
  private readonly kept = new Map<string, Kept>();
  private fetched = false;
  private nextAsk = 0;
  private closed = false;

  private constructor(
    private readonly options: PeerNodeOptions,
    private readonly server: PeerServer | undefined,
  ) {
    this.fetcher = new PeerFetcher({
      token: options.token,
      timeoutMs: options.timeoutMs,
      log: options.log,
    });
  }

  /**
   * Starts serving (unless `listen` is false).
   *
   * @example
   * const peers = await PeerNode.start(options);
   */
  static async start(options: PeerNodeOptions): Promise<PeerNode> {
    // The server asks the node, which is made once the server is up.
    const made: { node?: PeerNode } = {};
    const server =
      options.listen === false
        ? undefined
        : await startPeerServer({
            scheduler: options.scheduler,
            listen: options.listen,
            token: options.token,
            curve: options.curve,
            log: options.log,
            serve: (worker, keys) =>
              made.node?.ask(worker, keys) ?? Promise.resolve('the worker is starting'),
          });
    made.node = new PeerNode(options, server);
    return made.node;
  }

  /** What the node announces in its hello (undefined: it serves nothing). */
  get peer(): PeerAddress | undefined {
    return this.server?.peer;
  }

  /**
   * Takes a thread's answer to this node's own `gather`; false for every other message.
   *
   * @example
   * thread.on('message', (m) => peers.fromThread(m) || link.send(m));
   */
  fromThread(message: unknown): boolean {
    if (!isOp(message, 'gathered')) return false;
    const m = message as { id?: unknown; keys?: unknown; values?: unknown; missing?: unknown };
    if (typeof m.id !== 'number' || m.id >= 0) return false;
    const answer = this.asked.get(m.id);
    this.asked.delete(m.id);
    if (Array.isArray(m.keys) && Array.isArray(m.values) && Array.isArray(m.missing))
      answer?.({ keys: m.keys as string[], values: m.values, missing: m.missing as string[] });
    else answer?.('its worker thread answered with a malformed gathered');
    return true;
  }

  /**
   * Handles a scheduler's `peer-fetch` for this node's worker `name` (sending the report with
   * `send`); false for every other message.
   *
   * @example
   * link.listen({ message: (raw) => peers.fromScheduler(name, raw, (m) => link.send(m)) || thread.postMessage(raw) });
   */
  fromScheduler(name: string, raw: unknown, send: (message: PeerFetched) => void): boolean {
    if (!isOp(raw, 'peer-fetch')) return false;
    const parsed = peerFetchSchema.safeParse(raw);
    if (!parsed.success) {
      this.options.log(`dask-ts worker ${name}: dropped a peer-fetch: ${firstIssue(parsed.error)}`);
      return true;
    }
    const { id, holder, address, curveKey, keys } = parsed.data;
    const fail = (why: string): void =>
      send({ op: 'peer-fetched', id, keys: [], missing: [], nbytes: 0, error: why });
    const local = this.options.thread(holder) !== undefined;
    const fetched = local
      ? this.ask(holder, keys).then((v) => {
          if (typeof v === 'string') throw new Error(v);
          return { got: v, owned: [] as ArrayBuffer[], nbytes: 0 };
        })
      : this.fetcher.get(address, curveKey, holder, keys);
    fetched.then(
      ({ got, owned, nbytes }) => {
        if (got.keys.length > 0)
          this.keep(`${name} ${id}`, { values: got.values, owned, at: Date.now() });
        send({ op: 'peer-fetched', id, keys: got.keys, missing: got.missing, nbytes });
      },
      (err: unknown) => fail((err as Error).message),
    );
    return true;
  }

  /**
   * `raw`, a scheduler's message for this node's worker `name`, with the values of its stand-ins
   * swapped in (see the file comment), and the buffers to hand over with it (`owned` and theirs).
   *
   * @example
   * const { message, transfer } = peers.toThread(name, raw, owned);
   * thread.postMessage(message, transfer);
   */
  toThread(
    name: string,
    raw: unknown,
    owned: ArrayBuffer[] | undefined,
  ): { message: unknown; transfer: ArrayBuffer[] | undefined } {
    // Only a node that has fetched may be sent stand-ins.
    if (!this.fetched || (!isOp(raw, 'put') && !isOp(raw, 'batch')))
      return { message: raw, transfer: owned };
    const transfer = owned ?? [];
    const swap = (m: unknown): unknown => {
      if (!isOp(m, 'put')) return m;
      const put = m as { values?: unknown };
      if (!Array.isArray(put.values) || !put.values.some(isPeerValue)) return m;
      const values = put.values.map((v: unknown) =>
        isPeerValue(v) ? this.take(name, v, transfer) : v,
      );
      return { ...put, values };
    };
    const batch = raw as { messages?: unknown };
    const message =
      isOp(raw, 'batch') && Array.isArray(batch.messages)
        ? { ...batch, messages: batch.messages.map(swap) }
        : swap(raw);
    return { message, transfer };
  }

  /** Stops serving and fetching. @example await peers.close(); */
  async close(): Promise<void> {
    this.closed = true;
    this.fetcher.close();
    for (const answer of this.asked.values()) answer('the worker is stopping');
    this.asked.clear();
    this.kept.clear();
    await this.server?.close();
  }

  private keep(key: string, kept: Kept): void {
    this.fetched = true;
    // Values whose stand-ins never came (their transfer was given up) are let go.
    for (const [k, old] of this.kept) if (kept.at - old.at > KEEP_MS) this.kept.delete(k);
    this.kept.set(key, kept);
  }

  /** The value behind stand-in `v` for worker `name` (its transfer's buffers join `transfer`). */
  private take(
    name: string,
    v: { readonly data: { readonly id: number; readonly index: number } },
    transfer: ArrayBuffer[],
  ): unknown {
    const key = `${name} ${v.data.id}`;
    const kept = this.kept.get(key);
    if (kept === undefined || v.data.index >= kept.values.length) {
      return unsendable({
        name: 'PeerFetchError',
        message: `an input that ${name} fetched from another worker (transfer ${v.data.id}) was not kept until its task came (over ${KEEP_MS / 60_000} minutes)`,
      });
    }
    // All of a transfer's values come in one put: its buffers go with the first.
    if (v.data.index === kept.values.length - 1) this.kept.delete(key);
    if (v.data.index === 0) for (const b of kept.owned) transfer.push(b);
    return kept.values[v.data.index];
  }

  /** The values of `keys` held by this node's worker `worker`, or why they cannot be had. */
  private ask(worker: string, keys: readonly string[]): Promise<Values | string> {
    const thread = this.options.thread(worker);
    if (this.closed) return Promise.resolve('the worker is stopping');
    if (thread === undefined) return Promise.resolve(`no worker named ${worker} runs there now`);
    const id = -++this.nextAsk;
    return new Promise((resolve) => {
      const exited = (): void => {
        this.asked.delete(id);
        resolve(`worker ${worker}'s thread exited`);
      };
      thread.once('exit', exited);
      this.asked.set(id, (values) => {
        thread.off('exit', exited);
        resolve(values);
      });
      thread.postMessage({ op: 'gather', id, keys: [...keys], release: false });
    });
  }
}
