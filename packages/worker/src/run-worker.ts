// The worker's shell: it greets the scheduler with `hello`, validates every incoming message once
// (without zod, which would double a worker's start-up: see checkToWorker; a malformed one is
// refused with a clear line on stderr and never crashes the worker), feeds the
// WorkerState and sends what it produces, in order. A message that structured clone refuses (a
// result that is a generator, a function...) is sent again with a marker, saying why, in place of
// each value it cannot copy (see unsendable.ts): the scheduler fails the compute, never waits.
// It stops on `close` (after sending what was still pending) or when the channel closes.
import {
  checkToWorker,
  enterWorker,
  PROTOCOL_VERSION,
  type FromWorker,
  type ToWorker,
} from '@dask-ts/protocol/runtime';
import type { Transport } from './transport.js';
import { WorkerState, type Outgoing } from './worker-state.js';
import type { SpillOptions } from './held-data.js';
import { sendable } from './unsendable.js';

/**
 * Options of {@link runWorker}.
 *
 * @example
 * const options: RunWorkerOptions = { name: 'thread-0' };
 */
export interface RunWorkerOptions {
  /** The worker's name, sent in `hello` and used in logs. */
  readonly name: string;
  /** The state to drive (a fresh one by default). */
  readonly state?: WorkerState;
  /** Where problems are reported (stderr by default). */
  readonly log?: (line: string) => void;
  /** Spill results to disk past a size (for the fresh state made when `state` is not given). */
  readonly spill?: SpillOptions;
}

/**
 * Runs a worker over a transport until the scheduler sends `close` or the channel closes; the
 * promise resolves then, after the transport is closed.
 *
 * @example
 * import { parentPort } from 'node:worker_threads';
 * await runWorker(messagePortTransport(parentPort!), { name: 'thread-0' });
 */
export function runWorker(
  transport: Transport<FromWorker>,
  options: RunWorkerOptions,
): Promise<void> {
  const { name } = options;
  // The state hands reports over in the order it makes them (see WorkerStateOptions.early).
  const early = (messages: readonly Outgoing[]): void => sendAll(messages);
  const state =
    options.state ??
    new WorkerState(options.spill !== undefined ? { early, spill: options.spill } : { early });
  const log = options.log ?? ((line: string): void => void process.stderr.write(`${line}\n`));
  let stopped = false;
  let stopping = false;
  let outstanding = 0;
  let chain: Promise<void> = Promise.resolve();
  let resolveDone: () => void = () => undefined;
  // Marks this thread as a worker while it runs: tasks that compute run on 'sync' here, and
  // pools refuse to start (no pools nested inside pools; see @dask-ts/protocol's isInsideWorker).
  const leave = enterWorker();
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  }).finally(leave);

  const sendAll = (messages: readonly Outgoing[]): void => {
    for (const { message, transfer } of messages) {
      if (stopped) return;
      try {
        transport.send(message, transfer.length > 0 ? transfer : undefined);
      } catch (err) {
        // A value structured clone refuses: send the message without it, saying why.
        const fixed = sendable(message);
        try {
          if (fixed === undefined) throw err;
          transport.send(fixed);
        } catch (again) {
          log(`dask-ts worker ${name}: cannot send '${message.op}': ${(again as Error).message}`);
        }
      }
    }
  };

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    void transport.close();
    resolveDone();
  };

  const onMessage = (raw: unknown): void => {
    if (stopped || stopping) return;
    let message: ToWorker;
    let handled: ReturnType<WorkerState['handle']>;
    try {
      message = checkToWorker(raw, 'scheduler');
      handled = state.handle(message);
    } catch (err) {
      log(`dask-ts worker ${name}: ignored a message: ${(err as Error).message}`);
      return;
    }
    // A `stolen` answer goes at once, ahead of reports still awaited (it is about other tasks).
    if (outstanding === 0 || message.op === 'steal') {
      sendAll(handled.now);
    } else if (handled.now.length > 0) {
      const now = handled.now;
      chain = chain.then(() => sendAll(now));
    }
    const later = handled.later;
    if (later !== undefined) {
      outstanding++;
      chain = chain
        .then(() => later)
        .then(
          (messages) => sendAll(messages),
          (err: unknown) => log(`dask-ts worker ${name}: internal error: ${String(err)}`),
        )
        .finally(() => {
          outstanding--;
        });
    }
    if (handled.closed) {
      stopping = true;
      if (outstanding === 0) stop();
      else chain = chain.then(stop);
    }
  };

  transport.listen({
    message: onMessage,
    disconnect: () => {
      stopped = true;
      resolveDone();
    },
  });
  transport.send({ op: 'hello', worker: name, version: PROTOCOL_VERSION, pid: process.pid });
  return done;
}
