// Root-task admission: root tasks (no placement restrictions, and no inputs or only inputs that
// many tasks share: Dask's "rootish" tasks, such as a map over one scattered value) are handed to workers
// at the pace memory allows, not all at once. A worker's ordinary queue holds `slots * queueFactor`
// tasks (16 per slot at least), which is right for microsecond tasks, but a worker runs its queue
// in order: sixteen 8 MiB roots per slot are made before the reductions that would consume them,
// and memory is then bounded only by spilling and pausing. So when roots are large, a worker takes
// a new root only while it has fewer than `ceil(slots * depth)` tasks in flight (roots and the
// tasks placed from the ready heap alike; co-assigned ones are free), and the other ready roots
// wait here, in a priority queue, until a place frees. Reductions that become ready are placed at
// once (the ordinary cap), so they run before the next roots and memory stays low.
//
// `depth` (roots in flight per slot) is the saturation factor (an option, default 1.25: one task
// running and a fraction queued) unless roots are small: it grows to hold ~ROOT_QUEUE_BYTES of root
// outputs per slot (by the sizes of finished roots). Roots are held back only while that depth is
// under PACE_BELOW: above it the ordinary adaptive queue is tighter anyway, so small roots (no-op
// trees, client.map of small results, the zero-worker simulation) keep their batches, however
// slow they run (run times are noisy, and a slow root with a small output costs no memory; work
// stealing balances those). Before any root has finished nothing is known, and roots take the
// ordinary queue (a first compute of small tasks pays nothing); the first reports decide, and
// what was learnt is kept for the core's later computes (the running average, 0.3 per report,
// follows a new workload within some ten reports; until then its roots are paced as the last
// ones were).
// A paused worker (cap 0) takes none. A large root (outputs of SIBLING_BYTES or more) goes where a
// sibling went (another input of one of its small reductions), even past the depth: held-back
// roots would otherwise scatter the inputs of each reduction over the workers as places free, and
// every reduction would copy one of them; smaller ones are spread, for parallelism.
// The decision is a pure function of the core's tables and the reports; no timer is involved.
import type { WorkerTable } from './placement.js';
import { ReadyHeap } from './ready-heap.js';
import { MEMORY, PROCESSING, type TaskTable } from './task-table.js';

/** Default saturation factor: roots in flight per worker slot while roots are held back. */
export const DEFAULT_ROOT_SATURATION = 1.25;
/** Roots in flight per slot hold about this many bytes of outputs (beyond the saturation depth). */
export const ROOT_QUEUE_BYTES = 1 << 20;
/** Roots are held back only while their depth is below this (the ordinary queue's minimum). */
export const PACE_BELOW = 16;
/** Roots join their siblings past the depth only when their outputs are this large (bytes). */
export const SIBLING_BYTES = 1 << 19;
/** Reductions of more inputs than this do not pull a root to its siblings (a wide sum would). */
const SIBLINGS_MAX = 8;

/** A task whose inputs are each read by more than this many tasks may be a root (see isRoot). */
export const SHARED_DEPENDENTS = 8;
/** A task with more inputs than this is never a root. */
const ROOT_INPUTS = 4;

/**
 * Whether task `x` is read by more than SHARED_DEPENDENTS tasks (a fan-out: its dependents are
 * spread over the workers as they become ready, never co-assigned to its worker all at once).
 */
export function sharedWidely(t: TaskTable, x: number): boolean {
  const n = t.dtEnd(x) - t.dtStart[x];
  if (n > SHARED_DEPENDENTS) return true;
  const later = t.laterDependents(x);
  return later !== undefined && n + later.length > SHARED_DEPENDENTS;
}

/**
 * Whether task `id` is a root for admission: no inputs, or at most ROOT_INPUTS inputs that are
 * each shared widely (a map over a scattered value, not a step of a reduction or of a chain,
 * whose input only it reads).
 */
export function isRoot(t: TaskTable, id: number): boolean {
  const n = t.depCount[id];
  if (n === 0) return true;
  if (n > ROOT_INPUTS) return false;
  for (let k = t.depStart[id], e = k + n; k < e; k++) if (!sharedWidely(t, t.deps[k])) return false;
  return true;
}

/**
 * The worker where a sibling of root `id` runs or is held (another input of one of its first
 * dependents with at most SIBLINGS_MAX inputs), or -1.
 */
