// Per-worker outgoing queue of a pooled shell. Commands of one `handle` turn are appended in
// order and merged with the message before them when they have the same op (one `compute`, one
// `put`, one `release` per run), so a worker gets few, large messages. A `compute` whose inputs
// must first be copied from other workers waits (with everything queued behind it) until those
// values have arrived; they are then sent as one `put` just before it. Task batches travel packed
// (`packCompute`: each function once, reference-only arguments as flat key lists). Entries may carry a
// callback run when they are actually sent (a data node counts as finished only then).
import { packCompute, type ToWorker, type WireTask } from '@dask-ts/protocol';

type Entry =
  | {
      op: 'compute';
      tasks: WireTask[];
      waiting: number;
      fetchedKeys: string[];
      fetchedValues: unknown[];
    }
  | { op: 'put'; keys: string[]; values: unknown[]; onSent: (() => void)[] }
  | { op: 'release'; keys: string[] };

/**
 * The ordered, batching queue of messages to one worker.
 *
 * @example
 * const box = new Outbox((msg) => worker.send(msg));
 * box.release(['x']);
 * box.flush();
 */
export class Outbox {
  private readonly queue: Entry[] = [];

  constructor(private readonly send: (message: ToWorker) => void) {}

  /** Whether nothing is queued. */
  get empty(): boolean {
    return this.queue.length === 0;
  }

  /** Queues tasks to run; `waitFor` fetches must complete ({@link Outbox.fetched}) first. */
  compute(tasks: readonly WireTask[], waitFor = 0): ComputeTicket {
    const tail = this.queue[this.queue.length - 1];
    let entry: Extract<Entry, { op: 'compute' }>;
    if (tail !== undefined && tail.op === 'compute') {
      entry = tail;
      for (const t of tasks) entry.tasks.push(t);
      entry.waiting += waitFor;
    } else {
      entry = {
        op: 'compute',
        tasks: [...tasks],
        waiting: waitFor,
        fetchedKeys: [],
        fetchedValues: [],
      };
      this.queue.push(entry);
    }
    return entry;
  }

  /** Queues values (codec payloads) to hold; `onSent` runs when the message is sent. */
  put(key: string, value: unknown, onSent?: () => void): void {
    const tail = this.queue[this.queue.length - 1];
    if (tail !== undefined && tail.op === 'put') {
      tail.keys.push(key);
      tail.values.push(value);
      if (onSent !== undefined) tail.onSent.push(onSent);
    } else {
      this.queue.push({ op: 'put', keys: [key], values: [value], onSent: onSent ? [onSent] : [] });
    }
  }

  /** Queues keys to forget. */
  release(keys: readonly string[]): void {
    const tail = this.queue[this.queue.length - 1];
    if (tail !== undefined && tail.op === 'release') for (const k of keys) tail.keys.push(k);
    else this.queue.push({ op: 'release', keys: [...keys] });
  }

  /** Records fetched inputs for a waiting compute (`keys` may be fewer than asked when lost). */
  fetched(ticket: ComputeTicket, keys: readonly string[], values: readonly unknown[]): void {
    const entry = ticket as Extract<Entry, { op: 'compute' }>;
    for (let i = 0; i < keys.length; i++) {
      entry.fetchedKeys.push(keys[i]!);
      entry.fetchedValues.push(values[i]);
    }
    entry.waiting--;
  }

  /** Sends every entry up to the first compute still waiting for its inputs. */
  flush(): void {
    let i = 0;
    for (; i < this.queue.length; i++) {
      const e = this.queue[i]!;
      if (e.op === 'compute') {
        if (e.waiting > 0) break;
        if (e.fetchedKeys.length > 0) {
          this.send({ op: 'put', keys: e.fetchedKeys, values: e.fetchedValues });
        }
        this.send(packCompute(e.tasks));
      } else if (e.op === 'put') {
        this.send({ op: 'put', keys: e.keys, values: e.values });
        for (const f of e.onSent) f();
      } else {
        this.send({ op: 'release', keys: e.keys });
      }
    }
    if (i > 0) this.queue.splice(0, i);
  }

  /** Drops everything queued (the worker is gone). */
  clear(): void {
    this.queue.length = 0;
  }
}

/**
 * A handle on a queued compute that waits for fetched inputs.
 *
 * @example
 * const ticket = box.compute(tasks, 1);
 * box.fetched(ticket, ['x'], [payload]);
 */
export type ComputeTicket = object;
