// Which tasks a worker can still give back when the scheduler steals them for an idle worker.
// A batch of synchronous tasks runs in one loop that no message can interrupt, so a `steal`
// can only arrive while something is awaited: then the tasks not yet started are the rest of the
// batch that waits (after the task it awaits) and the tasks of compute messages queued behind it.
// Those are tracked here only while something is awaited (nothing is tracked on the synchronous
// path). A task given back is skipped when its turn comes: never run, never reported; the answer
// (`stolen`) lists the keys given back, and the scheduler places them elsewhere. The same key may
// be queued more than once (given back, then sent here again): queued and given-back keys are
// counted, so each give-back skips exactly one instance and the one sent last still runs.
import type { Outgoing } from './worker-state.js';
import type { WireTask } from '@dask-ts/protocol/runtime';

/** See the file comment. */
export class Stealable {
  /** Keys of compute messages queued behind an awaited task, counted. */
  private readonly queued = new Map<string, number>();
  /** The batch that awaits, and the position of its first task not started. */
  private batch: readonly WireTask[] | undefined;
  private next = 0;
  /** Keys given back and not reached yet, counted. */
  private readonly given = new Map<string, number>();

  /** A compute message is queued behind an awaited task. */
  wait(keys: readonly string[]): void {
    for (const k of keys) this.queued.set(k, (this.queued.get(k) ?? 0) + 1);
  }

  /** A compute message starts: its tasks are no longer queued. */
  start(keys: readonly string[]): void {
    if (this.queued.size > 0) for (const k of keys) take(this.queued, k);
  }

  /** An awaiting batch is at task `i` (started); undefined `tasks`: no batch awaits. */
  at(tasks: readonly WireTask[] | undefined, i = 0): void {
    this.batch = tasks;
    this.next = i + 1;
  }

  /** Whether `key`'s task was given back (then skipped, once). */
  skip(key: string): boolean {
    return this.given.size > 0 && take(this.given, key);
  }

  /** Gives back what of `keys` has not started; the `stolen` answer. */
  steal(keys: readonly string[]): Outgoing {
    const out: string[] = [];
    for (const k of keys) {
      if (take(this.queued, k)) out.push(k);
      else if (this.batch !== undefined) {
        const i = this.batch.findIndex((t, j) => j >= this.next && t.key === k);
        if (i >= 0) out.push(k);
      }
    }
    for (const k of out) this.given.set(k, (this.given.get(k) ?? 0) + 1);
    return { message: { op: 'stolen', keys: out }, transfer: [] };
  }
}

/** Takes one count of `key` from `counts`; false when it has none. */
function take(counts: Map<string, number>, key: string): boolean {
  const n = counts.get(key);
  if (n === undefined) return false;
  if (n > 1) counts.set(key, n - 1);
  else counts.delete(key);
  return true;
}
