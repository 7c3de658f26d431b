// Simulated workers: the scheduler alone, with no worker processes, threads or sockets. Each
// simulated worker is an endpoint of the scheduler's shell that answers at once: it says hello
// when connected, reports every task it is sent as finished (0 bytes, value `null`), answers a
// gather with `null` for each key, and ignores `put` and `release`. What remains is the
// scheduler's own cost per task (its core, its turn loop, packing batches, checking the answers),
// measured with many workers and no network; a compute's values are all `null`. Answers go back
// on a microtask, never inside the shell's own send. Reachable as `startScheduler({
// simulatedWorkers })` (and `dask-ts scheduler --simulated-workers N`); the `dist-scheduler` bench
// uses it.
import { PROTOCOL_VERSION, type ToWorker } from '@dask-ts/protocol';
import type { SchedulerShell, WorkerEndpoint } from '@dask-ts/scheduler';

/** How many simulated workers one scheduler may have. */
export const MAX_SIMULATED_WORKERS = 1_000_000;

type Shell = Pick<SchedulerShell, 'connect' | 'message'>;

/** The answers to one message (several in a batch). */
function answer(message: ToWorker, out: object[]): void {
  switch (message.op) {
    case 'batch':
      for (const part of message.messages) answer(part, out);
      return;
    case 'compute': {
      const keys = message.keys;
      const want = message.want;
      out.push({
        op: 'finished',
        keys,
        nbytes: new Array<number>(keys.length).fill(0),
        ms: 0,
        ...(want !== undefined && want.length > 0
          ? {
              valueKeys: want.map((i) => keys[i]),
              values: new Array<null>(want.length).fill(null),
            }
          : {}),
      });
      return;
    }
    case 'gather':
      out.push({
        op: 'gathered',
        id: message.id,
        keys: message.keys,
        values: new Array<null>(message.keys.length).fill(null),
        missing: [],
      });
      return;
    default:
      // put, release, close: nothing to say.
      return;
  }
}

/**
 * Throws a TypeError naming `simulatedWorkers` unless `count` is a valid number of them.
 *
 * @example
 * checkSimulatedWorkers(1000);
 */
export function checkSimulatedWorkers(count: unknown): asserts count is number {
  if (
    !Number.isInteger(count) ||
    (count as number) < 0 ||
    (count as number) > MAX_SIMULATED_WORKERS
  ) {
    throw new TypeError(
      `simulatedWorkers must be an integer from 0 to ${MAX_SIMULATED_WORKERS}, got ${String(count)}`,
    );
  }
}

/**
 * Connects `count` simulated workers (named `sim-0`, `sim-1`...) to `shell` (see the file comment).
 *
 * @example
 * simulateWorkers(server.scheduler, 1000);
 */
export function simulateWorkers(shell: Shell, count: number, firstId = 1): void {
  checkSimulatedWorkers(count);
  for (let i = 0; i < count; i++) {
    const name = `sim-${i}`;
    let closed = false;
    const endpoint: WorkerEndpoint = {
      name,
      id: firstId + i,
      send: (message: ToWorker) => {
        if (closed) return;
        const out: object[] = [];
        answer(message, out);
        if (out.length > 0)
          queueMicrotask(() => {
            for (const m of out) shell.message(name, m);
          });
      },
      ref: () => undefined,
      unref: () => undefined,
      close: () => {
        closed = true;
        return Promise.resolve();
      },
    };
    shell.connect(endpoint);
    shell.message(name, { op: 'hello', worker: name, version: PROTOCOL_VERSION, pid: process.pid });
  }
}
