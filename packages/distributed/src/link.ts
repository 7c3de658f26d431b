// A peer's link to a scheduler server: one ZeroMQ DEALER socket, one reader loop, one send
// queue. `connectLink` says hello and waits for the answer: `welcome` resolves it, `refused`
// rejects it with a ConnectError carrying the server's reason, and silence past the connect
// timeout rejects it too (no scheduler listens there): a connect never hangs. Once linked, the
// link sends a heartbeat every `heartbeatMs` and watches the server's: nothing heard for
// `heartbeatTimeoutMs` means the scheduler is lost, and the link reports its disconnect (once),
// as it does when the server says `bye`. A link is a worker Transport (protocol's Endpoint plus
// `listen`), so the worker runtime runs over it unchanged; frames that do not decode, or link
// messages that do not check, are dropped and logged. A scheduler running in this same process is
// reached without the network (inproc.ts), with the same messages and checks (a client's as
// objects, not msgpack frames).
import { randomBytes } from 'node:crypto';
import { Dealer } from 'zeromq';
import type { EndpointEvents } from '@dask-ts/protocol';
import { decodeFrames, encodeFrames } from './frames.js';
import {
  helloMessage,
  isLinkOp,
  linkSchema,
  type PeerAddress,
  type PeerRole,
  type WorkerTraits,
} from './handshake.js';
import { SendQueue } from './send-queue.js';
import { InprocParcel, InprocSocket, inprocConnect } from './inproc.js';
import { streamConnect } from './local-stream.js';
import { curveKeyPair, curveServerKeyOf } from './curve.js';
import { checkAddress } from './address.js';
import { probeHandshake } from './handshake-probe.js';

/** How long a failed connect watches a fresh connection's handshake for why (ms). */
const PROBE_MS = 1000;

/**
 * Connecting to a scheduler failed: it refused this peer (`reason` is its answer), or nothing
 * answered in time.
 *
 * @example
 * try { await Client.connect(address); } catch (e) { if (e instanceof ConnectError) console.log(e.reason); }
 */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  /** Why, in the scheduler's words (or the timeout). */
  readonly reason: string;
  constructor(address: string, reason: string) {
    super(`Cannot connect to the dask-ts scheduler at ${address}: ${reason}`);
    this.reason = reason;
  }
}

/**
 * Options of {@link connectLink}.
 *
 * @example
 * const options: LinkOptions = { role: 'worker', name: 'w-1', token: 'secret' };
 */
export interface LinkOptions {
  readonly role: PeerRole;
  /** The name asked for (the server picks one when absent). */
  readonly name?: string | undefined;
  /** The shared secret the scheduler was started with. */
  readonly token?: string | undefined;
  /** How long to wait for the handshake's answer (ms, default 10,000). */
  readonly connectTimeoutMs?: number | undefined;
  /** How often to send a heartbeat (ms, default 1,000). */
  readonly heartbeatMs?: number | undefined;
  /** Silence from the scheduler after which it is lost (ms, default 10,000). */
  readonly heartbeatTimeoutMs?: number | undefined;
  /** A worker's node and resources, told in its hello. */
  readonly traits?: WorkerTraits | undefined;
  /** The protocol version to announce (tests of the handshake only). */
  readonly version?: number | undefined;
  /** Where dropped frames are reported (stderr by default). */
  readonly log?: ((line: string) => void) | undefined;
  /**
   * The scheduler's CURVE public key, when it encrypts (see curve.ts; default:
   * DASK_TS_CURVE_SERVER_KEY).
   */
  readonly curveServerKey?: string | undefined;
  /** A worker's peer server, announced in its hello (see peer-server.ts). */
  readonly peer?: PeerAddress | undefined;
}

/**
 * Why a link ended, as its disconnect reports it: `restart` is true when the scheduler asked this
 * peer to start afresh (a worker stuck on a task nobody wants); `lost` when the scheduler went
 * silent, or answered as one that does not know this peer (it restarted): a worker may connect
 * again.
 *
 * @example
 * link.onEnd((end) => console.log(end.reason, end.restart));
 */
