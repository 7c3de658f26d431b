// A Delayed computed on its own hands over its graph with its slots (keys, nodes, dependency
// positions) and, when every key is a fresh random one and nothing fuses, as a SlotGraph whose
// Map is filled only on first use; shared keys (pure calls, items) and chains take the Map path.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  closeSchedulers,
  data,
  registerScheduler,
  task,
  type Graph,
  type GraphNode,
} from '@dask-ts/protocol';
import { makeTestScheduler } from './__tests__/test-scheduler.js';
import { delayed } from './delayed.js';
import { ownGraph, type OwnGraph } from './graph-into.js';
import { GRAPH_SLOTS, SlotGraph, type GraphSlots } from './graph-slots.js';

const slotsOf = (g: Graph): GraphSlots | undefined =>
  (g as { [GRAPH_SLOTS]?: GraphSlots })[GRAPH_SLOTS];

/** Checks that the slots say what the Map says: same keys in order, deps at their slots. */
function expectSlotsMatch(g: Graph): void {
  const s = slotsOf(g)!;
  expect(s).toBeDefined();
  expect([...g.keys()]).toEqual(s.keys);
  const nodes = [...g.values()];
  expect(nodes).toEqual(s.nodes);
  nodes.forEach((node, i) => {
    const deps = node.kind === 'task' ? node.deps : [];
    const slots = [...s.deps.subarray(s.depStart[i], s.depStart[i + 1])];
    expect(slots.map((d) => s.keys[d])).toEqual(deps);
  });
}

const scheduler = 'test-graph-slots';
beforeAll(() => registerScheduler(scheduler, () => makeTestScheduler(scheduler)));
afterAll(() => closeSchedulers());

describe('graph slots', () => {
  it('a SlotGraph knows its size unfilled, fills on first use, and drops its slots when changed', () => {
    const nodes: GraphNode[] = [
      data(1),
      task({ kind: 'local', fn: (x: number) => x, name: 'id' }, []),
    ];
    const g = new SlotGraph({
      keys: ['a', 'b'],
      nodes,
      depStart: new Int32Array([0, 0, 0]),
      deps: new Int32Array(0),
    });
    expect(g.size).toBe(2);
    expect(g).toBeInstanceOf(Map);
    expect(g.get('b')).toBe(nodes[1]);
    expect(g.has('a')).toBe(true);
    expect([...g]).toEqual([
      ['a', nodes[0]],
      ['b', nodes[1]],
    ]);
    expect(slotsOf(g)).toBeDefined();
    g.set('c', data(3));
    expect(g.size).toBe(3);
    expect(slotsOf(g)).toBeUndefined();
  });

  it('a tree of random-key calls is handed over as a SlotGraph with matching slots', async () => {
    const leaf = delayed((x: number) => x, { name: 'leaf' });
    const add = delayed((a: number, b: number) => a + b, { name: 'add' });
    const a = leaf(1);
    const b = leaf(2);
    const root = add(add(a, b), add(b, a));
    const g = (root as unknown as OwnGraph)[ownGraph](true);
    expect(g).toBeInstanceOf(SlotGraph);
    expect(g.size).toBe(5);
    expectSlotsMatch(g);
    await expect(root.compute({ scheduler })).resolves.toBe(6);
    await expect(root.compute({ scheduler, optimize: false })).resolves.toBe(6);
  });

  it('a task reading one value twice has that dependency once', async () => {
    const leaf = delayed((x: number) => x, { name: 'leaf' });
    const add3 = delayed((a: number, b: number, c: number) => a + b + c, { name: 'add3' });
    const a = leaf(2);
    const b = leaf(3);
    const root = add3(a, b, a);
    const g = (root as unknown as OwnGraph)[ownGraph](true);
    expectSlotsMatch(g);
    await expect(root.compute({ scheduler })).resolves.toBe(7);
  });

  it('pure calls with one shared key go through the Map without slots, and compute as before', async () => {
    const inc = delayed((x: number) => x + 1, { pure: true, name: 'inc' });
    const add = delayed((a: number, b: number) => a + b, { name: 'add' });
    const root = add(inc(1), inc(1));
    const g = (root as unknown as OwnGraph)[ownGraph](false);
    expect(g).not.toBeInstanceOf(SlotGraph);
    expect(g.size).toBe(2);
    // Two values under one key: positions are not slots, so none are carried.
    expect(slotsOf(g)).toBeUndefined();
    await expect(root.compute({ scheduler })).resolves.toBe(4);
  });

  it('a chain that fuses is not a SlotGraph, and unfused it is', async () => {
    const inc = delayed((x: number) => x + 1, { name: 'inc' });
    const root = inc(inc(inc(1)));
    expect((root as unknown as OwnGraph)[ownGraph](true)).not.toBeInstanceOf(SlotGraph);
    expect((root as unknown as OwnGraph)[ownGraph](false)).toBeInstanceOf(SlotGraph);
    await expect(root.compute({ scheduler })).resolves.toBe(4);
    await expect(root.compute({ scheduler, optimize: false })).resolves.toBe(4);
  });
});
