// A local cluster's worker links skip ZeroMQ: `Client.local` also listens on a plain Unix stream
// socket in its own folder, and its worker processes link to the scheduler over it. A ZeroMQ hop
// wakes two I/O threads (the sender's and the receiver's) besides the two main threads; a stream
// is written by the sender's main thread and read by the receiver's event loop (a bare ping-pong
// here: ~18 µs against ~65 µs for ZeroMQ over ipc://), which is most of a submit's round trip.
// Everything above the socket stays the same: the same frames (a msgpack header and raw binary
// frames), the same handshake, heartbeats, checks and send path at the server, which tells these
// peers apart by routing ids ZeroMQ never makes (13 bytes, a zero byte then 'S'). Like ZeroMQ's,
// the stream queues without bound and a peer that is gone is unreachable (a send to it fails, and
// the server drops it as it would a ZeroMQ peer). A stream that closes tells the server its peer
// left (a killed worker process is recomputed at once, not after the heartbeats' silence); on the
// worker's side it is silence, which the heartbeats catch as for ZeroMQ. Only worker processes use
// it, and only where they were told its path (DASK_TS_LOCAL_STREAM, set by `Client.local` for the
// address it gives them): other links to that address (a task's getClient, a `dask-ts worker`
// started by hand) use ZeroMQ.
//
// Framing: each message is a u32 (little endian) byte length of the rest, a u32 frame count, one
// u32 length per frame, then the frames' bytes.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { FrameError, encodeFrames } from './frames.js';
import { addStreamPeer, inprocDeliver } from './inproc.js';

type Frames = Uint8Array[];

/**
 * Reads messages off a byte stream (see the file comment's framing). Bytes that do not frame a
 * message (a frame count or length past the message's end) throw a FrameError: the stream
 * cannot be read on, and its owner closes it.
 */
class FrameReader {
  private chunks: Buffer[] = [];
  private have = 0;

  constructor(private readonly onMessage: (frames: Buffer[]) => void) {}

  /** Takes `chunk`; calls onMessage for each message it completes. */
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.have += chunk.byteLength;
    while (this.have >= 4) {
      const first = this.chunks[0];
      const size = first.byteLength >= 4 ? first.readUInt32LE(0) : this.joined().readUInt32LE(0);
      if (this.have < 4 + size) return;
      const all = this.chunks.length === 1 ? this.chunks[0] : this.joined();
      const end = 4 + size;
      const count = size >= 4 ? all.readUInt32LE(4) : -1;
      let at = 8 + 4 * count;
      if (count < 0 || at > end)
        throw new FrameError(`a message of ${size} bytes that is not framed`);
      const frames: Buffer[] = [];
      for (let i = 0; i < count; i++) {
        const len = all.readUInt32LE(8 + 4 * i);
        if (at + len > end) throw new FrameError(`a frame of ${len} bytes past its message's end`);
        frames.push(all.subarray(at, at + len));
        at += len;
      }
      if (at !== end) throw new FrameError(`${end - at} bytes after a message's last frame`);
      if (all.byteLength > end) {
        this.chunks = [all.subarray(end)];
        this.have = all.byteLength - end;
      } else {
        this.chunks = [];
        this.have = 0;
      }
      this.onMessage(frames);
    }
  }

  private joined(): Buffer {
    const all = Buffer.concat(this.chunks, this.have);
    this.chunks = [all];
    return all;
  }
}

/** Sockets corked until the end of this tick (see {@link writeFrames}). */
const corked = new Set<Socket>();

function uncorkAll(): void {
  for (const socket of corked) socket.uncork();
  corked.clear();
}

/**
 * Writes one message, `frames` from index `from` on, to `socket`: the prefix and the header frame
 * in one buffer, the binary frames after it as they are (uncopied). The messages written in one
 * tick leave together, in one system call, at its end (a batch of task reports costs one write).
 */
function writeFrames(socket: Socket, frames: Frames, from = 0): void {
  const count = frames.length - from;
  let size = 4 + 4 * count;
  for (let i = from; i < frames.length; i++) size += frames[i].byteLength;
  if (size > 0xffffffff) throw new RangeError(`a message of ${size} bytes is too large to send`);
  const head = frames[from];
  const first = Buffer.allocUnsafe(8 + 4 * count + (head?.byteLength ?? 0));
  first.writeUInt32LE(size, 0);
  first.writeUInt32LE(count, 4);
  for (let i = 0; i < count; i++) first.writeUInt32LE(frames[from + i].byteLength, 8 + 4 * i);
  if (head !== undefined) first.set(head, 8 + 4 * count);
  if (!corked.has(socket)) {
    if (corked.size === 0) process.nextTick(uncorkAll);
    corked.add(socket);
    socket.cork();
  }
  socket.write(first);
  for (let i = from + 1; i < frames.length; i++) socket.write(frames[i]);
}

