// A Delayed keeps the graph it was computed with (culled and fused once) and reuses it on the
// next compute, one per `optimize` setting, with its nodes in creation order; the 8 most recently
// computed values keep theirs, older ones while all kept graphs stay within a node budget; values computed together (or beside foreign collections)
// build a shared graph as before.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  closeSchedulers,
  daskGraph,
  registerScheduler,
  setDefaultScheduler,
} from '@dask-ts/protocol';
import { compute } from './compute.js';
import { delayed } from './delayed.js';
import { makeTestScheduler } from './__tests__/test-scheduler.js';

const sched = makeTestScheduler('test-delayed-cache');
beforeAll(() => {
  registerScheduler('test-delayed-cache', () => sched, { asDefault: true });
  setDefaultScheduler('test-delayed-cache');
});
afterAll(() => closeSchedulers());

const inc = delayed((x: number) => x + 1);
const add = delayed((a: number, b: number) => a + b);

describe('kept graphs', () => {
  it('a Delayed computed again hands the scheduler the same graph, and gives the same result', async () => {
    const total = add(inc(1), inc(inc(2)));
    const before = sched.graphs.length;
    expect(await total.compute()).toBe(6);
    expect(await total.compute()).toBe(6);
    expect(await compute(total)).toEqual([6]);
    const [g1, g2, g3] = sched.graphs.slice(before);
    expect(g2).toBe(g1);
    expect(g3).toBe(g1);
    // The kept graph is the fused one; without optimization another one is kept.
    expect(g1.size).toBeLessThan(total[daskGraph]().size);
    expect(await total.compute({ optimize: false })).toBe(6);
    expect(await total.compute({ optimize: false })).toBe(6);
    const [g4, g5] = sched.graphs.slice(before + 3);
    expect(g4.size).toBe(total[daskGraph]().size);
    expect(g5).toBe(g4);
  });

  it('many small graphs all stay kept; past the node budget only the 8 most recent do', async () => {
    const values = Array.from({ length: 12 }, (_, i) => add(inc(i), i));
    const first = sched.graphs.length;
    for (const v of values) await v.compute();
    await values[0].compute(); // small graphs: all 12 kept
    const gs = sched.graphs.slice(first);
    expect(gs[12]).toBe(gs[0]);
    expect(gs[12].get(values[0].key)).toBeDefined();

    // Ten values of 30,001 nodes each (300k nodes): over the budget of 262,144 kept nodes.
    const sumAll = delayed((...xs: number[]) => xs.reduce((a, b) => a + b, 0));
    const leaves = Array.from({ length: 30_000 }, (_, i) => inc(i));
    const big = Array.from({ length: 10 }, (_, i) => sumAll(i, ...leaves));
    const at = sched.graphs.length;
    for (const v of big) await v.compute({ optimize: false });
    await big[0].compute({ optimize: false }); // pushed out: built again
    await big[9].compute({ optimize: false }); // among the most recent: kept
    const bs = sched.graphs.slice(at);
    expect(bs[10]).not.toBe(bs[0]);
    expect(bs[10].size).toBe(bs[0].size);
    expect(bs[11]).toBe(bs[9]);
  }, 60_000);

  it('a kept graph lists its nodes in creation order (layers as the user made them)', async () => {
    const first = inc(1);
    const second = inc(2);
    const total = add(second, first);
    expect([...total[daskGraph]().keys()]).toEqual([second.key, first.key, total.key]);
    const before = sched.graphs.length;
    expect(await total.compute({ optimize: false })).toBe(5);
    expect([...sched.graphs[before].keys()]).toEqual([first.key, second.key, total.key]);
  });

  it('values computed together share one graph built for them', async () => {
    const a = inc(1);
    const b = add(a, 10);
    await b.compute(); // b keeps its own graph
    const before = sched.graphs.length;
    expect(await compute(a, b)).toEqual([2, 12]);
    const g = sched.graphs[before];
    expect([...g.keys()].sort()).toEqual([a.key, b.key].sort());
  });
});
