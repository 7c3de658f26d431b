// Why the tasks that do not run wait, counted by reason for a status page: on their inputs
// (waiting), held back for memory admission (ready roots, admission.ts), parked by their
// restrictions (no live worker matches them, or none that does has room or the resources free:
// restrictions.ts), or ready in the heap because no worker is there, every worker is paused (its
// memory, or a task there waits), or every worker's queue is full. Counted from the queues and
// the state counts, not task by task: O(ready tasks) at most, so a status page may ask often.
import { READY, WAITING } from './task-table.js';
import type { CoreTransitions } from './transitions.js';

/**
 * How many tasks wait, by why (see {@link SchedulerCore.waits}); `example` names one key per
 * reason that has any.
 *
 * @example
 * const w: Waits = { inputs: 12, admission: 40, unmatched: 0, noRoom: 0, noWorkers: 0, paused: 0, busy: 3, example: {} };
 */
export interface Waits {
  /** Waiting on inputs not in memory yet. */
  readonly inputs: number;
  /** Ready roots held back for memory admission (each worker has its share in flight). */
  readonly admission: number;
  /** Ready, but no live worker matches their `workers` restriction. */
  readonly unmatched: number;
  /** Ready, but no worker they may run on has room (or their resources free). */
  readonly noRoom: number;
  /** Ready, with no worker connected. */
  readonly noWorkers: number;
  /** Ready, with every worker paused (short of memory, or a task there waits). */
  readonly paused: number;
  /** Ready, with every worker's queue full. */
  readonly busy: number;
  /** One key per reason above that counts any. */
  readonly example: Readonly<Partial<Record<Exclude<keyof Waits, 'example'>, string>>>;
}

/** The waits of `core` (see the file comment). */
export function waitsOf(core: CoreTransitions): Waits {
  const t = core.t;
  const wt = core.w;
  const example: Partial<Record<Exclude<keyof Waits, 'example'>, string>> = {};
  const first = (why: Exclude<keyof Waits, 'example'>, id: number): void => {
    example[why] ??= t.keys[id];
  };
  let admission = 0;
  for (const id of core.admission.queue.ids())
    if (t.state[id] === READY) {
      admission++;
      first('admission', id);
    }
  let unmatched = 0;
  let noRoom = 0;
  for (const [p, ids] of core.rules.parked) {
    const named = core.rules.named(p, wt);
    for (const id of ids) {
      if (t.state[id] !== READY || t.inHeap[id] === 1) continue;
      if (named) noRoom++;
      else unmatched++;
      first(named ? 'noRoom' : 'unmatched', id);
    }
  }
  let heap = 0;
  for (const id of core.heap.ids())
    if (t.state[id] === READY) {
      if (heap++ === 0) first(readyWhy(core), id);
    }
  const why = readyWhy(core);
  const inputs = t.stateCounts[WAITING];
  if (inputs > 0)
    for (let id = 0; id < t.size; id++)
      if (t.state[id] === WAITING) {
        first('inputs', id);
        break;
      }
  return {
    inputs,
    admission,
    unmatched,
    noRoom,
    noWorkers: why === 'noWorkers' ? heap : 0,
    paused: why === 'paused' ? heap : 0,
    busy: why === 'busy' ? heap : 0,
    example,
  };
}

/** Why a ready task in the heap waits: no workers, all paused, or all full. */
function readyWhy(core: CoreTransitions): 'noWorkers' | 'paused' | 'busy' {
  const wt = core.w;
  if (wt.live.length === 0) return 'noWorkers';
  return wt.live.every((w) => wt.cap[w] === 0) ? 'paused' : 'busy';
}
