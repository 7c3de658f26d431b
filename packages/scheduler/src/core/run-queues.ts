// Per worker, the tasks sent to it, in the order sent. A worker runs its tasks and reports them in
// that order, so a `finished-many` report is matched against the front of its queue with one
// string comparison per key (no key index), and the first entry still running there is what the
// worker runs now. Entries whose task no longer runs on that worker (finished, taken back, lost
// with another worker, forgotten) are skipped as the front moves past them; the consumed front is
// cut off once it is both large and most of the queue.
import { ORPHAN, PROCESSING, type TaskTable } from './task-table.js';

/** See the file comment. */
export class RunQueues {
  private readonly queues: number[][] = [];
  private readonly heads: number[] = [];

  /** A new worker (index `queues.length`) gets an empty queue. */
  addWorker(): void {
    this.queues.push([]);
    this.heads.push(0);
  }

  /** Task `id` was sent to worker `w`. */
  push(w: number, id: number): void {
    this.queues[w].push(id);
  }

  /**
   * The task of `key` when it is the next one running on `w` (then consumed), else undefined. Call
   * `trim(w)` after a batch of reports.
   */
  next(t: TaskTable, w: number, key: string): number | undefined {
    const q = this.queues[w];
    let h = this.heads[w];
    let id: number | undefined;
    while (h < q.length) {
      const x = q[h];
      if (runsOn(t, x, w)) {
        if (t.keys[x] === key) {
          id = x;
          h++;
        }
        break;
      }
      h++;
    }
    this.heads[w] = h;
    return id;
  }

  /** Cuts off the consumed front of `w`'s queue when it is large. */
  trim(w: number): void {
    const h = this.heads[w];
    if (h > 1024 && 2 * h > this.queues[w].length) {
      this.queues[w].splice(0, h);
      this.heads[w] = 0;
    }
  }

  /** The task `w` runs now (the first in its queue still running there), or -1. */
  head(t: TaskTable, w: number): number {
    const q = this.queues[w];
    for (let h = this.heads[w]; h < q.length; h++) if (runsOn(t, q[h], w)) return q[h];
    return -1;
  }

  /** The tasks still running on `w` (sent and not reported), in the order sent. */
  pending(t: TaskTable, w: number): number[] {
    const q = this.queues[w];
    const out: number[] = [];
    for (let h = this.heads[w]; h < q.length; h++) if (runsOn(t, q[h], w)) out.push(q[h]);
    return out;
  }

  /** Empties `w`'s queue (it was removed), or every queue when `w` is undefined (a reset). */
  clear(w?: number): void {
    for (let x = w ?? 0; x < (w === undefined ? this.queues.length : w + 1); x++) {
      this.queues[x] = [];
      this.heads[x] = 0;
    }
  }

  /** Renumbers the queued tasks after a compaction (`map[old]`, -1: forgotten). */
  remap(map: Int32Array): void {
    for (let w = 0; w < this.queues.length; w++) {
      const q = this.queues[w];
      const kept: number[] = [];
      for (let i = this.heads[w]; i < q.length; i++) if (map[q[i]] >= 0) kept.push(map[q[i]]);
      this.queues[w] = kept;
      this.heads[w] = 0;
    }
  }
}

/** Whether task `x` is running (needed or as an orphan) on worker `w`. */
function runsOn(t: TaskTable, x: number, w: number): boolean {
  const s = t.state[x];
  return (s === PROCESSING || s === ORPHAN) && t.procWorker[x] === w;
}
