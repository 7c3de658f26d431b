// Per-worker outgoing queue of a pooled shell. Commands of one `handle` turn are appended in
// order and merged with the message before them when they have the same op (one `compute`, one
// `put`, one `release` per run), so a worker gets few, large messages. A `compute` whose inputs
// must first be copied from other workers waits (with everything queued behind it) until those
// values have arrived; they are then sent as one `put` just before it. Task batches are packed as
// they are queued (the `packCompute` layout: each function once, reference-only arguments as flat
// key lists), with no object per task. Entries may carry a callback run when they are actually
// sent (a data node counts as finished only then). What one flush sends goes as one message (a
// `batch` of several): each message between threads has a fixed cost of tens of microseconds.
// A message that cannot be sent (structured clone refuses something in it that the checks before
// a compute could not see) never throws out of a flush: the tasks and data values that cannot be
// copied are found, one by one, and reported through `refused`, and the rest is sent without them.
// If even that fails, the channel itself is broken: `broken` is told (the pool replaces the worker).
// Values fetched from another worker are this thread's own copies, used once: their buffers are
// handed over with the message (`send`'s transfer list), not copied again and left as garbage.
import {
  allRefs,
  type ComputeMessage,
  type PortableFunctionRef,
  type ToWorker,
} from '@dask-ts/protocol';

/**
 * A batch of tasks packed as they are added, in the layout of `packCompute`.
 *
 * @example
 * const p = new TaskPacker();
 * p.add('y', fn, [{ $ref: 'x' }]);
 * worker.send(p.message());
 */
export class TaskPacker {
  private readonly fns: PortableFunctionRef[] = [];
  private readonly fnIds = new Map<PortableFunctionRef, number>();
  private readonly keys: string[] = [];
  private readonly fnIndex: number[] = [];
  private readonly argCount: number[] = [];
  private readonly argKeys: string[] = [];
  private readonly args: unknown[][] = [];
  private want: number[] | undefined;

  /** How many tasks were added. @example p.size; // 0 */
  get size(): number {
    return this.keys.length;
  }

  /**
   * Adds one task; `args` are already encoded for the wire. With `want`, the worker sends the
   * task's value with its `finished` report (a compute wants it).
   *
   * @example
   * p.add('x', fn, [1, 2]);
   */
  add(key: string, fn: PortableFunctionRef, args: readonly unknown[], want = false): void {
    if (want) (this.want ??= []).push(this.keys.length);
    this.keys.push(key);
    let id = this.fnIds.get(fn);
    if (id === undefined) {
      id = this.fns.length;
      this.fns.push(fn);
      this.fnIds.set(fn, id);
    }
    this.fnIndex.push(id);
    if (allRefs(args)) {
      this.argCount.push(args.length);
      for (let j = 0; j < args.length; j++) this.argKeys.push(args[j].$ref);
    } else {
      this.argCount.push(-1);
      this.args.push(args as unknown[]);
    }
  }

  /**
   * The compute message of every task added so far.
   *
   * @example
   * worker.send(p.message());
   */
  message(): ComputeMessage {
    const { fns, keys, fnIndex, argCount, argKeys, args, want } = this;
    if (want === undefined) return { op: 'compute', fns, keys, fnIndex, argCount, argKeys, args };
    return { op: 'compute', fns, keys, fnIndex, argCount, argKeys, args, want };
  }

  /**
   * A packer of the tasks `keep` accepts, in order (its arguments as they were added).
   *
   * @example
   * const sendable = p.filter((key) => key !== 'bad');
   */
  filter(
    keep: (key: string, fn: PortableFunctionRef, args: readonly unknown[]) => boolean,
  ): TaskPacker {
    const out = new TaskPacker();
    let a = 0;
    let r = 0;
    let w = 0;
    const want = this.want ?? [];
    for (let i = 0; i < this.keys.length; i++) {
      const n = this.argCount[i];
      let args: readonly unknown[];
      if (n < 0) args = this.args[a++]!;
      else {
        args = this.argKeys.slice(r, r + n).map(($ref) => ({ $ref }));
        r += n;
      }
      const fn = this.fns[this.fnIndex[i]];
      const wanted = want[w] === i;
      if (wanted) w++;
      if (keep(this.keys[i], fn, args)) out.add(this.keys[i], fn, args, wanted);
    }
    return out;
  }
}

/** Whether every argument is a `{ $ref }` (packed as a flat key list): the protocol's `allRefs`. */
export const refsOnly: (args: readonly unknown[]) => boolean = allRefs;