export interface LinkEnd {
  readonly reason: string;
  readonly restart: boolean;
  readonly lost?: boolean;
}

/**
 * A live link to a scheduler server (see the file comment).
 *
 * @example
 * const link = await connectLink('tcp://127.0.0.1:8786', { role: 'client' });
 * link.listen({ message: console.log, disconnect: console.log });
 * link.send({ op: 'cancel', id: 1 });
 * await link.close();
 */
export class Link {
  /** The name the scheduler gave this peer. */
  readonly name: string;
  readonly address: string;
  private readonly socket: LinkSocket;
  private readonly queue: SendQueue;
  private readonly log: (line: string) => void;
  private events: EndpointEvents | undefined;
  private early: { raw: unknown; owned: ArrayBuffer[] }[] = [];
  private ended: LinkEnd | undefined;
  private readonly endListeners: ((end: LinkEnd) => void)[] = [];
  private lastHeard = Date.now();
  private readonly timer: NodeJS.Timeout;
  private readonly reading: Promise<void>;
  private dropped = 0;
  /** Whether the reader keeps a receive pending (which keeps the event loop alive). */
  private wanted = true;
  private resume: (() => void) | undefined;
  /** An in-process socket that takes messages as objects (a client's; see inproc.ts). */
  private readonly poster: InprocSocket | undefined;

  /** @internal use {@link connectLink}. */
  constructor(
    address: string,
    socket: LinkSocket,
    name: string,
    options: {
      heartbeatMs: number;
      heartbeatTimeoutMs: number;
      log: (line: string) => void;
      objects?: boolean;
    },
  ) {
    this.address = address;
    this.socket = socket;
    this.poster = options.objects === true && socket instanceof InprocSocket ? socket : undefined;
    this.name = name;
    this.log = options.log;
    this.queue = new SendQueue(socket, (err) => {
      if (this.ended === undefined) this.log(`dask-ts ${name}: cannot send: ${err.message}`);
    });
    const { heartbeatMs, heartbeatTimeoutMs } = options;
    let lastTick = Date.now();
    this.timer = setInterval(() => {
      const now = Date.now();
      // This thread stalled (a long synchronous job): the scheduler's answers wait unread.
      if (now - lastTick > 2 * heartbeatMs)
        this.lastHeard = Math.max(this.lastHeard, now - heartbeatMs);
      lastTick = now;
      if (this.wanted && now - this.lastHeard > heartbeatTimeoutMs) {
        this.end({
          reason: `lost the scheduler at ${address}: nothing heard for ${heartbeatTimeoutMs / 1000} s`,
          restart: false,
          lost: true,
        });
        return;
      }
      this.push({ op: 'heartbeat' });
    }, heartbeatMs);
    this.timer.unref();
    this.reading = this.read();
  }

  /** Sends a message to the scheduler (dropped once the link has ended). @example link.send(msg); */
  send(message: unknown): void {
    if (this.ended !== undefined) return;
    this.push(message);
  }

  /**
   * Sets where the scheduler's messages and the end of the link go. Each message comes with a
   * second argument: the buffers its binary values own, which a relay may transfer.
   *
   * @example
   * link.listen({ message: (raw, owned) => port.postMessage(raw, owned), disconnect: console.log });
   */
  listen(events: EndpointEvents): void {
    this.events = events;
    const early = this.early;
    this.early = [];
    for (const { raw, owned } of early) deliver(events, raw, owned);
    if (this.ended !== undefined) events.disconnect(this.ended.reason);
  }

  /**
   * Keeps listening (the default): a pending receive keeps the process alive.
   *
   * @example
   * link.ref(); // a compute is running
   */
  ref(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.lastHeard = Date.now();
    const resume = this.resume;
    this.resume = undefined;
    resume?.();
  }

  /**
   * Stops listening after the next message (a heartbeat's answer, within `heartbeatMs`), so an
   * idle client lets its script exit; the scheduler's silence meanwhile is not held against it.
   *
   * @example
   * link.unref(); // nothing is running
   */
  unref(): void {
    this.wanted = false;
  }

