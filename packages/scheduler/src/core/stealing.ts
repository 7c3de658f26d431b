// Work stealing. A worker is sent more tasks than it runs at once (its queue, up to its cap), so a
// slow task can leave tasks waiting behind it while another worker sits idle. After each `handle`
// call the core looks for that: an idle worker (nothing in flight, not paused) while another has
// more tasks in flight than slots, and enough queued work there to be worth a round trip: at
// least STEAL_MIN_MS by the mean run time the worker reports (or any, before its first report:
// it may be stuck on its very first task). It then asks the busy worker (a `steal` command) to
// give back the tasks at the end of its queue that are cheap to move: not co-assigned, with at
// most STEAL_MAX_BYTES of inputs held by it alone, and allowed on the idle worker by their
// restrictions. The tasks co-assigned there that read such a task (a chain: read a block, then
// write it) have not started, as they wait for it: they come back with it (at most CHAIN_MAX).
// Nothing moves until the worker answers (a `stolen` event): it gives back only tasks it has not
// started, and those go back to the ready heap, where the idle worker takes them (placed there
// while it has room, not back with their inputs' holder, the busy worker); the rest it runs and
// reports as usual. So no task runs twice, and a report can never come for a task the core placed
// elsewhere. One request per worker is out at a time; a worker that is lost answers nothing (its
// tasks are recomputed as usual). The decision (`planSteals`) is a pure function of the core's
// tables; no timer is involved: it runs on the core's own events (a task finished, a worker
// joined or became idle).
import type { Placement } from '@dask-ts/protocol';
import type { WorkerId } from './events.js';
import type { WorkerTable } from './placement.js';
import { placementOf, restricts, type Restrictions } from './restrictions.js';
import type { RunQueues } from './run-queues.js';
import { CoreRetries } from './retries.js';
import * as S from './story.js';
import { MEMORY, ORPHAN, PROCESSING, RELEASED, type TaskTable } from './task-table.js';

/** Inputs held only by the busy worker above this many bytes pin a task there. */
export const STEAL_MAX_BYTES = 1 << 20;
/** The most tasks (a task and the readers co-assigned after it) one give-back moves. */
export const CHAIN_MAX = 16;
/** A busy worker's queued work (ms, by its mean run time) below this is not worth stealing. */
export const STEAL_MIN_MS = 2;

/** One steal request: give back `ids` from `victim`, for `thief`. */
export interface StealMove {
  readonly victim: number;
  readonly thief: number;
  readonly ids: readonly number[];
}

/**
 * The steal requests to make now (see the file comment); `asked` holds the workers with a request
 * out already.
 */
export function planSteals(
  t: TaskTable,
  wt: WorkerTable,
  runs: RunQueues,
  rules: Restrictions,
  asked: ReadonlyMap<number, readonly string[]>,
  meanMs: (w: number) => number,
): StealMove[] {
  const thieves = wt.live.filter((w) => wt.occ[w] === 0 && wt.cap[w] > 0);
  if (thieves.length === 0) return [];
  const victims = wt.live
    .filter((v) => {
      if (asked.has(v) || wt.occ[v] <= wt.slots[v]) return false;
      const mean = meanMs(v);
      return mean === 0 || (wt.occ[v] - wt.slots[v]) * mean >= STEAL_MIN_MS;
    })
    .sort(
      (a, b) => (wt.occ[b] - wt.slots[b]) / wt.slots[b] - (wt.occ[a] - wt.slots[a]) / wt.slots[a],
    );
  const moves: StealMove[] = [];
  for (let i = 0; i < thieves.length && i < victims.length; i++) {
    const thief = thieves[i];
    const v = victims[i];
    const queue = runs.pending(t, v);
    const excess = wt.occ[v] - wt.slots[v];
    const want = Math.min(Math.max(1, Math.floor(excess / 2)), wt.cap[thief]);
    const ids: number[] = [];
    // From the end of the queue: what would run last there; the first `slots` entries run now.
    for (let j = queue.length - 1; j >= wt.slots[v] && ids.length < want; j--) {
      const chain = movable(t, wt, rules, queue[j], v, thief);
      if (chain !== undefined && !chain.some((c) => ids.includes(c))) ids.push(...chain);
    }
    if (ids.length > 0) moves.push({ victim: v, thief, ids });
  }
  return moves;
}

/**
 * The tasks to ask back for queued task `id` (undefined: it stays on `v`; see the file comment):
 * it, then the tasks co-assigned after it on `v` that read it (transitively). Those have not
 * started (they wait for it), so the worker gives them back with it and they are placed again once
 * it has run on the thief. A chain of coarse tasks (read a block, then write it) would otherwise
 * pin every block queued on `v`.
 */
