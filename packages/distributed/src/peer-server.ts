// A worker node's peer server: one ZeroMQ ROUTER where other workers fetch the results this node's
// worker threads hold, so inputs move from worker to worker without passing through the scheduler.
// It is as guarded as the scheduler: a request must carry this protocol version and the cluster's
// token (compared in constant time), and with CURVE the socket encrypts with a key pair of the
// node's own, whose public key the scheduler hands to fetchers (it learnt it in the node's hello,
// over its own encrypted link). A request that does not check is dropped and logged (the first
// few), a refused one is answered with why; the server never throws and keeps serving.
//
// Where it listens: `listen` is `tcp://HOST:PORT` (port 0: any free port). A wildcard host
// (0.0.0.0 or *) binds every interface and announces the one this host uses to reach the
// scheduler; without `listen` the server binds that interface alone.
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { Router } from 'zeromq';
import { PROTOCOL_VERSION } from '@dask-ts/protocol';
import { curveKeyPair } from './curve.js';
import { decodeFrames, encodeFrames } from './frames.js';
import { sameToken, type PeerAddress } from './handshake.js';
import { firstIssue, peerGetSchema, type PeerGot } from './peer-wire.js';
import { SendQueue } from './send-queue.js';

/** What a peer server asks its node: the values of `keys` held by its worker `worker`. */
export type Serve = (
  worker: string,
  keys: readonly string[],
) => Promise<Pick<PeerGot, 'keys' | 'values' | 'missing'> | string>;

/** How many dropped requests are logged (the rest are only counted). */
const LOGGED_DROPS = 10;

/**
 * A running peer server (see the file comment and {@link startPeerServer}).
 *
 * @example
 * const server = await startPeerServer({ scheduler, serve, log });
 * link options: { peer: server.peer };
 * await server.close();
 */
export class PeerServer {
  /** What the node announces in its hello. */
  readonly peer: PeerAddress;
  /** Requests served, and the binary bytes sent in answer. */
  readonly stats = { served: 0, bytes: 0, dropped: 0 };
  private readonly queue: SendQueue;
  private readonly reading: Promise<void>;

  /** @internal use {@link startPeerServer}. */
  constructor(
    private readonly router: Router,
    peer: PeerAddress,
    private readonly options: PeerServerOptions,
  ) {
    this.peer = peer;
    this.queue = new SendQueue(router, (err) =>
      this.options.log(`dask-ts peer server: cannot answer a peer: ${err.message}`),
    );
    this.reading = this.read();
  }

  /** Stops serving. @example await server.close(); */
  async close(): Promise<void> {
    if (!this.router.closed) this.router.close();
    await this.reading;
  }

  private async read(): Promise<void> {
    for (;;) {
      let msg: Buffer[];
      try {
        msg = await this.router.receive();
      } catch {
        if (this.router.closed) return;
        continue;
      }
      const [id, ...frames] = msg;
      if (id !== undefined) void this.answer(id, frames);
    }
  }

  private async answer(id: Buffer, frames: Buffer[]): Promise<void> {
    let raw: unknown;
    try {
      raw = decodeFrames(frames);
    } catch (err) {
      this.drop((err as Error).message);
      return;
    }
    const parsed = peerGetSchema.safeParse(raw);
    if (!parsed.success) {
      this.drop(`a malformed peer-get: ${firstIssue(parsed.error)}`);
      return;
    }
    const req = parsed.data;
    const why = this.refusal(req.version, req.token);
    let answer: PeerGot;
    if (why !== undefined) answer = refused(req.id, why);
    else {
      let got: Awaited<ReturnType<Serve>>;
      try {
        got = await this.options.serve(req.worker, req.keys);
      } catch (err) {
        got = `cannot serve ${req.worker}'s values: ${(err as Error).message}`;
      }
      answer =
        typeof got === 'string' ? refused(req.id, got) : { op: 'peer-got', id: req.id, ...got };
    }
    if (this.router.closed) return;
    let out: Uint8Array[];
    try {
      out = encodeFrames(answer);
    } catch (err) {
      out = encodeFrames(refused(req.id, `cannot encode the values: ${(err as Error).message}`));
    }
    this.stats.served++;
    for (let i = 1; i < out.length; i++) this.stats.bytes += out[i].byteLength;
    this.queue.push([id, ...out]);
  }

