// The ready queue: a binary min-heap of task ids ordered by their global rank (`prio`, unique:
// earlier computes first, then each compute's own order; see intake.ts). Entries
// are never removed from the middle: a task that leaves READY stays in the heap and is skipped when
// popped (its `inHeap` flag keeps it from being pushed twice).
import type { TaskTable } from './task-table.js';

/** See the file comment. */
export class ReadyHeap {
  private heap = new Int32Array(1024);
  size = 0;
  constructor(private readonly t: TaskTable) {}

  private less(a: number, b: number): boolean {
    const p = this.t.prio;
    return p[a]! < p[b]!;
  }

  push(id: number): void {
    if (this.t.inHeap[id] === 1) return;
    this.t.inHeap[id] = 1;
    if (this.size === this.heap.length) {
      const h = new Int32Array(this.heap.length * 2);
      h.set(this.heap);
      this.heap = h;
    }
    const h = this.heap;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pv = h[p]!;
      if (!this.less(id, pv)) break;
      h[i] = pv;
      i = p;
    }
    h[i] = id;
  }

  peek(): number {
    return this.size === 0 ? -1 : this.heap[0]!;
  }

  pop(): number {
    const h = this.heap;
    const top = h[0]!;
    this.t.inHeap[top] = 0;
    const last = h[--this.size]!;
    const n = this.size;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n && this.less(h[r]!, h[l]!)) c = r;
        if (!this.less(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.t.inHeap[this.heap[i]!] = 0;
    this.size = 0;
  }

  /** The ids in the heap (for validation). */
  ids(): Int32Array {
    return this.heap.subarray(0, this.size);
  }
}