function movable(
  t: TaskTable,
  wt: WorkerTable,
  rules: Restrictions,
  id: number,
  v: number,
  thief: number,
): number[] | undefined {
  if (t.state[id] !== PROCESSING || t.coAssigned[id] === 1 || !fitsThief(t, wt, rules, id, thief))
    return undefined;
  const chain = [id];
  for (let i = 0; i < chain.length; i++) {
    let ok = true;
    t.forEachDependent(chain[i], (d) => {
      if (!ok || chain.includes(d)) return;
      if ((t.state[d] === PROCESSING || t.state[d] === ORPHAN) && t.procWorker[d] === v) {
        // A reader restricted to its worker would only be sent back to `v` afterwards.
        if (chain.length >= CHAIN_MAX || restricts(placementOf(t, d))) ok = false;
        else chain.push(d);
      }
    });
    if (!ok) return undefined;
  }
  // Inputs held only by `v` (outside the chain) would have to travel to the thief.
  let pinned = 0;
  for (const c of chain)
    t.forEachDependency(c, (d) => {
      if (t.state[d] === MEMORY && t.holders(d).every((h) => h === v)) pinned += t.nbytes[d];
    });
  return pinned <= STEAL_MAX_BYTES ? chain : undefined;
}

/** Whether `id`'s restrictions allow it on `thief`. */
function fitsThief(
  t: TaskTable,
  wt: WorkerTable,
  rules: Restrictions,
  id: number,
  thief: number,
): boolean {
  const p: Placement | undefined = placementOf(t, id);
  if (!restricts(p)) return true;
  const others = p.allowOtherWorkers === true && !rules.named(p, wt);
  // Its resources are held on v until it is given back: the thief needs them free itself.
  return rules.fits(p, thief, wt.names[thief], others);
}

/** See the file comment. */
export abstract class CoreStealing extends CoreRetries {
  /** @internal Whether the core steals (its shell's workers can give tasks back). */
  protected stealing = false;
  /** @internal Workers with a steal request out, and the tasks asked back. */
  readonly asked = new Map<number, readonly string[]>();
  /** @internal Workers with a steal request out, and the idle worker it was made for. */
  private readonly askedFor = new Map<number, number>();

  /** @internal Worker `w`'s mean run time per task (ms) from its reports; 0 before any. */
  protected abstract meanRunMs(w: number): number;

  /** @internal Makes the steal requests `planSteals` decides on (after placing ready tasks). */
  protected steal(): void {
    if (!this.stealing || this.w.live.length < 2) return;
    const moves = planSteals(this.t, this.w, this.runs, this.rules, this.asked, (w) =>
      this.meanRunMs(w),
    );
    for (const m of moves) {
      const note = this.log.note(
        `asked back from ${this.w.names[m.victim]} (idle: ${this.w.names[m.thief]})`,
      );
      const keys: string[] = [];
      for (const id of m.ids) {
        this.log.add(id, PROCESSING, PROCESSING, S.C_STOLEN, note);
        keys.push(this.t.keys[id]);
      }
      this.asked.set(m.victim, keys);
      this.askedFor.set(m.victim, m.thief);
      this.out.steal(this.w.names[m.victim], keys);
    }
  }

  /** @internal Worker `worker` gave back `keys` of its steal request (it had not started them). */
  protected onStolen(worker: WorkerId, keys: readonly string[]): void {
    const v = this.w.index.get(worker);
    if (v === undefined)
      throw new Error(`Impossible event: stolen from ${worker}, a worker never added`);
    const asked = this.asked.get(v);
    const thief = this.askedFor.get(v);
    this.asked.delete(v);
    this.askedFor.delete(v);
    if (!this.w.alive[v]) return;
    const t = this.t;
    const note = this.log.note(`given back by ${worker}`);
    for (const key of keys) {
      const id = t.index.get(key);
      if (id === undefined || asked === undefined || !asked.includes(key))
        throw new Error(`Impossible event: ${worker} gave back ${key}, which it was not asked for`);
      const s = t.state[id];
      if ((s === PROCESSING || s === ORPHAN) && t.procWorker[id] === v) {
        // The tasks co-assigned after it there that read it (asked for with it, or co-assigned
        // since) are taken back too: their runs there err for want of it, and are ignored.
        const readers = this.coAssignedReaders(id, v);
        // The inputs copied to v for it stay there, unknown to the core, unless dropped now.
        const copied = this.copiedTo(id, v);
        this.stopRun(id, v);
        this.transition(id, RELEASED, S.C_STOLEN, note);
        if (s === PROCESSING && this.needed(id)) {
          if (thief !== undefined) this.stolenFor.set(id, thief);
          this.activate(id, false, S.C_STOLEN, note, null);
        }
        for (const d of readers) {
          const sd = t.state[d];
          this.transition(d, RELEASED, S.C_STOLEN, note);
          if (sd === PROCESSING && this.needed(d)) this.activate(d, false, S.C_NEEDED, id, null);
        }
        this.dropStale(id, v, true, copied);
      } else this.givenBackStale(id, v);
    }
  }

  /** @internal `v` gave back a run of `id` the core had taken back already: it will never report it. */
  private givenBackStale(id: number, v: number): void {
    const runs = this.t.staleRuns.get(id);
    const i = runs === undefined ? -1 : runs.findIndex((r) => r.w === v);
    if (runs === undefined || i < 0) return;
    const run = runs[i];
    runs.splice(i, 1);
    if (runs.length === 0) this.t.staleRuns.delete(id);
    this.dropStale(id, v, true, run.fetched);
  }
}
