// Kept plans: a graph marked sealed (as the graphs a Delayed keeps) is planned once per wanted
// keys and run again from that plan, each run with its own refcounts (a copy reused once its run has ended) and values; other graphs
// are planned on every compute.
import { describe, expect, it } from '@jest/globals';
import {
  data,
  ref,
  task,
  type GraphNode,
  type LocalRef,
  type TaskFunction,
} from '@dask-ts/protocol';
import { syncScheduler } from './index.js';
import { keptPlan, returnCounts, runCounts } from './sync-plan.js';

const local = (fn: TaskFunction, name = fn.name || 'local'): LocalRef => ({
  kind: 'local',
  fn,
  name,
});

function sealed(): Map<string, GraphNode> {
  let calls = 0;
  const add = local((a: number, b: number, c: number, d: number, e: number) => {
    calls++;
    return a + b + c + d + e + calls * 0;
  }, 'add5');
  const g = new Map<string, GraphNode>([
    ['a', data(1)],
    ['b', data(2)],
    ['s', task(add, [ref('a'), ref('b'), ref('a'), ref('b'), 10])],
    ['t', task(add, [ref('s'), ref('s'), ref('a'), 0, ref('b')])],
  ]);
  (g as unknown as { [k: symbol]: unknown })[Symbol.for('dask-ts.sealedGraph')] = true;
  return g;
}

describe('kept plans', () => {
  it('plans a sealed graph once per wanted keys and runs it again with fresh refcounts', async () => {
    const g = sealed();
    const p1 = keptPlan(g, ['t']);
    const p2 = keptPlan(g, ['t']);
    expect(p2).toBe(p1);
    // Each run counts down its own copy; a copy given back is refilled for the next run.
    const c1 = runCounts(p1);
    const c2 = runCounts(p1);
    expect(c1).not.toBe(p1.refcount);
    expect(c2).not.toBe(c1);
    c1.fill(0);
    returnCounts(p1, c1);
    const c3 = runCounts(p1);
    expect(c3).toBe(c1);
    expect(Array.from(c3)).toEqual(Array.from(p1.refcount));
    expect(runCounts(p1)).not.toBe(c3);
    expect(keptPlan(g, ['s']).deps).not.toBe(p1.deps);
    for (let i = 0; i < 3; i++) {
      await expect(syncScheduler.get(g, ['t'])).resolves.toEqual([16 + 16 + 1 + 0 + 2]);
      await expect(syncScheduler.get(g, ['s', 't'])).resolves.toEqual([16, 35]);
    }
  });

  it('plans an unsealed graph on every compute, so changes to it are seen', async () => {
    const g = new Map<string, GraphNode>([['a', data(1)]]);
    expect(keptPlan(g, ['a']).deps).not.toBe(keptPlan(g, ['a']).deps);
    await expect(syncScheduler.get(g, ['a'])).resolves.toEqual([1]);
    g.set('a', data(2));
    await expect(syncScheduler.get(g, ['a'])).resolves.toEqual([2]);
  });
});
