// Transports: the thin I/O edge between a worker and its scheduler. A transport sends messages
// (transferring buffers where it can), delivers raw incoming messages (they are validated by the
// receiver, never here) and says when the other side went away. Two are built in: a worker_threads
// `MessagePort` (buffers are transferred) and a child process's IPC channel (the parent forks with
// `serialization: 'advanced'`, so typed arrays, Maps and BigInts survive; buffers are copied).
// A send that fails because the other side is gone is not reported: the disconnect says it.
// A transport is protocol's `Endpoint` (the scheduler's side of a worker is one too), told
// where to report with `listen`.
import type { MessagePort } from 'node:worker_threads';
import type { Endpoint, EndpointEvents } from '@dask-ts/protocol/runtime';

/**
 * A worker's connection to its scheduler: an endpoint that reports to the events given to
 * `listen` (incoming messages, and once, the channel closing from either side).
 *
 * @example
 * const t: Transport<string> = messagePortTransport(port);
 * t.listen({ message: (raw) => console.log(raw), disconnect: (why) => console.log(why) });
 * t.send('hello');
 */
export interface Transport<Out = unknown> extends Endpoint<Out> {
  /** Sets where incoming (unvalidated) messages and the closing of the channel are reported. */
  listen(events: EndpointEvents): void;
}

/**
 * A transport over a worker_threads `MessagePort`, such as `parentPort` in a worker thread.
 * Closing it closes the port, which lets the thread exit.
 *
 * @example
 * import { parentPort } from 'node:worker_threads';
 * const transport = messagePortTransport(parentPort!);
 */
export function messagePortTransport<Out = unknown>(port: MessagePort): Transport<Out> {
  let closed = false;
  let events: EndpointEvents | undefined;
  const closing = (why: string): void => {
    if (closed) return;
    closed = true;
    events?.disconnect(why);
  };
  port.on('close', () => closing('the port closed'));
  return {
    send(message, transfer) {
      if (closed) return;
      port.postMessage(message, transfer as ArrayBuffer[] | undefined);
    },
    listen(e) {
      events = e;
      port.on('message', (raw: unknown) => e.message(raw));
    },
    close() {
      port.removeAllListeners('message');
      port.close();
      closing('closed by this side');
      return Promise.resolve();
    },
  };
}

/** The parts of a process with an IPC channel that a transport needs. @example const p: IpcProcess = process; */
export interface IpcProcess {
  send?(message: unknown, callback?: (error: Error | null) => void): boolean;
  disconnect?(): void;
  readonly connected?: boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * A transport over a child process's IPC channel (`process.send` / `process.on('message')`).
 * Buffers are copied (`transfer` is ignored). Closing it disconnects the channel, which lets the
 * process exit.
 *
 * @example
 * const transport = processTransport(process);
 */
export function processTransport<Out = unknown>(proc: IpcProcess = process): Transport<Out> {
  if (typeof proc.send !== 'function' || typeof proc.disconnect !== 'function') {
    throw new Error(
      'processTransport needs an IPC channel: start this process with child_process.fork(..., { serialization: "advanced" })',
    );
  }
  const send = proc.send.bind(proc);
  const disconnect = proc.disconnect.bind(proc);
  let closed = false;
  let events: EndpointEvents | undefined;
  let messageHandler: ((raw: unknown) => void) | undefined;
  let whenClosed: (() => void) | undefined;
  const isClosed = new Promise<void>((resolve) => (whenClosed = resolve));
  const closing = (why: string): void => {
    if (closed) return;
    closed = true;
    if (messageHandler !== undefined) proc.off('message', messageHandler);
    events?.disconnect(why);
    whenClosed?.();
  };
  proc.on('disconnect', () => closing('the IPC channel was disconnected'));
  // Sends not yet written; closing waits for them so the last messages are not lost.
  let unsent = 0;
  let closeRequested = false;
  const finishClose = (): void => {
    if (proc.connected !== false) disconnect();
    closing('closed by this side');
  };
  const sent = (error: Error | null): void => {
    unsent--;
    // A channel that broke because the parent went away (EPIPE, ECONNRESET, closed) is no news:
    // the disconnect follows and the worker stops. Anything else is reported.
    if (error !== null && !closed && !parentGone(error)) {
      process.stderr.write(`dask-ts worker: cannot send to the scheduler: ${error.message}\n`);
    }
    if (closeRequested && unsent === 0) finishClose();
  };
  return {
    send(message) {
      if (closed || closeRequested || proc.connected === false) return;
      unsent++;
      send(message, sent);
    },
    listen(e) {
      events = e;
      messageHandler = (raw: unknown) => e.message(raw);
      proc.on('message', messageHandler);
    },
    close() {
      if (!closed && !closeRequested) {
        closeRequested = true;
        if (unsent === 0) finishClose();
      }
      return isClosed;
    },
  };
}

const GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_IPC_CHANNEL_CLOSED', 'ERR_IPC_DISCONNECTED']);

function parentGone(error: Error): boolean {
  return GONE.has(String((error as { code?: unknown }).code));
}