function siblingWorker(t: TaskTable, id: number): number {
  const dl = t.dependents;
  for (let j = t.dtStart[id], e = Math.min(t.dtEnd(id), t.dtStart[id] + 4); j < e; j++) {
    const d = dl[j];
    if (t.depEnd(d) - t.depStart[d] > SIBLINGS_MAX) continue;
    for (let k = t.depStart[d], ke = t.depEnd(d); k < ke; k++) {
      const x = t.deps[k];
      if (x === id) continue;
      if (t.state[x] === PROCESSING) return t.procWorker[x];
      if (t.state[x] === MEMORY) return t.holder0[x];
    }
  }
  return -1;
}

/** See the file comment. */
export class RootAdmission {
  /**
   * Ready roots held back, by rank. It shares the tasks' `inHeap` flag with the ready heap: a task
   * is in one of the two at most, and a root re-readied while held stays here.
   */
  readonly queue: ReadyHeap;
  /** Mean output size of finished roots (bytes); -1 before any. */
  private rootBytes = -1;
  /** The worker that took the last paced root (runs of roots stay together). */
  private last = -1;
  /** How many more roots the current run may give `last`. */
  private runLeft = 0;

  /** Roots in flight per slot while they are held back (checked by the core's options). */
  saturation = DEFAULT_ROOT_SATURATION;

  constructor(t: TaskTable) {
    this.queue = new ReadyHeap(t);
  }

  /** A root task finished with an output of `nbytes`. */
  rootFinished(nbytes: number): void {
    const b = nbytes > 0 ? nbytes : 0;
    this.rootBytes = this.rootBytes < 0 ? b : this.rootBytes + 0.3 * (b - this.rootBytes);
  }

  /** Roots in flight per slot (see the file comment). */
  depth(): number {
    if (!(this.rootBytes > 0)) return Infinity;
    return Math.max(this.saturation, ROOT_QUEUE_BYTES / this.rootBytes);
  }

  /** Whether roots are held back now (their depth is under PACE_BELOW). */
  paced(): boolean {
    return this.depth() < PACE_BELOW;
  }

  /** Whether live worker `w` may take a root now, at `depth` roots per slot. */
  hasRoom(wt: WorkerTable, w: number, depth: number): boolean {
    const o = wt.occ[w];
    return wt.alive[w] && o < wt.cap[w] && o < Math.max(1, Math.ceil(wt.slots[w] * depth));
  }

  /**
   * The worker to take root `id` at `depth`, with `ready` roots waiting. First, once roots are
   * known to be large (SIBLING_BYTES), where a sibling already went (another input of one of its
   * small reductions, running or held on a worker that takes tasks): it joins it even past the
   * depth, so a reduction's large inputs meet on one worker instead of one being copied. Else
   * the worker that took the last root, while it
   * has room and its run is under an even share of the waiting roots (roots next in rank share
   * reductions, and a handful of coarse roots still spreads over every worker), else the least
   * busy with room; -1 when none has.
   */
  choose(t: TaskTable, wt: WorkerTable, id: number, depth: number, ready: number): number {
    const s = this.rootBytes >= SIBLING_BYTES ? siblingWorker(t, id) : -1;
    if (s >= 0 && wt.alive[s] && wt.occ[s] < wt.cap[s]) return s;
    const r = this.last;
    if (r >= 0 && this.runLeft > 0 && this.hasRoom(wt, r, depth)) {
      this.runLeft--;
      return r;
    }
    let best = -1;
    let bestLoad = Infinity;
    for (const w of wt.live) {
      if (!this.hasRoom(wt, w, depth)) continue;
      const load = wt.occ[w] / wt.slots[w];
      if (load < bestLoad) {
        bestLoad = load;
        best = w;
      }
    }
    this.last = best;
    this.runLeft = Math.ceil(ready / Math.max(1, wt.live.length)) - 1;
    return best;
  }

  /** Whether some live worker may take a root now (for validation). */
  anyRoom(wt: WorkerTable): boolean {
    const depth = this.depth();
    return wt.live.some((w) => this.hasRoom(wt, w, depth));
  }

  /** Forgets what is queued (the core went idle and starts over); what was learnt stays. */
  clear(): void {
    this.queue.clear();
    this.last = -1;
    this.runLeft = 0;
  }
}
