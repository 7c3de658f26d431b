// Transports: the thin I/O edge between a worker and its scheduler. A transport sends messages
// (transferring buffers where it can), delivers raw incoming messages (they are validated by the
// receiver, never here) and says when the other side went away. Two are built in: a worker_threads
// `MessagePort` (buffers are transferred) and a child process's IPC channel (the parent forks with
// `serialization: 'advanced'`, so typed arrays, Maps and BigInts survive; buffers are copied).
// A send that fails because the other side is gone is not reported: the close says it.
import type { MessagePort } from 'node:worker_threads';

/**
 * A message channel to the other side.
 *
 * @example
 * const t: Transport<string> = messagePortTransport(port);
 * t.onMessage((raw) => console.log(raw));
 * t.send('hello');
 */
export interface Transport<Out = unknown> {
  /** Sends a message; `transfer` lists buffers handed over instead of copied (where supported). */
  send(message: Out, transfer?: readonly ArrayBuffer[]): void;
  /** Sets the handler of incoming (unvalidated) messages. */
  onMessage(handler: (raw: unknown) => void): void;
  /** Sets the handler called once when the channel closes (either side). */
  onClose(handler: () => void): void;
  /** Closes the channel; the handler of `onClose` runs. */
  close(): void;
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
  let closeHandler: (() => void) | undefined;
  const closing = (): void => {
    if (closed) return;
    closed = true;
    closeHandler?.();
  };
  port.on('close', closing);
  return {
    send(message, transfer) {
      if (closed) return;
      port.postMessage(message, transfer as ArrayBuffer[] | undefined);
    },
    onMessage(handler) {
      port.on('message', handler);
    },
    onClose(handler) {
      closeHandler = handler;
    },
    close() {
      port.removeAllListeners('message');
      port.close();
      closing();
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
  let closeHandler: (() => void) | undefined;
  let messageHandler: ((raw: unknown) => void) | undefined;
  const closing = (): void => {
    if (closed) return;
    closed = true;
    if (messageHandler !== undefined) proc.off('message', messageHandler);
    closeHandler?.();
  };
  proc.on('disconnect', closing);
  // Sends not yet written; closing waits for them so the last messages are not lost.
  let unsent = 0;
  let closeRequested = false;
  const finishClose = (): void => {
    if (proc.connected !== false) disconnect();
    closing();
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
    onMessage(handler) {
      messageHandler = handler;
      proc.on('message', handler);
    },
    onClose(handler) {
      closeHandler = handler;
    },
    close() {
      if (closed || closeRequested) return;
      closeRequested = true;
      if (unsent === 0) finishClose();
    },
  };
}

const GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_IPC_CHANNEL_CLOSED', 'ERR_IPC_DISCONNECTED']);

function parentGone(error: Error): boolean {
  return GONE.has(String((error as { code?: unknown }).code));
}
