// The ready queue, ordered by global rank (`prio`, unique: earlier computes first, then each
// compute's own order; see intake.ts). Two parts: a sorted run (a FIFO whose ranks increase) and a
// binary min-heap. A pushed task whose rank is above the run's last goes to the end of the run, in
// O(1); any other goes to the heap. A submit readies its root tasks in rank order, so they all
// land in the run and leave it without a heap sift (a million roots would otherwise cost twenty
// random reads each); tasks readied later by finishing inputs mostly go to the heap. The smaller
// of the two heads comes out first. Entries are never removed from the middle: a task that leaves
// READY stays queued and is skipped when popped (its `inHeap` flag keeps it from being pushed
// twice).
import type { TaskTable } from './task-table.js';

/** See the file comment. */
export class ReadyHeap {
  private heap = new Int32Array(1024);
  private heapSize = 0;
  private run = new Int32Array(1024);
  private runHead = 0;
  private runEnd = 0;
  constructor(private readonly t: TaskTable) {}

  /** How many tasks are queued (stale entries included). */
  get size(): number {
    return this.heapSize + this.runEnd - this.runHead;
  }

  push(id: number): void {
    const t = this.t;
    if (t.inHeap[id] === 1) return;
    t.inHeap[id] = 1;
    const p = t.prio;
    if (this.runHead === this.runEnd) {
      this.runHead = this.runEnd = 0;
      this.appendRun(id);
    } else if (p[id] > p[this.run[this.runEnd - 1]]) this.appendRun(id);
    else this.pushHeap(id);
  }

  /** The queued task of smallest rank, or -1. */
  peek(): number {
    const hasRun = this.runHead < this.runEnd;
    if (this.heapSize === 0) return hasRun ? this.run[this.runHead] : -1;
    const h = this.heap[0];
    if (!hasRun) return h;
    const r = this.run[this.runHead];
    return this.t.prio[r] < this.t.prio[h] ? r : h;
  }

  /** Removes and returns the queued task of smallest rank (the queue must not be empty). */
  pop(): number {
    const hasRun = this.runHead < this.runEnd;
    let id: number;
    if (
      hasRun &&
      (this.heapSize === 0 || this.t.prio[this.run[this.runHead]] < this.t.prio[this.heap[0]])
    )
      id = this.run[this.runHead++];
    else id = this.popHeap();
    this.t.inHeap[id] = 0;
    return id;
  }

  clear(): void {
    for (const id of this.ids()) this.t.inHeap[id] = 0;
    this.heapSize = 0;
    this.runHead = this.runEnd = 0;
  }

  /** Renumbers the queued tasks after the table's compaction (`map[old]`, -1: forgotten). */
  remap(map: Int32Array): void {
    const ids = this.ids();
    this.heapSize = 0;
    this.runHead = this.runEnd = 0;
    const p = this.t.prio;
    const sorted = Array.from(ids, (id) => map[id]).filter((id) => id >= 0);
    sorted.sort((a, b) => p[a] - p[b]);
    for (const id of sorted) this.appendRun(id);
  }

  /** The queued ids (for validation). */
  ids(): Int32Array {
    const out = new Int32Array(this.size);
    out.set(this.run.subarray(this.runHead, this.runEnd));
    out.set(this.heap.subarray(0, this.heapSize), this.runEnd - this.runHead);
    return out;
  }

  private appendRun(id: number): void {
    if (this.runEnd === this.run.length) {
      // Reuse the consumed front before growing.
      const live = this.run.subarray(this.runHead, this.runEnd);
      const r = 2 * live.length > this.run.length ? new Int32Array(this.run.length * 2) : this.run;
      r.set(live);
      this.run = r;
      this.runEnd -= this.runHead;
      this.runHead = 0;
    }
    this.run[this.runEnd++] = id;
  }

  private pushHeap(id: number): void {
    if (this.heapSize === this.heap.length) {
      const h = new Int32Array(this.heap.length * 2);
      h.set(this.heap);
      this.heap = h;
    }
    const h = this.heap;
    const p = this.t.prio;
    const pid = p[id];
    let i = this.heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pv = h[parent];
      if (pid >= p[pv]) break;
      h[i] = pv;
      i = parent;
    }
    h[i] = id;
  }

  private popHeap(): number {
    const h = this.heap;
    const p = this.t.prio;
    const top = h[0];
    const last = h[--this.heapSize];
    const n = this.heapSize;
    if (n > 0) {
      const plast = p[last];
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n && p[h[r]] < p[h[l]]) c = r;
        if (p[h[c]] >= plast) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
