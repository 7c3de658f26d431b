// The sync plan of a graph that carries its slots (a Delayed's kept graph, see @dask-ts/graph's
// graph-slots.ts) is read from them and equals the plan read from the Map; slots that no longer
// fit the graph (its size changed) are ignored.
import { describe, expect, it } from '@jest/globals';
import { delayed } from '@dask-ts/graph';
import { data, ref, task, type GraphNode, type LocalRef } from '@dask-ts/protocol';
import { syncScheduler } from './index.js';
import { planGraph } from './sync-plan.js';

const add: LocalRef = { kind: 'local', fn: (a: number, b: number) => a + b, name: 'add' };

/** x, y, s = x + y, t = s + x, as a sealed Map carrying its slots when `slots`. */
function graph(slots: boolean): Map<string, GraphNode> {
  const g = new Map<string, GraphNode>([
    ['x', data(1)],
    ['y', data(2)],
    ['s', task(add, [ref('x'), ref('y')])],
    ['t', task(add, [ref('s'), ref('x')])],
  ]);
  const marks = g as unknown as { [k: symbol]: unknown };
  marks[Symbol.for('dask-ts.sealedGraph')] = true;
  if (slots) {
    marks[Symbol.for('dask-ts.graphSlots')] = {
      keys: [...g.keys()],
      nodes: [...g.values()],
      depStart: new Int32Array([0, 0, 0, 2, 4]),
      deps: new Int32Array([0, 1, 2, 0]),
    };
  }
  return g;
}

describe('sync plan from graph slots', () => {
  it('plans from the slots exactly what it plans from the Map', () => {
    const a = planGraph(graph(true), ['t']);
    const b = planGraph(graph(false), ['t']);
    expect([...a.order]).toEqual([...b.order]);
    expect([...a.deps]).toEqual([...b.deps]);
    expect([...a.depStart]).toEqual([...b.depStart]);
    expect([...a.argSlot]).toEqual([...b.argSlot]);
    expect([...a.refcount]).toEqual([...b.refcount]);
    expect(a.keys).toEqual(b.keys);
  });

  it('ignores slots that no longer fit the graph', async () => {
    const g = graph(true);
    g.set('u', task(add, [ref('t'), 1]));
    await expect(syncScheduler.get(g, ['u'])).resolves.toEqual([5]);
  });

  it('computes a delayed tree (kept with its slots) the same on the first and later computes', async () => {
    const leaf = delayed((x: number) => x, { name: 'leaf' });
    const sum = delayed((a: number, b: number) => a + b, { name: 'sum' });
    let level = Array.from({ length: 101 }, (_, i) => leaf(i));
    while (level.length > 1) {
      const next = [];
      for (let j = 0; j + 1 < level.length; j += 2) next.push(sum(level[j], level[j + 1]));
      if (level.length % 2 === 1) next.push(level[level.length - 1]);
      level = next;
    }
    const root = level[0];
    await expect(root.compute({ scheduler: syncScheduler })).resolves.toBe(5050);
    await expect(root.compute({ scheduler: syncScheduler })).resolves.toBe(5050);
    await expect(root.compute({ scheduler: syncScheduler, optimize: false })).resolves.toBe(5050);
  });
});
