// Fetching inputs from other worker nodes' peer servers (peer-server.ts). One DEALER socket per
// peer address, made on first use and kept, with one reader loop that hands each answer to its
// request by id. Every request has a deadline: a peer that does not answer in time (dead,
// unreachable, or its worker thread busy for that long) fails the request, and its socket is
// closed with every request still waiting on it, so a dead peer costs one timeout, not one per
// key, and no reconnecting socket lingers. A peer that did not answer in time is then failed at
// once for as long again (and logged once), so a worker this host cannot reach (a firewall, a
// wrong `--listen-address`) costs one timeout, not one per transfer. Failures are rejections with
// a message naming the peer; the caller reports them to the scheduler, which relays the values
// itself instead.
import { randomBytes } from 'node:crypto';
import { Dealer } from 'zeromq';
import { PROTOCOL_VERSION } from '@dask-ts/protocol';
import { curveKeyPair } from './curve.js';
import { decodeFrames, encodeFrames } from './frames.js';
import { firstIssue, peerGotSchema, type PeerGot } from './peer-wire.js';
import { SendQueue } from './send-queue.js';

/**
 * A peer's answer with the buffers its values own (which may be transferred to a thread) and the
 * size of its binary frames.
 *
 * @example
 * const { got, owned } = await fetcher.get('tcp://10.0.0.2:40123', undefined, 'w-a', ['x']);
 */
export interface Fetched {
  readonly got: PeerGot;
  readonly owned: ArrayBuffer[];
  readonly nbytes: number;
}

interface Pending {
  resolve(f: Fetched): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/** One peer's socket, its reader and its waiting requests. */
class PeerSocket {
  readonly pending = new Map<number, Pending>();
  /** Whether the last failure was a timeout. */
  timedOut = false;
  private readonly socket: Dealer;
  private readonly queue: SendQueue;

  constructor(
    readonly address: string,
    curveKey: string | undefined,
    private readonly log: (line: string) => void,
    private readonly gone: () => void,
  ) {
    const own = curveKey !== undefined ? curveKeyPair() : undefined;
    this.socket = new Dealer({
      linger: 0,
      sendTimeout: 0,
      sendHighWaterMark: 0,
      receiveHighWaterMark: 0,
      routingId: randomBytes(12).toString('base64url'),
      ...(own !== undefined
        ? { curveServerKey: curveKey, curvePublicKey: own.publicKey, curveSecretKey: own.secretKey }
        : {}),
    });
    this.socket.connect(address);
    this.queue = new SendQueue(this.socket, (err) => this.fail(`cannot send: ${err.message}`));
    void this.read();
  }

  request(id: number, frames: Uint8Array[], timeoutMs: number): Promise<Fetched> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.timedOut = true;
        this.fail(`no answer within ${timeoutMs / 1000} s`);
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.queue.push(frames);
    });
  }

  /** Fails every waiting request with `why` and closes the socket. */
  fail(why: string): void {
    if (this.socket.closed) return;
    this.socket.close();
    this.gone();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`the worker at ${this.address} did not serve: ${why}`));
    }
    this.pending.clear();
  }

  private async read(): Promise<void> {
    for (;;) {
      let frames: Buffer[];
      try {
        frames = await this.socket.receive();
      } catch {
        if (this.socket.closed) return;
        continue;
      }
      const owned: ArrayBuffer[] = [];
      let raw: unknown;
      try {
        raw = decodeFrames(frames, owned);
      } catch (err) {
        this.log(
          `dask-ts peer fetch: dropped an answer from ${this.address}: ${(err as Error).message}`,
        );
        continue;
      }
      const parsed = peerGotSchema.safeParse(raw);
      if (!parsed.success) {
        this.log(
          `dask-ts peer fetch: dropped an answer from ${this.address}: ${firstIssue(parsed.error)}`,
        );
        continue;
      }
      const p = this.pending.get(parsed.data.id);
      if (p === undefined) continue;
      this.pending.delete(parsed.data.id);
      clearTimeout(p.timer);
      let nbytes = 0;
      for (let i = 1; i < frames.length; i++) nbytes += frames[i].byteLength;
      p.resolve({ got: parsed.data, owned, nbytes });
    }
  }
}

/**
 * The fetching side of peer-to-peer transfers (see the file comment).
 *
 * @example
 * const fetcher = new PeerFetcher({ token, timeoutMs: 60_000, log });
 * const { got } = await fetcher.get(address, curveKey, 'w-a', ['x']);
 * fetcher.close();
 */
export class PeerFetcher {
  private readonly sockets = new Map<string, PeerSocket>();
  /** Peers that did not answer in time, until when they are failed at once. */
  private readonly silent = new Map<string, number>();
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly options: {
      readonly token?: string | undefined;
      readonly timeoutMs: number;
      readonly log: (line: string) => void;
    },
  ) {}

  /**
   * Asks the node at `address` for `keys` of its worker `worker`; rejects (naming the peer) when
   * it refuses, or does not answer within the timeout.
   *
   * @example
   * const { got, owned } = await fetcher.get('tcp://10.0.0.2:40123', undefined, 'w-a', ['x']);
   */
  async get(
    address: string,
    curveKey: string | undefined,
    worker: string,
    keys: readonly string[],
  ): Promise<Fetched> {
    if (this.closed) throw new Error('the worker is stopping');
    const id = ++this.nextId;
    const frames = encodeFrames({
      op: 'peer-get',
      id,
      version: PROTOCOL_VERSION,
      worker,
      keys: [...keys],
      ...(this.options.token !== undefined ? { token: this.options.token } : {}),
    });
    const key = `${address} ${curveKey ?? ''}`;
    const until = this.silent.get(key);
    if (until !== undefined && Date.now() < until)
      throw new Error(
        `the worker at ${address} did not answer lately: relayed through the scheduler until ${new Date(until).toISOString()}`,
      );
    let socket = this.sockets.get(key);
    if (socket === undefined) {
      const made: PeerSocket = new PeerSocket(address, curveKey, this.options.log, () => {
        if (this.sockets.get(key) === made) this.sockets.delete(key);
        if (!made.timedOut || this.closed) return;
        if (!this.silent.has(key))
          this.options.log(
            `dask-ts worker: the worker at ${address} did not answer within ${this.options.timeoutMs / 1000} s; its values come through the scheduler for as long (can this host reach ${address}? see --listen-address)`,
          );
        this.silent.set(key, Date.now() + this.options.timeoutMs);
      });
      this.sockets.set(key, (socket = made));
    }
    const fetched = await socket.request(id, frames, this.options.timeoutMs);
    if (fetched.got.refused !== undefined)
      throw new Error(`the worker at ${address} refused: ${fetched.got.refused}`);
    return fetched;
  }

  /** Fails what is waiting and closes every socket. @example fetcher.close(); */
  close(): void {
    this.closed = true;
    for (const s of [...this.sockets.values()]) s.fail('the worker is stopping');
    this.sockets.clear();
  }
}
