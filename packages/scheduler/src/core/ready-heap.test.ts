import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { ReadyHeap } from './ready-heap.js';
import { TaskTable } from './task-table.js';

/** A table of `n` tasks whose ranks are `prio`. */
function table(prio: readonly number[]): TaskTable {
  const t = new TaskTable();
  t.reserve(prio.length);
  prio.forEach((p, i) => {
    t.add(`k${i}`, { kind: 'data', value: i });
    t.prio[i] = p;
  });
  return t;
}

describe('ReadyHeap', () => {
  test('pops in rank order whatever the push order, interleaved with pops', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }).chain((n) =>
          fc.tuple(
            fc.shuffledSubarray(
              Array.from({ length: n }, (_, i) => i),
              { minLength: n, maxLength: n },
            ),
            fc.shuffledSubarray(
              Array.from({ length: n }, (_, i) => i),
              { minLength: n, maxLength: n },
            ),
            fc.array(fc.boolean(), { minLength: n, maxLength: n }),
          ),
        ),
        ([prio, pushes, popAfter]) => {
          const t = table(prio);
          const q = new ReadyHeap(t);
          const queued = new Set<number>();
          const check = (): void => {
            const id = q.pop();
            const min = Math.min(...[...queued].map((x) => prio[x]));
            expect(prio[id]).toBe(min);
            queued.delete(id);
            expect(t.inHeap[id]).toBe(0);
          };
          pushes.forEach((id, i) => {
            q.push(id);
            q.push(id); // a second push of a queued task is ignored
            queued.add(id);
            expect(q.size).toBe(queued.size);
            expect([...q.ids()].sort((a, b) => a - b)).toEqual([...queued].sort((a, b) => a - b));
            if (popAfter[i]) check();
          });
          while (queued.size > 0) check();
          expect(q.size).toBe(0);
          expect(q.peek()).toBe(-1);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('tasks pushed in rank order pass through the sorted run, merged with the heap', () => {
    const n = 5000;
    const t = table(Array.from({ length: n }, (_, i) => i));
    const q = new ReadyHeap(t);
    // Even ranks in order (the run), then odd ranks backwards (the heap).
    for (let i = 0; i < n; i += 2) q.push(i);
    for (let i = n - 1; i > 0; i -= 2) q.push(i);
    const out: number[] = [];
    while (q.size > 0) out.push(q.pop());
    expect(out).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  test('clear empties both parts and their flags', () => {
    const t = table([3, 1, 2]);
    const q = new ReadyHeap(t);
    q.push(1);
    q.push(0);
    q.push(2);
    q.clear();
    expect(q.size).toBe(0);
    expect([...t.inHeap.subarray(0, 3)]).toEqual([0, 0, 0]);
    q.push(2);
    expect(q.pop()).toBe(2);
  });
});