  /** Calls `f` once the link ends, with why. @example link.onEnd((end) => console.log(end.reason)); */
  onEnd(f: (end: LinkEnd) => void): void {
    if (this.ended !== undefined) f(this.ended);
    else this.endListeners.push(f);
  }

  /** Whether the link has ended. @example if (link.closed) reconnect(); */
  get closed(): boolean {
    return this.ended !== undefined;
  }

  /**
   * Says `bye` (with `reason`) and closes the socket; resolves once the reader has stopped.
   *
   * @example
   * await link.close('the worker is shutting down');
   */
  async close(reason = 'closed by this side'): Promise<void> {
    if (this.ended === undefined) {
      clearInterval(this.timer);
      this.push({ op: 'bye', reason });
      await Promise.race([this.queue.flushed(), delay(1000)]);
      // Give ZeroMQ's I/O thread a moment to write the bye before the socket goes.
      await delay(20);
      this.end({ reason, restart: false });
    }
    await this.reading;
  }

  private push(message: unknown): void {
    if (this.poster !== undefined) this.poster.post(message);
    else this.queue.push(encodeFrames(message));
  }

  private end(end: LinkEnd): void {
    if (this.ended !== undefined) return;
    this.ended = end;
    clearInterval(this.timer);
    this.socket.close();
    const resume = this.resume;
    this.resume = undefined;
    resume?.();
    this.events?.disconnect(end.reason);
    for (const f of this.endListeners.splice(0)) f(end);
  }

  private async read(): Promise<void> {
    for (;;) {
      if (!this.wanted) await new Promise<void>((resolve) => (this.resume = resolve));
      if (this.ended !== undefined) return;
      let frames: Buffer[] | InprocParcel;
      try {
        frames = await this.socket.receive();
      } catch (err) {
        if (this.ended === undefined && !this.socket.closed) {
          this.log(`dask-ts ${this.name}: cannot receive: ${(err as Error).message}`);
          continue;
        }
        return;
      }
      this.lastHeard = Date.now();
      let raw: unknown;
      const owned: ArrayBuffer[] = [];
      try {
        raw = frames instanceof InprocParcel ? frames.message : decodeFrames(frames, owned);
      } catch (err) {
        this.drop((err as Error).message);
        continue;
      }
      if (isLinkOp(raw)) {
        const link = linkSchema.safeParse(raw);
        if (!link.success) {
          this.drop(`a malformed link message: ${link.error.issues[0]?.message ?? ''}`);
          continue;
        }
        const msg = link.data;
        if (msg.op === 'bye') {
          this.end({
            reason: `the scheduler said bye: ${msg.reason}`,
            restart: msg.restart === true,
          });
        } else if (msg.op === 'refused') {
          this.end({
            reason: `the scheduler refused this peer: ${msg.reason}`,
            restart: false,
            ...(msg.rejoin === true ? { lost: true } : {}),
          });
        }
        continue;
      }
      if (this.events === undefined) this.early.push({ raw, owned });
      else deliver(this.events, raw, owned);
    }
  }

  private drop(why: string): void {
    if (++this.dropped <= 10) this.log(`dask-ts ${this.name}: dropped a message: ${why}`);
  }
}

/**
 * Hands a decoded message to its listener, with the buffers it owns as a second argument, which a
 * relay may transfer (a listener that takes one argument ignores it).
 */
function deliver(events: EndpointEvents, raw: unknown, owned: ArrayBuffer[]): void {
  (events.message as (raw: unknown, owned: ArrayBuffer[]) => void)(raw, owned);
}

/** A DEALER's CURVE options: the scheduler's public key, and a throwaway key pair of its own. */
function curveOptions(serverKey: string): {
  curveServerKey: string;
  curvePublicKey: string;
  curveSecretKey: string;
} {
  const own = curveKeyPair();
  return {
    curveServerKey: serverKey,
    curvePublicKey: own.publicKey,
    curveSecretKey: own.secretKey,
  };
}

/** What a link needs of its socket: a ZeroMQ DEALER, or an in-process one. */
type LinkSocket = Pick<Dealer, 'send' | 'close' | 'closed' | 'sendTimeout'> & {
  receive(): Promise<Buffer[] | InprocParcel>;
};

