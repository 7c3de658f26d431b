import { describe, expect, it } from '@jest/globals';
import { daskGraph, type Collection } from '@dask-ts/protocol';
import { delayed } from '@dask-ts/graph';
import { graphMessage } from '@dask-ts/distributed';
import { mapCalls, mapGraph, mapMessage } from './map-nodes.js';

describe('mapCalls (client.map over plain items)', () => {
  const inc = (x: number): number => x + 1;
  const items = [1, 'two', true, null, undefined, 3n];

  it('builds the nodes delayed(fn)(item) builds, each with a fresh key under the same name', () => {
    const calls = mapCalls(inc, items)!;
    const graph = mapGraph(calls);
    expect(calls.keys).toHaveLength(items.length);
    expect(new Set(calls.keys).size).toBe(items.length);
    const [[refKey, refNode]] = (delayed(inc) as unknown as (x: unknown) => Collection)(1)[
      daskGraph
    ]();
    expect(refKey.slice(0, -32)).toBe('inc-');
    calls.keys.forEach((k, i) => {
      expect(k).toMatch(/^inc-[0-9a-f]{32}$/);
      expect(graph.get(k)).toEqual({ ...refNode, args: [items[i]] });
    });
    expect([...graph.keys()]).toEqual(calls.keys);
  }, 10_000);

  it('makes the message graphMessage makes of that graph', () => {
    const calls = mapCalls(inc, items)!;
    expect(mapMessage(calls)).toEqual(graphMessage(mapGraph(calls)));
  }, 10_000);

  it('leaves items that are objects to delayed, and an empty map too', () => {
    expect(mapCalls(inc, [1, [2]])).toBeUndefined();
    expect(mapCalls(inc, [1, { x: 2 }])).toBeUndefined();
    expect(mapCalls(inc, [])).toBeUndefined();
  }, 10_000);

  it('refuses a closure when the message is made, naming the first key, as graphMessage does', () => {
    const k = 3;
    const calls = mapCalls((x: number) => x + k, [1, 2])!;
    let message = '';
    try {
      graphMessage(mapGraph(calls));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(calls.keys[0]);
    expect(() => mapMessage(calls)).toThrow(message);
  }, 10_000);
});
