// A worker node's part in peer-to-peer transfers: it serves what its threads hold to other nodes
// (peer-server.ts) and fetches what the scheduler tells its threads to fetch (peer-fetch.ts). The
// values live in the worker threads, so serving one asks its thread with a `gather` of a negative
// id (the scheduler's are positive), whose answer this node takes before it reaches the link. A
// fetched value is put in the thread that needs it (its buffers handed over, not copied) before
// the node reports `peer-fetched` to the scheduler, which only then sends the compute that reads
// it: the thread sees the `put` first. An input held by another thread of this same node is moved
// between the two threads, without the network. A fetch that fails (the peer refused, is gone, or
// did not answer in time) is reported with why; the scheduler relays those values instead.
import type { Worker } from 'node:worker_threads';
import type { PeerAddress } from './handshake.js';
import { PeerFetcher } from './peer-fetch.js';
import { startPeerServer, type PeerServer } from './peer-server.js';
import { firstIssue, isOp, peerFetchSchema, type PeerFetched, type PeerGot } from './peer-wire.js';

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
        const thread = this.options.thread(name);
        if (thread === undefined) return fail(`worker ${name} has no thread now`);
        if (got.keys.length > 0)
          thread.postMessage({ op: 'put', keys: got.keys, values: got.values }, owned);
        send({ op: 'peer-fetched', id, keys: got.keys, missing: got.missing, nbytes });
      },
      (err: unknown) => fail((err as Error).message),
    );
    return true;
  }

  /** Stops serving and fetching. @example await peers.close(); */
  async close(): Promise<void> {
    this.closed = true;
    this.fetcher.close();
    for (const answer of this.asked.values()) answer('the worker is stopping');
    this.asked.clear();
    await this.server?.close();
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
