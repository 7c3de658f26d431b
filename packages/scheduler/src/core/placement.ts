// Workers and placement. Each worker takes at most `slots * queueFactor` tasks in flight (sent and
// not yet finished), so the ready heap, not the workers' queues, decides what runs next and root
// tasks are admitted only as fast as workers drain them (bounded memory). A ready task goes to the
// live worker holding most of its input bytes when that worker has room; otherwise to the least
// busy worker (lowest in-flight / slots) with room; with no room anywhere it waits in the heap.
// Root tasks (no inputs) go to one worker in contiguous runs in priority order (whole branches,
// which co-assignment then keeps on that worker). A run is at most the worker's room and at most an
// even share of the ready roots, so a handful of coarse roots (say 17 file blocks) is still spread
// over every worker instead of filling the first one.
import type { TaskTable } from './task-table.js';

/** The workers a core knows (removed ones stay, marked dead, so stale events can be recognized). */
export class WorkerTable {
  readonly names: string[] = [];
  readonly index = new Map<string, number>();
  slots: number[] = [];
  cap: number[] = [];
  occ: number[] = [];
  alive: boolean[] = [];
  /** Live worker indices. */
  live: number[] = [];
  /** Live workers with room (occ < cap). */
  freeCount = 0;
  /** The worker that took the last root task, and how many more roots its current run may take. */
  private lastRoot = -1;
  private rootRunLeft = 0;
  private score = new Float64Array(16);
  private readonly touched: number[] = [];

  add(name: string, slots: number, queueFactor: number): number {
    const w = this.names.length;
    this.names.push(name);
    this.index.set(name, w);
    this.slots.push(slots);
    this.cap.push(Math.max(1, Math.round(slots * queueFactor)));
    this.occ.push(0);
    this.alive.push(true);
    this.live.push(w);
    this.freeCount++;
    if (this.score.length < this.names.length) this.score = new Float64Array(this.names.length * 2);
    return w;
  }

  remove(w: number): void {
    if (this.occ[w] < this.cap[w]) this.freeCount--;
    this.alive[w] = false;
    this.occ[w] = 0;
    this.live = this.live.filter((x) => x !== w);
  }

  /** Sets how many tasks `w` may have in flight (see `SchedulerCore`'s adaptive queue). */
  setCap(w: number, cap: number): void {
    const had = this.alive[w] && this.occ[w] < this.cap[w];
    this.cap[w] = cap;
    const has = this.alive[w] && this.occ[w] < cap;
    if (had !== has) this.freeCount += has ? 1 : -1;
  }

  inc(w: number): void {
    if (++this.occ[w] === this.cap[w]) this.freeCount--;
  }

  dec(w: number): void {
    if (this.occ[w]-- === this.cap[w] && this.alive[w]) this.freeCount++;
  }

  /** The least busy live worker with room, or -1. */
  leastBusy(): number {
    let best = -1;
    let bestLoad = Infinity;
    const live = this.live;
    for (let i = 0; i < live.length; i++) {
      const w = live[i];
      const o = this.occ[w];
      if (o >= this.cap[w]) continue;
      const load = o / this.slots[w];
      if (load < bestLoad) {
        bestLoad = load;
        best = w;
      }
    }
    return best;
  }

  /**
   * Where task `id` should run (see the file comment), or -1 when no worker has room. `ready` is
   * the number of ready tasks waiting, `id` included.
   */
  choose(t: TaskTable, id: number, ready: number): number {
    if (this.freeCount === 0) return -1;
    const n = t.depCount[id];
    if (n === 0) {
      const r = this.lastRoot;
      if (r >= 0 && this.rootRunLeft > 0 && this.alive[r] && this.occ[r] < this.cap[r]) {
        this.rootRunLeft--;
        return r;
      }
      this.lastRoot = this.leastBusy();
      this.rootRunLeft = Math.ceil(ready / Math.max(1, this.live.length)) - 1;
      return this.lastRoot;
    }
    if (this.live.length === 1) return this.leastBusy();
    let best = -1;
    if (n === 1) {
      // One input: where it is (when it is in one place).
      const d = t.deps[t.depStart[id]];
      if (!t.extraHolders.has(d)) best = t.holder0[d];
    }
    if (best < 0) {
      const score = this.score;
      let bestBytes = -1;
      const touched = this.touched;
      touched.length = 0;
      const deps = t.deps;
      for (let j = t.depStart[id], e = t.depEnd(id); j < e; j++) {
        const d = deps[j];
        const b = t.nbytes[d] + 1;
        const h0 = t.holder0[d];
        if (h0 < 0) continue;
        if (score[h0] === 0) touched.push(h0);
        score[h0] += b;
        const extra = t.extraHolders.get(d);
        if (extra !== undefined) {
          for (const h of extra) {
            if (score[h] === 0) touched.push(h);
            score[h] += b;
          }
        }
      }
      for (const h of touched) {
        if (score[h] > bestBytes) {
          bestBytes = score[h];
          best = h;
        }
        score[h] = 0;
      }
    }
    if (best >= 0 && this.alive[best] && this.occ[best] < this.cap[best]) return best;
    return this.leastBusy();
  }
}