/** The next message on `socket`, or a rejection with code EAGAIN after `ms` (as ZeroMQ does). */
function receiveWithin(socket: LinkSocket, ms: number): Promise<Buffer[] | InprocParcel> {
  if (socket instanceof Dealer) return socket.receive();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error('Operation timed out'), { code: 'EAGAIN' })),
      ms,
    );
  });
  return Promise.race([socket.receive(), timeout]).finally(() => clearTimeout(timer));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Connects to the scheduler server at `address` and shakes hands (see the file comment).
 *
 * @example
 * const link = await connectLink('tcp://127.0.0.1:8786', { role: 'worker', name: 'w-1' });
 */
export async function connectLink(address: string, options: LinkOptions): Promise<Link> {
  checkAddress(address, 'address');
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const curveServerKey = curveServerKeyOf(options.curveServerKey);
  // An identity of its own, so that ZeroMQ's reconnection after a network blip keeps this peer
  // (the server's ROUTER hands the identity over to the new connection).
  const inproc = inprocConnect(address);
  // A local cluster's worker process: a plain Unix stream to its scheduler (local-stream.ts).
  const socket: LinkSocket =
    inproc ??
    streamConnect(address) ??
    new Dealer({
      linger: 0,
      receiveTimeout: connectTimeoutMs,
      // Sends complete inside the call (see send-queue.ts); messages queue without bound.
      sendTimeout: 0,
      sendHighWaterMark: 0,
      routingId: randomBytes(12).toString('base64url'),
      ...(curveServerKey !== undefined ? curveOptions(curveServerKey) : {}),
    });
  try {
    if (socket instanceof Dealer) socket.connect(address);
    await socket.send(
      encodeFrames(
        helloMessage(
          options.role,
          options.name,
          options.token,
          options.version,
          options.traits,
          options.peer,
        ),
      ),
    );
    let answer: unknown;
    let failure: unknown;
    try {
      const got = await receiveWithin(socket, connectTimeoutMs);
      answer = got instanceof InprocParcel ? got.message : decodeFrames(got);
    } catch (err) {
      failure = err;
    }
    if (failure !== undefined) {
      const code = (failure as { code?: unknown }).code;
      if (code !== 'EAGAIN')
        throw new ConnectError(
          address,
          `a bad answer to the handshake: ${(failure as Error).message}`,
        );
      // Why ZeroMQ's own handshake failed, if it did (wrong or missing CURVE key).
      const handshakeError =
        socket instanceof Dealer
          ? await probeHandshake(
              address,
              curveServerKey !== undefined ? curveOptions(curveServerKey) : undefined,
              PROBE_MS,
            )
          : undefined;
      throw new ConnectError(
        address,
        handshakeError !== undefined
          ? `no scheduler answered within ${connectTimeoutMs / 1000} s: the connection's encryption handshake failed (${handshakeError}); ${
              curveServerKey === undefined
                ? 'the scheduler may require CURVE encryption: pass its public key as curveServerKey (or DASK_TS_CURVE_SERVER_KEY)'
                : 'is curveServerKey the public key of this scheduler, and does it use CURVE?'
            }`
          : `no scheduler answered within ${connectTimeoutMs / 1000} s (is one running there${
              curveServerKey !== undefined ? ', with CURVE encryption' : ''
            }?)`,
      );
    }
    const parsed = linkSchema.safeParse(answer);
    if (!parsed.success)
      throw new ConnectError(address, 'the answer to the handshake is not a dask-ts message');
    const msg = parsed.data;
    if (msg.op === 'refused') throw new ConnectError(address, msg.reason);
    if (msg.op !== 'welcome')
      throw new ConnectError(address, `expected a welcome, got '${msg.op}'`);
    if (socket instanceof Dealer) socket.receiveTimeout = -1;
    return new Link(address, socket, msg.name, {
      heartbeatMs: options.heartbeatMs ?? 1000,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 10_000,
      log,
      objects: options.role === 'client',
    });
  } catch (err) {
    socket.close();
    throw err;
  }
}
