// Workers as the scheduler shell sees them: a named endpoint that sends wire messages, can be
// ref'd/unref'd (an idle pool must not keep a script alive) and closed; its owner reports its raw
// incoming messages and its departure to the shell. One member of a local pool, whatever it runs
// in, is such an endpoint (closing it stops it): threads and processes implement it (threads.ts,
// processes.ts); tests may spawn fakes.
import type { Endpoint, EndpointEvents, ToWorker } from '@dask-ts/protocol';

/**
 * What a spawned worker reports to its pool: protocol's endpoint events.
 *
 * @example
 * const events: PoolWorkerEvents = { message: (raw) => {}, disconnect: (why) => console.log(why) };
 */
export type PoolWorkerEvents = EndpointEvents;

/**
 * A connected worker, as the scheduler shell drives it.
 *
 * @example
 * const endpoint: WorkerEndpoint = { ...worker, close: () => worker.kill() };
 */
export interface WorkerEndpoint extends Endpoint<ToWorker> {
  readonly name: string;
  /** The worker node it belongs to, when it is one thread of several (restrictions name either). */
  readonly group?: string;
  /** Abstract resources its node has (`{ GPU: 2 }`), shared by the node's threads. */
  readonly resources?: Readonly<Record<string, number>>;
  /** The process id (for a process) or thread id (for a thread). */
  readonly id: number;
  /** Keeps the event loop alive while the worker has work. */
  ref(): void;
  /** Lets the script exit while the worker is idle. */
  unref(): void;
}

/**
 * A running worker of a pool.
 *
 * @example
 * worker.send({ op: 'release', keys: ['x'] });
 */
export interface PoolWorker {
  readonly name: string;
  /** The process id (for a process) or thread id (for a thread). */
  readonly id: number;
  /** Sends a message; `transfer` lists buffers to hand over (threads only). */
  send(message: ToWorker, transfer?: readonly ArrayBuffer[]): void;
  /** Keeps the event loop alive while the worker has work. */
  ref(): void;
  /** Lets the script exit while the worker is idle. */
  unref(): void;
  /** Stops the worker abruptly; resolves once it has exited. */
  kill(): Promise<void>;
}

/**
 * Starts a worker named `name`.
 *
 * @example
 * const spawn: SpawnWorker = (name, events) => spawnThread(name, events);
 */
export type SpawnWorker = (name: string, events: PoolWorkerEvents) => PoolWorker;
