// A long batch of synchronous tasks reports what it has finished as it goes (through the
// state's `early` hook), so progress and the scheduler see long tasks finish one by one; a short
// batch still reports once, at its end.
import { describe, expect, it, jest } from '@jest/globals';
import { packCompute, type WireTask } from '@dask-ts/protocol';
import { WorkerState, type Outgoing } from './index.js';

const busy = {
  kind: 'source',
  source:
    '(ms) => { const end = performance.now() + ms; while (performance.now() < end); return ms; }',
  scope: {},
} as const;

function tasks(n: number, ms: number): WireTask[] {
  return Array.from({ length: n }, (_, i) => ({ key: `t${i}`, fn: busy, args: [ms], deps: [] }));
}

describe('early reports', () => {
  it('reports each long task as it finishes, then the rest at the end', () => {
    const early: Outgoing[] = [];
    const state = new WorkerState({ early: (m) => early.push(...m) });
    const h = state.handle(packCompute(tasks(3, 60)));
    const keys = early.map((o) => (o.message.op === 'finished' ? o.message.keys : []));
    expect(keys).toEqual([['t0'], ['t1'], ['t2']]);
    expect(h.now).toEqual([]);
  });

  it('reports a short batch once, at its end', () => {
    // The clock stands still: on a loaded machine even 5 no-op tasks may span a preemption.
    const clock = jest.spyOn(performance, 'now').mockReturnValue(1_000);
    const early: Outgoing[] = [];
    const state = new WorkerState({ early: (m) => early.push(...m) });
    const h = state.handle(packCompute(tasks(5, 0)));
    expect(early).toEqual([]);
    expect(h.now).toHaveLength(1);
    expect(h.now[0].message).toMatchObject({
      op: 'finished',
      keys: ['t0', 't1', 't2', 't3', 't4'],
    });
    clock.mockRestore();
  });
});
