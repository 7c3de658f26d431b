import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { GraphError, data, ref, task, type GraphNode } from '@dask-ts/protocol';
import { order } from './order.js';
import { inc, isTopological, maxLive, randomDag, sum, treeReduction } from './__tests__/graphs.js';

describe('order', () => {
  it('orders a chain topologically', () => {
    const g = new Map<string, GraphNode>([
      ['c', task(inc, [ref('b')])],
      ['b', task(inc, [ref('a')])],
      ['a', data(1)],
    ]);
    expect(order(g)).toEqual(
      new Map([
        ['a', 0],
        ['b', 1],
        ['c', 2],
      ]),
    );
  });

  it('orders a diamond topologically', () => {
    const g = new Map<string, GraphNode>([
      ['a', data(1)],
      ['b', task(inc, [ref('a')])],
      ['c', task(inc, [ref('a')])],
      ['d', task(sum, [ref('b'), ref('c')])],
    ]);
    expect(order(g)).toEqual(
      new Map([
        ['a', 0],
        ['b', 1],
        ['c', 2],
        ['d', 3],
      ]),
    );
  });

  it('finishes the bigger branch first', () => {
    const g = new Map<string, GraphNode>([
      ['small', data(1)],
      ['x', data(2)],
      ['y', task(inc, [ref('x')])],
      ['z', task(inc, [ref('y')])],
      ['out', task(sum, [ref('small'), ref('z')])],
    ]);
    const p = order(g);
    expect([...p].sort((a, b) => a[1] - b[1]).map(([k]) => k)).toEqual([
      'x',
      'y',
      'z',
      'small',
      'out',
    ]);
  });

  it('runs a tree reduction with O(depth) results alive', () => {
    for (const [leaves, fanIn] of [
      [1024, 2],
      [729, 3],
      [1000, 4],
      [4096, 2],
    ] as const) {
      const { graph, depth } = treeReduction(leaves, fanIn);
      const p = order(graph);
      expect(isTopological(graph, p)).toBe(true);
      const live = maxLive(graph, p);
      // Each level holds at most fanIn - 1 finished siblings plus the one being built.
      expect(live).toBeLessThanOrEqual(depth * (fanIn - 1) + 2);
      // Breadth-first (insertion) order would hold all the leaves at once.
      const insertion = new Map([...graph.keys()].map((k, i) => [k, i]));
      expect(maxLive(graph, insertion)).toBeGreaterThanOrEqual(leaves);
    }
  });

  it('frees a shared input by running its ready dependents early', () => {
    // x feeds out1 (through a) and out2 (through b); a long independent chain comes between the two
    // outputs in insertion order. Once a is done, b is ready and is x's last dependent: it runs
    // at once (and then out2, b's last dependent), so x is not held while the chain runs.
    const g = new Map<string, GraphNode>([
      ['x', data(0)],
      ['a', task(inc, [ref('x')])],
      ['out1', task(inc, [ref('a')])],
      ['chain0', data(1)],
      ['chain1', task(inc, [ref('chain0')])],
      ['chain2', task(inc, [ref('chain1')])],
      ['b', task(inc, [ref('x')])],
      ['out2', task(inc, [ref('b')])],
    ]);
    const p = order(g);
    expect(isTopological(g, p)).toBe(true);
    const sequence = [...p].sort((l, r) => l[1] - r[1]).map(([k]) => k);
    expect(sequence).toEqual(['x', 'a', 'b', 'out2', 'out1', 'chain0', 'chain1', 'chain2']);
  });

  it('refuses a cycle', () => {
    const g = new Map<string, GraphNode>([
      ['a', task(inc, [ref('b')])],
      ['b', task(inc, [ref('a')])],
    ]);
    expect(() => order(g)).toThrow(GraphError);
    expect(() => order(g)).toThrow('Graph has a cycle: a -> b -> a (each key depends on the next)');
  });

  it('gives every key a distinct priority 0..n-1', () => {
    const { graph } = treeReduction(100, 3);
    const p = order(graph);
    expect(new Set(p.values()).size).toBe(graph.size);
    expect(Math.max(...p.values())).toBe(graph.size - 1);
  });

  it('property: the order of a random DAG is topological and a permutation', () => {
    fc.assert(
      fc.property(randomDag, (g) => {
        const p = order(g);
        expect(p.size).toBe(g.size);
        expect([...p.values()].sort((a, b) => a - b)).toEqual([...Array(g.size).keys()]);
        expect(isTopological(g, p)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('orders 200,000 tasks quickly', () => {
    const { graph } = treeReduction(100_000, 2);
    const t0 = performance.now();
    const p = order(graph);
    const ms = performance.now() - t0;
    expect(p.size).toBe(graph.size);
    expect(ms).toBeLessThan(5000);
  });
});
