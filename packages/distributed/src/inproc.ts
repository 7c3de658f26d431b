// Peers in the scheduler's own process (the client of `Client.local`, worker nodes started in a
// test) skip the network: a scheduler server registers its address here while it runs, and a link
// to that address made in the same process gets an in-process socket instead of a ZeroMQ DEALER.
// Everything else stays the same (the same messages, handshake, heartbeats and checks; a message
// is a fresh copy on the other side), only the hop is a microtask instead of
// two trips through ZeroMQ's I/O thread and the kernel. Messages are delivered in order, never
// inside the sender's call. In-process peers get routing ids ZeroMQ never makes (a zero byte, then
// 11 bytes; ZeroMQ's own start with a zero byte but are 5 bytes long, and a peer's chosen id may
// not start with one), so the server's one send path tells them apart from its ROUTER's peers.
// A client's messages (and the server's to it) skip msgpack too: they travel as objects, copied
// by copyMessage (inproc-copy.ts) as decoding would have, wrapped in an InprocParcel; a message
// that cannot be copied so travels as frames. Worker links keep frames (their binary values'
// buffers are handed to their threads).
import { encodeFrames } from './frames.js';
import { copyMessage } from './inproc-copy.js';

type Frames = Uint8Array[];

/** What a scheduler server offers its in-process peers. */
interface InprocServer {
  /** A message from the peer with routing id `frames[0]`. */
  deliver(frames: Buffer[]): void;
  /** A message from the peer with routing id `id`, as an object (a copy of what it sent). */
  deliverObject(id: Buffer, message: unknown): void;
}

/**
 * A message that travelled in this process as an object, not as frames (see the file comment).
 *
 * @internal
 */
export class InprocParcel {
  constructor(readonly message: unknown) {}
}

/** The copy of `message` to hand over, or frames when it cannot be copied. */
function handOver(message: unknown): InprocParcel | Buffer[] {
  try {
    return new InprocParcel(copyMessage(message));
  } catch {
    return encodeFrames(message).map(received);
  }
}

const servers = new Map<string, InprocServer>();
const peers = new Map<string, InprocSocket>();
let nextPeer = 0;

function isInprocId(id: Uint8Array): boolean {
  return id.byteLength === 12 && id[0] === 0;
}

/**
 * The in-process side of a link: the part of a DEALER socket a Link uses.
 *
 * @internal made by {@link inprocConnect}.
 */
export class InprocSocket {
  readonly sendTimeout = 0;
  private readonly id: Buffer;
  private readonly key: string;
  private readonly server: InprocServer;
  private readonly inbox: (Buffer[] | InprocParcel)[] = [];
  private waiting:
    { resolve(m: Buffer[] | InprocParcel): void; reject(e: Error): void } | undefined;
  private isClosed = false;

  constructor(server: InprocServer) {
    this.server = server;
    this.id = Buffer.alloc(12);
    this.id.writeUInt32BE(++nextPeer, 8);
    this.key = this.id.toString('hex');
    peers.set(this.key, this);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Hands `frames` to the server on a microtask. */
  send(frames: Frames): Promise<void> {
    if (this.isClosed) return Promise.reject(new Error('Socket is closed'));
    const message = [this.id, ...frames.map(received)];
    queueMicrotask(() => {
      if (!this.isClosed) this.server.deliver(message);
    });
    return Promise.resolve();
  }

  /** Hands `message` (a copy of it) to the server as an object, on a microtask. */
  post(message: unknown): void {
    if (this.isClosed) return;
    const copy = handOver(message);
    queueMicrotask(() => {
      if (this.isClosed) return;
      if (copy instanceof InprocParcel) this.server.deliverObject(this.id, copy.message);
      else this.server.deliver([this.id, ...copy]);
    });
  }

  /** The next message from the server. */
  receive(): Promise<Buffer[] | InprocParcel> {
    const next = this.inbox.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.isClosed) return Promise.reject(new Error('Socket is closed'));
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    peers.delete(this.key);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(new Error('Socket is closed'));
  }

  /** A message from the server. */
  push(frames: Buffer[] | InprocParcel): void {
    if (this.isClosed) return;
    const waiting = this.waiting;
    if (waiting !== undefined) {
      this.waiting = undefined;
      waiting.resolve(frames);
    } else this.inbox.push(frames);
  }
}

