// A connection between a scheduler and a worker, seen from either side: connect, message,
// disconnect. An endpoint sends its side's messages (buffers handed over where the transport can)
// and can be closed; its owner is told the other side's messages, raw (each receiver validates
// what it gets, never the transport), and, once, that the other side is gone. A worker thread's
// MessagePort, a child process's IPC channel and a socket peer are all endpoints; the scheduler
// shell and the worker runtime are written against these two types alone.

/**
 * One side's handle on a connection: it sends messages of type `Out`.
 *
 * @example
 * const toWorker: Endpoint<ToWorker> = { send: (m) => port.postMessage(m), close: async () => port.close() };
 */
export interface Endpoint<Out> {
  /** Sends a message; `transfer` lists buffers handed over instead of copied (where supported). */
  send(message: Out, transfer?: readonly ArrayBuffer[]): void;
  /** Ends the connection; resolves once it is closed (for a local worker: once it has exited). */
  close(): Promise<void>;
}

/**
 * What an endpoint reports to its owner.
 *
 * @example
 * const events: EndpointEvents = { message: (raw) => handle(raw), disconnect: (why) => console.log(why) };
 */
export interface EndpointEvents {
  /** A raw (not yet validated) message from the other side. */
  message(raw: unknown): void;
  /** The other side is gone; `why` says how (exit code, signal, error). Called once. */
  disconnect(why: string): void;
}
