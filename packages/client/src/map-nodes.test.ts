import { describe, expect, it } from '@jest/globals';
import { daskGraph, type Collection } from '@dask-ts/protocol';
import { delayed } from '@dask-ts/graph';
import { mapNodes } from './map-nodes.js';

describe('mapNodes (client.map over plain items)', () => {
  const inc = (x: number): number => x + 1;

  it('builds the nodes delayed(fn)(item) builds, each with a fresh key under the same name', () => {
    const items = [1, 'two', true, null, undefined, 3n];
    const made = mapNodes(inc, items)!;
    expect(made.keys).toHaveLength(items.length);
    expect(new Set(made.keys).size).toBe(items.length);
    const [[refKey, refNode]] = (delayed(inc) as unknown as (x: unknown) => Collection)(1)[
      daskGraph
    ]();
    const prefix = refKey.slice(0, -32);
    expect(prefix).toBe('inc-');
    made.keys.forEach((k, i) => {
      expect(k).toMatch(/^inc-[0-9a-f]{32}$/);
      const node = made.graph.get(k)!;
      expect(node).toEqual({ ...refNode, args: [items[i]] });
    });
    expect([...made.graph.keys()]).toEqual(made.keys);
  }, 10_000);

  it('leaves items that are objects to delayed, and an empty map too', () => {
    expect(mapNodes(inc, [1, [2]])).toBeUndefined();
    expect(mapNodes(inc, [1, { x: 2 }])).toBeUndefined();
    expect(mapNodes(inc, [])).toBeUndefined();
  }, 10_000);

  it("shares the first call's function reference (a closure is refused later, when sent)", () => {
    const k = 3;
    const made = mapNodes((x: number) => x + k, [1, 2])!;
    const [a, b] = made.keys.map((key) => made.graph.get(key)!);
    expect(a.kind === 'task' && b.kind === 'task' && a.fn === b.fn).toBe(true);
    expect(a.kind === 'task' ? a.fn.kind : undefined).toBe('local');
  }, 10_000);
});