/**
 * A frame as the receiver gets it: the header (frame 0, which msgpackr never writes over) as it
 * is, a binary frame copied (the sender may change its array once `send` returns).
 */
function received(frame: Uint8Array, i: number): Buffer {
  return i === 0
    ? Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)
    : Buffer.from(frame);
}

/**
 * Makes the scheduler server at `address` reachable in this process; returns how to stop.
 *
 * @internal
 */
export function registerInproc(address: string, server: InprocServer): () => void {
  servers.set(address, server);
  return () => {
    if (servers.get(address) === server) servers.delete(address);
  };
}

/**
 * An in-process socket to the server at `address`, or undefined when none runs in this process.
 *
 * @internal
 */
export function inprocConnect(address: string): InprocSocket | undefined {
  const server = servers.get(address);
  return server === undefined ? undefined : new InprocSocket(server);
}

/**
 * Whether a scheduler server at `address` runs in this process (its peers here skip the network).
 *
 * @internal
 */
export function inprocServes(address: string): boolean {
  return servers.has(address);
}

/**
 * Hands `message` (a copy of it) to the in-process peer with routing id `id` as an object, on a
 * microtask; false when `id` is not an in-process peer's (or it is gone): send frames instead.
 *
 * @internal
 */
export function postInproc(id: Uint8Array, message: unknown): boolean {
  if (!isInprocId(id)) return false;
  const peer = peers.get(Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex'));
  if (peer === undefined) return false;
  const copy = handOver(message);
  queueMicrotask(() => peer.push(copy));
  return true;
}

/** Local stream peers' writers (local-stream.ts), by the number that ends their routing id. */
const streamPeers = new Map<number, (frames: Frames) => boolean>();

/** A local stream peer's number, or -1 when `id` is not one's (13 bytes: 0, 'S', 7 more, u32). */
function streamNumber(id: Uint8Array): number {
  if (id.byteLength !== 13 || id[0] !== 0 || id[1] !== 0x53) return -1;
  return ((id[9] << 24) | (id[10] << 16) | (id[11] << 8) | id[12]) >>> 0;
}

/**
 * Routes the server's sends to the local stream peer with routing id `id` through `write`
 * (frames with the id first; false when it is gone); returns how to stop.
 *
 * @internal
 */
export function addStreamPeer(id: Uint8Array, write: (frames: Frames) => boolean): () => void {
  const n = streamNumber(id);
  streamPeers.set(n, write);
  return () => void streamPeers.delete(n);
}

/**
 * Hands `frames` (a routing id, then a message's frames) to the server at `address` in this
 * process, as its ROUTER's messages are; dropped when none serves there (any more).
 *
 * @internal
 */
export function inprocDeliver(address: string, frames: Buffer[]): void {
  servers.get(address)?.deliver(frames);
}

/**
 * A server's send target: frames whose routing id is an in-process peer's go to it, on a
 * microtask, those of a local stream peer (local-stream.ts) to its stream; the rest go to
 * `socket` (the ROUTER). Unknown in-process or stream peers (gone) are unreachable.
 *
 * @internal
 */
export function routeInproc<S extends { send(m: Frames): Promise<void>; readonly closed: boolean }>(
  socket: S,
): { send(m: Frames): Promise<void>; readonly closed: boolean; readonly sendTimeout: number } {
  return {
    send(frames: Frames): Promise<void> {
      const id = frames[0];
      const stream = id === undefined ? -1 : streamNumber(id);
      if (stream >= 0) {
        const write = streamPeers.get(stream);
        return write !== undefined && write(frames)
          ? Promise.resolve()
          : Promise.reject(new Error('Host unreachable'));
      }
      if (id === undefined || !isInprocId(id)) return socket.send(frames);
      const peer = peers.get(Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex'));
      if (peer === undefined) return Promise.reject(new Error('Host unreachable'));
      const message = frames.slice(1).map(received);
      queueMicrotask(() => peer.push(message));
      return Promise.resolve();
    },
    get closed(): boolean {
      return socket.closed;
    },
    get sendTimeout(): number {
      return (socket as { sendTimeout?: number }).sendTimeout ?? -1;
    },
  };
}
