// One send queue per ZeroMQ socket: zeromq.js allows one pending send at a time, so messages wait
// here, in order, and one loop hands them to the socket. A socket made with `sendTimeout: 0` and no
// high-water mark (every socket of this package) never has a pending send: zeromq.js then sends at
// once, inside the call, so the queue is bypassed and each message goes out in `push` itself (no
// promise to await, no turn of the event loop between a message and the socket). A send that fails
// (a ROUTER peer that is gone, a socket closed under it) is reported to `onError` with the message
// it was sending, and the queue goes on with the next; nothing is thrown into the caller.
import type { Socket } from 'zeromq';

type Frames = Uint8Array[];

/** The part of a ZeroMQ socket a send queue uses. */
export type SendSocket = Pick<Socket, 'closed'> & {
  send(m: Frames): Promise<void>;
  readonly sendTimeout?: number;
};

/**
 * The send queue of one socket (see the file comment).
 *
 * @example
 * const queue = new SendQueue(router, (err) => log(err.message));
 * queue.push([peerId, ...encodeFrames(message)]);
 */
export class SendQueue {
  private readonly socket: SendSocket;
  private readonly onError: (error: Error, frames: Frames) => void;
  private readonly queue: Frames[] = [];
  private head = 0;
  private draining = false;
  private idle: (() => void)[] = [];
  /** Sends complete inside the call (sendTimeout 0): no queue needed. */
  private readonly immediate: boolean;

  constructor(socket: SendSocket, onError: (error: Error, frames: Frames) => void) {
    this.socket = socket;
    this.onError = onError;
    this.immediate = socket.sendTimeout === 0;
  }

  /** Queues `frames`; they are sent after every message queued before. @example queue.push(frames); */
  push(frames: Frames): void {
    if (this.immediate) {
      if (this.socket.closed) return;
      let sent: Promise<void>;
      try {
        sent = this.socket.send(frames);
      } catch (err) {
        this.onError(err instanceof Error ? err : new Error(String(err)), frames);
        return;
      }
      sent.catch((err: unknown) =>
        this.onError(err instanceof Error ? err : new Error(String(err)), frames),
      );
      return;
    }
    this.queue.push(frames);
    if (!this.draining) void this.drain();
  }

  /** Resolves once every queued message was handed to the socket. @example await queue.flushed(); */
  flushed(): Promise<void> {
    if (!this.draining) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.head < this.queue.length) {
      const frames = this.queue[this.head];
      this.queue[this.head++] = [];
      if (this.socket.closed) continue;
      try {
        await this.socket.send(frames);
      } catch (err) {
        this.onError(err instanceof Error ? err : new Error(String(err)), frames);
      }
    }
    this.queue.length = 0;
    this.head = 0;
    this.draining = false;
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  }
}