type Entry =
  | {
      op: 'compute';
      tasks: TaskPacker;
      waiting: number;
      fetchedKeys: string[];
      fetchedValues: unknown[];
    }
  | { op: 'put'; keys: string[]; values: unknown[]; onSent: ((() => void) | undefined)[] }
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

  /**
   * @param send sends one message to the worker (it may throw when the message cannot be copied)
   * @param refused told of the tasks and data values a message could not carry, and why; they
   *   were not sent (nor were data values' `onSent` run)
   * @param broken told when a message cannot be sent even without them (nothing was sent)
   */
  constructor(
    private readonly send: (message: ToWorker, transfer?: ArrayBuffer[]) => void,
    private readonly refused: (keys: readonly string[], error: Error) => void = () => undefined,
    private readonly broken: (error: Error) => void = () => undefined,
  ) {}

  /** Whether nothing is queued. */
  get empty(): boolean {
    return this.queue.length === 0;
  }

  /**
   * Queues a batch of tasks to run (merged with a compute queued just before); `waitFor` fetches
   * must complete ({@link Outbox.fetched}) first. Add the tasks to the returned packer.
   */
  compute(waitFor = 0): { readonly ticket: ComputeTicket; readonly tasks: TaskPacker } {
    const tail = this.queue[this.queue.length - 1];
    let entry: Extract<Entry, { op: 'compute' }>;
    if (tail !== undefined && tail.op === 'compute') {
      entry = tail;
      entry.waiting += waitFor;
    } else {
      entry = {
        op: 'compute',
        tasks: new TaskPacker(),
        waiting: waitFor,
        fetchedKeys: [],
        fetchedValues: [],
      };
      this.queue.push(entry);
    }
    return { ticket: entry, tasks: entry.tasks };
  }

  /** Queues values (codec payloads) to hold; `onSent` runs when the message is sent. */
  put(key: string, value: unknown, onSent?: () => void): void {
    const tail = this.queue[this.queue.length - 1];
    if (tail !== undefined && tail.op === 'put') {
      tail.keys.push(key);
      tail.values.push(value);
      tail.onSent.push(onSent);
    } else {
      this.queue.push({ op: 'put', keys: [key], values: [value], onSent: [onSent] });
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
      entry.fetchedKeys.push(keys[i]);
      entry.fetchedValues.push(values[i]);
    }
    entry.waiting--;
  }

  /**
   * Sends every entry up to the first compute still waiting for its inputs, as one message (a
   * `batch` when there are several).
   */
  flush(): void {
    const parts: Part[] = [];
    const transfer = new Set<ArrayBuffer>();
    let i = 0;
    for (; i < this.queue.length; i++) {
      const e = this.queue[i];
      if (e.op === 'compute') {
        if (e.waiting > 0) break;
        if (e.fetchedKeys.length > 0) {
          parts.push({ op: 'put', keys: e.fetchedKeys, values: e.fetchedValues, onSent: [] });
          buffersOf(e.fetchedValues, transfer, 0);
        }
        if (e.tasks.size > 0) parts.push({ op: 'compute', tasks: e.tasks });
      } else {
        parts.push(e);
      }
    }
    if (i > 0) this.queue.splice(0, i);
    const message = wire(parts);
    if (message === undefined) return;
    try {
      this.send(message, [...transfer]);
    } catch (err) {
      this.resend(parts, err);
    }
    for (const p of parts) if (p.op === 'put') for (const f of p.onSent) f?.();
  }

  /**
   * The message of `parts` could not be sent: drop what cannot be copied (reported through
   * `refused`), then send the rest; if that fails too, the channel is `broken`.
   */
  private resend(parts: Part[], err: unknown): void {
    for (let j = 0; j < parts.length; j++) {
      const p = parts[j];
      if (p.op === 'compute') {
        parts[j] = {
          op: 'compute',
          tasks: p.tasks.filter((key, fn, args) => {
            const why = uncopyable([fn, args]);
            if (why !== undefined) this.refused([key], why);
            return why === undefined;
          }),
        };
      } else if (p.op === 'put') {
        const kept: Extract<Part, { op: 'put' }> = { op: 'put', keys: [], values: [], onSent: [] };
        for (let k = 0; k < p.keys.length; k++) {
          const why = uncopyable(p.values[k]);
          if (why !== undefined) this.refused([p.keys[k]], why);
          else {
            kept.keys.push(p.keys[k]);
            kept.values.push(p.values[k]);
            kept.onSent.push(p.onSent[k]);
          }
        }
        parts[j] = kept;
      }
    }
    try {
      const message = wire(parts);
      if (message !== undefined) this.send(message);
    } catch (again) {
      for (const p of parts) if (p.op === 'put') p.onSent.length = 0;
      this.broken(again instanceof Error ? again : new Error(String(err)));
    }
  }

  /** Drops everything queued (the worker is gone). */
  clear(): void {
    this.queue.length = 0;
  }
}

/** What one flush sends: the entries, with computes as packers (so tasks can be dropped). */
type Part =
  | { op: 'compute'; tasks: TaskPacker }
  | Extract<Entry, { op: 'put' }>
  | Extract<Entry, { op: 'release' }>;

/** The one message that carries `parts` (a `batch` when there are several). */
function wire(parts: readonly Part[]): ToWorker | undefined {
  const out: Exclude<ToWorker, { op: 'batch' }>[] = [];
  for (const p of parts) {
    if (p.op === 'compute') {
      if (p.tasks.size > 0) out.push(p.tasks.message());
    } else if (p.op === 'put') {
      if (p.keys.length > 0) out.push({ op: 'put', keys: p.keys, values: p.values });
    } else out.push({ op: 'release', keys: p.keys });
  }
  if (out.length === 0) return undefined;
  return out.length === 1 ? out[0] : { op: 'batch', messages: out };
}

/** Why structured clone cannot copy `value` (only on the failure path: it copies it). */
function uncopyable(value: unknown): Error | undefined {
  try {
    structuredClone(value);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * A handle on a queued compute that waits for fetched inputs.
 *
 * @example
 * const { ticket, tasks } = box.compute(1);
 * box.fetched(ticket, ['x'], [payload]);
 */
export type ComputeTicket = object;

/**
 * Adds the buffers of the typed arrays in fetched payloads to `out` (not shared ones). The walk is
 * shallow and skips long arrays (a bag's records), so it costs little whatever the values.
 */
function buffersOf(value: unknown, out: Set<ArrayBuffer>, depth: number): void {
  if (typeof value !== 'object' || value === null || depth > 6) return;
  if (ArrayBuffer.isView(value)) {
    const b = value.buffer;
    if (Object.prototype.toString.call(b) === '[object ArrayBuffer]') out.add(b as ArrayBuffer);
  } else if (Array.isArray(value)) {
    if (depth === 0 || value.length <= 64) for (const v of value) buffersOf(v, out, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const k in value) buffersOf((value as Record<string, unknown>)[k], out, depth + 1);
  }
}
