// Carrying out the core's `compute` command for one worker. Data nodes are put in the worker's
// outbox as values (finished once sent); tasks are packed into one `compute` message, their
// reference-only arguments as key lists and the rest encoded by the codecs; dependencies held by
// other workers are asked for with one `gather` per holder, and the outbox sends the message once
// every answer is in (see outbox.ts). A value the codecs cannot encode fails its own task with an
// `erred` naming the key and why; the other tasks of the command go on.
import { encodeValue, sizeOf, type PortableFunctionRef } from '@dask-ts/protocol';
import type { CoreCommand, CoreEvent, SchedulerCore } from './core/index.js';
import type { Member } from './cluster-records.js';
import type { ComputeTicket } from './outbox.js';
import { refsOnly } from './outbox.js';

/**
 * What `sendCompute` needs from the pool.
 *
 * @example
 * const host: SendHost = { members, emit, countDone, schedule, gather };
 */
export interface SendHost {
  readonly members: ReadonlyMap<string, Member>;
  emit(event: CoreEvent): void;
  /** Counts `keys` as done for progress. */
  countDone(keys: readonly string[]): void;
  /** Makes sure a turn runs soon. */
  schedule(): void;
  /**
   * Asks worker `from` for `keys`, which worker `target` needs for its compute `ticket`; false
   * when `from` is gone.
   */
  gather(from: string, target: string, ticket: ComputeTicket, keys: string[]): boolean;
}

/**
 * Sends worker `cmd.worker` its tasks and data (see the file comment).
 *
 * @example
 * sendCompute(host, cmd);
 */
export function sendCompute(host: SendHost, cmd: Extract<CoreCommand, { type: 'compute' }>): void {
  const name = cmd.worker;
  const m = host.members.get(name);
  if (m === undefined) return;
  const { keys, nodes } = cmd;
  let tasks = 0;
  for (let i = 0; i < keys.length; i++) {
    const node = nodes[i];
    if (node.kind === 'data') {
      // Data nodes have no inputs: held before this turn's tasks, finished once sent.
      const key = keys[i];
      const payload = encodeFor(host, name, key, node.value, 'Data');
      if (payload === FAILED) continue;
      m.outbox.put(key, payload, () =>
        host.emit({ type: 'finished', key, worker: name, nbytes: sizeOf(node.value) }),
      );
      host.countDone([key]);
      continue;
    }
    tasks++;
  }
  if (tasks === 0) return;
  const fetchFrom = new Map<string, string[]>();
  for (const [dep, from] of cmd.fetch) {
    let list = fetchFrom.get(from);
    if (list === undefined) fetchFrom.set(from, (list = []));
    list.push(dep);
  }
  const { ticket } = m.outbox.compute(fetchFrom.size);
  let packer = m.outbox.compute().tasks;
  const want = cmd.want;
  let w = 0;
  for (let i = 0; i < keys.length; i++) {
    const wanted = want !== undefined && want[w] === i;
    if (wanted) w++;
    const node = nodes[i];
    if (node.kind === 'data') continue;
    // Reference-only arguments need no encoding (the packer sends them as a key list).
    const a = node.args;
    const args = a.length === 0 || refsOnly(a) ? a : encodeFor(host, name, keys[i], a, 'Task');
    if (args === FAILED) continue;
    packer.add(keys[i], node.fn as PortableFunctionRef, args as unknown[], wanted);
    if (packer.size >= CHUNK && fetchFrom.size === 0) {
      // A long batch goes out in parts, so the worker starts on the first while the rest is packed.
      m.outbox.flush();
      packer = m.outbox.compute().tasks;
    }
  }
  for (const [from, fromKeys] of fetchFrom) {
    if (!host.gather(from, name, ticket, fromKeys)) m.outbox.fetched(ticket, [], []);
  }
  host.schedule();
}

/** Tasks of one command packed before they are sent (when no input must be fetched first). */
const CHUNK = 2048;

/** What `encodeFor` returns when a value cannot be encoded. */
const FAILED: unique symbol = Symbol('failed');

/**
 * The wire payload of `value` (a data node's value or a task's arguments) for worker `name`, or
 * FAILED when its codecs cannot encode it: its task then fails (an `erred`), naming it.
 */
function encodeFor(
  host: SendHost,
  name: string,
  key: string,
  value: unknown,
  noun: 'Data' | 'Task',
): unknown {
  try {
    return encodeValue(value).payload;
  } catch (err) {
    const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const hint = err instanceof RangeError ? ' (a value nested this deeply cannot be encoded)' : '';
    const part = noun === 'Data' ? 'its value' : 'its arguments';
    host.emit({
      type: 'erred',
      key,
      worker: name,
      error: {
        name: 'DataCloneError',
        message: `${noun} ${key} cannot be sent to a worker: ${part} could not be encoded: ${why}${hint}`,
      },
    });
    return FAILED;
  }
}

/**
 * The `erred` events for tasks that worker `name` could not be sent (structured clone refused
 * their arguments or data): each names the key and why. A key no longer processing there is only
 * logged.
 *
 * @example
 * for (const e of unsendableEvents(core, 'thread-0', ['y'], err, log)) emit(e);
 */
export function unsendableEvents(
  core: Pick<SchedulerCore, 'state'>,
  name: string,
  keys: readonly string[],
  error: Error,
  log: (line: string) => void,
): CoreEvent[] {
  const events: CoreEvent[] = [];
  for (const key of keys) {
    const s = core.state(key);
    if (s?.state !== 'processing' || s.worker !== name) {
      log(`could not send ${key} to ${name}: ${error.message}`);
      continue;
    }
    events.push({
      type: 'erred',
      key,
      worker: name,
      error: {
        name: 'DataCloneError',
        message: `Task ${key} cannot be sent to worker ${name}: ${error.message}`,
      },
    });
  }
  return events;
}