/**
 * A worker link's socket over a local stream: the part of a DEALER socket a Link uses.
 *
 * @internal made by {@link streamConnect}.
 */
export class StreamSocket {
  readonly sendTimeout = 0;
  private readonly socket: Socket;
  private readonly inbox: Buffer[][] = [];
  private waiting: { resolve(m: Buffer[]): void; reject(e: Error): void } | undefined;
  private failure: Error | undefined;

  constructor(path: string) {
    this.socket = connect(path);
    const reader = new FrameReader((frames) => {
      const waiting = this.waiting;
      if (waiting !== undefined) {
        this.waiting = undefined;
        waiting.resolve(frames);
      } else this.inbox.push(frames);
    });
    this.socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (err) {
        this.socket.destroy(err as Error);
      }
    });
    this.socket.on('error', (err) => (this.failure ??= err));
    this.socket.on('close', () => {
      this.failure ??= new Error('Socket is closed');
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.reject(this.failure);
    });
  }

  get closed(): boolean {
    return this.socket.destroyed;
  }

  /** Writes `frames` (queued by the socket while it connects). */
  send(frames: Frames): Promise<void> {
    if (this.socket.destroyed) return Promise.reject(this.failure ?? new Error('Socket is closed'));
    writeFrames(this.socket, frames);
    return Promise.resolve();
  }

  /** The next message from the server. */
  receive(): Promise<Buffer[]> {
    const next = this.inbox.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.socket.destroyed) return Promise.reject(this.failure ?? new Error('Socket is closed'));
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Stream paths by scheduler address, in this process (see {@link useLocalStream}). */
const streams = new Map<string, string>();

/**
 * Links to `address` made in this process go over the local stream at `path` (see the file
 * comment); worker-main.ts calls it when `Client.local` started it.
 *
 * @internal
 */
export function useLocalStream(address: string, path: string): void {
  streams.set(address, path);
}

/**
 * A stream socket to the scheduler at `address`, or undefined when none was named for it.
 *
 * @internal
 */
export function streamConnect(address: string): StreamSocket | undefined {
  const path = streams.get(address);
  return path === undefined ? undefined : new StreamSocket(path);
}

let nextStream = 0;

/** Why a local stream peer is gone (see listenLocalStream). */
const GONE = 'its connection to the scheduler closed (its process exited?)';

/** How long a closing listener waits for its peers to hang up before it cuts them off (ms). */
const CLOSE_GRACE_MS = 2000;

/**
 * A listening local stream (see {@link listenLocalStream}).
 *
 * @internal
 */
export interface LocalStreamListener {
  /** Ends every stream (after what was written to it) and stops listening. */
  close(): Promise<void>;
}

/**
 * Listens on a Unix stream socket at `path` for the worker links of the scheduler server that
 * serves `address` in this process; its messages go to that server as its ZeroMQ peers' do.
 *
 * @internal
 * @example
 * const listener = await listenLocalStream('/tmp/dask-ts-x/stream', server.address);
 * await listener.close();
 */
export async function listenLocalStream(
  path: string,
  address: string,
  log: (line: string) => void = (line) => void process.stderr.write(`${line}\n`),
): Promise<LocalStreamListener> {
  const open = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const id = Buffer.alloc(13);
    id[1] = 0x53;
    id.writeUInt32BE(++nextStream, 9);
    open.add(socket);
    // The server's sends to this peer: frames after the routing id.
    const remove = addStreamPeer(id, (frames) => {
      if (socket.destroyed || !socket.writable) return false;
      writeFrames(socket, frames, 1);
      return true;
    });
    const reader = new FrameReader((frames) => inprocDeliver(address, [id, ...frames]));
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (err) {
        // Its next messages cannot be found in the bytes: cut off, its link is lost (as when silent).
        log(`dask-ts scheduler: closed a local stream: ${(err as Error).message}`);
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      open.delete(socket);
      remove();
      // A local worker's stream closes when its process dies: the server hears it at once, as a
      // bye (ignored when it had said bye itself), not after the heartbeats' silence.
      inprocDeliver(address, [id, ...(encodeFrames({ op: 'bye', reason: GONE }) as Buffer[])]);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.end();
        const timer = setTimeout(() => {
          for (const socket of open) socket.destroy();
        }, CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