  private refusal(version: number, token: string | undefined): string | undefined {
    if (version !== PROTOCOL_VERSION)
      return `the peer speaks dask-ts protocol version ${version}, this worker version ${PROTOCOL_VERSION}`;
    const own = this.options.token;
    if (own === undefined) return token === undefined ? undefined : 'this worker has no token';
    if (token === undefined || !sameToken(token, own))
      return "the token does not match this worker's";
    return undefined;
  }

  private drop(why: string): void {
    if (++this.stats.dropped <= LOGGED_DROPS)
      this.options.log(`dask-ts peer server: dropped a request: ${why}`);
  }
}

function refused(id: number, why: string): PeerGot {
  return { op: 'peer-got', id, keys: [], values: [], missing: [], refused: why };
}

/**
 * Options of {@link startPeerServer}.
 *
 * @example
 * const options: PeerServerOptions = { scheduler: 'tcp://10.0.0.1:8786', serve, log: console.error };
 */
export interface PeerServerOptions {
  /** The scheduler's address (the default interface is the one that reaches it). */
  readonly scheduler: string;
  /** `tcp://HOST:PORT` to listen on (see the file comment). */
  readonly listen?: string | undefined;
  /** The cluster's shared secret. */
  readonly token?: string | undefined;
  /** Encrypt with CURVE (the cluster does). */
  readonly curve?: boolean | undefined;
  readonly serve: Serve;
  readonly log: (line: string) => void;
}

const LISTEN = /^tcp:\/\/([A-Za-z0-9.\-_]+|\[[0-9a-fA-F:]+\]|\*):(\d{1,5})$/;

/**
 * Starts a peer server (see the file comment); a bad `listen` is a TypeError naming it, an
 * address that cannot be bound an Error naming it.
 *
 * @example
 * const server = await startPeerServer({ scheduler: 'tcp://127.0.0.1:8786', serve, log });
 */
export async function startPeerServer(options: PeerServerOptions): Promise<PeerServer> {
  let host: string;
  let port: number;
  if (options.listen !== undefined) {
    const m = LISTEN.exec(options.listen);
    port = m === null ? -1 : Number(m[2]);
    if (m === null || port > 65535) {
      throw new TypeError(
        `listen must be an address such as 'tcp://10.0.0.2:0' (port 0: any free port), got ${JSON.stringify(options.listen)}`,
      );
    }
    host = m[1];
  } else {
    host = await localAddressToward(options.scheduler);
    port = 0;
  }
  const wildcard = host === '0.0.0.0' || host === '*' || host === '[::]';
  const keys = options.curve === true ? curveKeyPair() : undefined;
  const router = new Router({
    mandatory: true,
    linger: 0,
    sendTimeout: 0,
    sendHighWaterMark: 0,
    receiveHighWaterMark: 0,
    ...(keys !== undefined
      ? { curveServer: true, curvePublicKey: keys.publicKey, curveSecretKey: keys.secretKey }
      : {}),
  });
  const endpoint = `tcp://${host === '*' ? '0.0.0.0' : host}:${port === 0 ? '*' : port}`;
  try {
    await router.bind(endpoint);
  } catch (err) {
    router.close();
    throw new Error(`Cannot listen for peers on ${endpoint}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const bound = router.lastEndpoint ?? endpoint;
  const boundPort = /:(\d+)$/.exec(bound)?.[1] ?? String(port);
  const shown = wildcard ? await localAddressToward(options.scheduler) : host;
  const address = `tcp://${isIPv6(shown) ? `[${shown}]` : shown}:${boundPort}`;
  return new PeerServer(
    router,
    { address, ...(keys !== undefined ? { curveKey: keys.publicKey } : {}) },
    options,
  );
}

/**
 * The local address this host uses to reach `address` (`tcp://HOST:PORT`): a UDP socket is
 * connected there (no packet is sent) and asked its own address; 127.0.0.1 when that fails.
 *
 * @example
 * await localAddressToward('tcp://10.0.0.1:8786'); // '10.0.0.2'
 */
export async function localAddressToward(address: string): Promise<string> {
  const m = /^tcp:\/\/\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (m === null) return '127.0.0.1';
  const [, host, port] = m;
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(Number(port), host, () => resolve());
    });
    return socket.address().address;
  } catch {
    return '127.0.0.1';
  } finally {
    socket.close();
  }
}
