import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  data,
  ref,
  substitute,
  task,
  type FunctionRef,
  type GraphNode,
  type Task,
} from '@dask-ts/protocol';
import { fuse } from './fuse.js';
import { validateGraph } from './validate.js';
import { inc, randomDag, sum } from './__tests__/graphs.js';
import { resolveFunction } from './__tests__/test-scheduler.js';

/** Reference evaluation of a graph (recursive; test graphs are small). */
function evaluate(
  graph: ReadonlyMap<string, GraphNode>,
  key: string,
  memo = new Map<string, unknown>(),
): unknown {
  if (memo.has(key)) return memo.get(key);
  const node = graph.get(key) as GraphNode;
  let v: unknown;
  if (node.kind === 'data') v = node.value;
  else {
    for (const d of node.deps) evaluate(graph, d, memo);
    const call = (fn: FunctionRef, args: unknown[]): unknown => resolveFunction(fn)(...args);
    v = resolveFunction(node.fn)(...(substitute(node.args, (k) => memo.get(k), call) as unknown[]));
  }
  memo.set(key, v);
  return v;
}

const double: FunctionRef = { kind: 'source', source: '(x) => x * 2', scope: {} };

describe('fuse', () => {
  it('fuses a linear chain into its last task', () => {
    const g = new Map<string, GraphNode>([
      ['a', data(1)],
      ['b', task(inc, [ref('a')])],
      ['c', task(double, [ref('b')])],
      ['d', task(inc, [ref('c')])],
    ]);
    const { graph, fused } = fuse(g, { keep: ['d'] });
    expect([...graph.keys()]).toEqual(['a', 'd']);
    expect(fused).toEqual(
      new Map([
        ['b', 'd'],
        ['c', 'd'],
      ]),
    );
    const d = graph.get('d') as Task;
    expect(d.deps).toEqual(['a']);
    expect(d.args).toEqual([{ $call: double, args: [{ $call: inc, args: [ref('a')] }] }]);
    expect(evaluate(graph, 'd')).toBe(5);
    expect(evaluate(g, 'd')).toBe(5);
  });

  it('never fuses away kept keys', () => {
    const g = new Map<string, GraphNode>([
      ['a', data(1)],
      ['b', task(inc, [ref('a')])],
      ['c', task(inc, [ref('b')])],
      ['d', task(inc, [ref('c')])],
    ]);
    const { graph, fused } = fuse(g, { keep: ['b', 'd'] });
    expect([...graph.keys()]).toEqual(['a', 'b', 'd']);
    expect(fused).toEqual(new Map([['c', 'd']]));
    expect(evaluate(graph, 'b')).toBe(2);
    expect(evaluate(graph, 'd')).toBe(4);
  });

  it('does not fuse across fan-out or fan-in', () => {
    const g = new Map<string, GraphNode>([
      ['a', data(1)],
      ['b', task(inc, [ref('a')])],
      ['c1', task(inc, [ref('b')])],
      ['c2', task(inc, [ref('b')])],
      ['d', task(sum, [ref('c1'), ref('c2')])],
    ]);
    const { graph, fused } = fuse(g, { keep: ['d'] });
    expect(fused.size).toBe(0);
    expect([...graph.keys()]).toEqual([...g.keys()]);
  });

  it('keeps refs inside nested arguments and $literal values intact', () => {
    const pair: FunctionRef = {
      kind: 'local',
      fn: (o: { x: number; lit: unknown }) => [o.x, o.lit],
      name: 'pair',
    };
    const g = new Map<string, GraphNode>([
      ['a', data(1)],
      ['b', task(inc, [ref('a')])],
      ['c', task(pair, [{ x: ref('b'), lit: { $literal: { $ref: 'b' } } }])],
    ]);
    const { graph } = fuse(g, { keep: ['c'] });
    expect([...graph.keys()]).toEqual(['a', 'c']);
    expect(evaluate(graph, 'c')).toEqual([2, { $ref: 'b' }]);
  });

  it('splits chains longer than maxChain', () => {
    const g = new Map<string, GraphNode>([['t0', data(0)]]);
    for (let i = 1; i <= 10; i++) g.set(`t${i}`, task(inc, [ref(`t${i - 1}`)]));
    const { graph } = fuse(g, { keep: ['t10'], maxChain: 4 });
    validateGraph(graph, ['t10']);
    expect(graph.size).toBe(4); // t0, and three tasks of at most 4
    expect(evaluate(graph, 't10')).toBe(10);
  });

  it('returns the graph itself when nothing fuses (a tree; fan-out only)', () => {
    const g = new Map<string, GraphNode>([
      ['a', data(1)],
      ['b', data(2)],
      ['c', task(sum, [ref('a'), ref('b')])],
    ]);
    const { graph, fused } = fuse(g, { keep: ['c'] });
    expect(graph).toBe(g);
    expect(fused.size).toBe(0);
    // Single-dependency tasks, none fusable (b has two dependents).
    const fan = new Map<string, GraphNode>([
      ['a', data(1)],
      ['b', task(inc, [ref('a')])],
      ['c1', task(inc, [ref('b')])],
      ['c2', task(inc, [ref('b')])],
    ]);
    expect(fuse(fan, { keep: ['c1', 'c2'] }).graph).toBe(fan);
  });

  it('leaves bad graphs for validation to name: missing dependencies and cycles are not fused away', () => {
    // b reads a missing key: fusing b into c would make the error name c.
    const missing = new Map<string, GraphNode>([
      ['b', task(inc, [ref('gone')])],
      ['c', task(inc, [ref('b')])],
    ]);
    expect(fuse(missing, { keep: ['c'] }).fused.size).toBe(0);
    expect(() => validateGraph(fuse(missing, { keep: ['c'] }).graph)).toThrow(
      "Task 'b' depends on key 'gone', which is not in the graph",
    );
    // A chain whose bottom depends on its top.
    const loop = new Map<string, GraphNode>([
      ['a', task(inc, [ref('c')])],
      ['b', task(inc, [ref('a')])],
      ['c', task(inc, [ref('b')])],
    ]);
    const fusedLoop = fuse(loop, { keep: ['c'] });
    expect([...fusedLoop.graph.keys()]).toEqual(['a', 'b', 'c']);
    expect(() => validateGraph(fusedLoop.graph)).toThrow(
      'Graph has a cycle: a -> c -> b -> a (each key depends on the next)',
    );
    // Tasks that only form a cycle among themselves (nothing kept) stay, and so does a self-loop.
    const island = new Map<string, GraphNode>([
      ['x', data(1)],
      ['p', task(inc, [ref('q')])],
      ['q', task(inc, [ref('p')])],
      ['s', task(inc, [ref('s')])],
    ]);
    const fusedIsland = fuse(island);
    expect([...fusedIsland.graph.keys()]).toEqual(['x', 'p', 'q', 's']);
    expect(fusedIsland.fused.size).toBe(0);
    expect(() => validateGraph(fusedIsland.graph)).toThrow(
      'Graph has a cycle: p -> q -> p (each key depends on the next)',
    );
  });

  it('property: fusing a random DAG keeps the values of the kept keys', () => {
    fc.assert(
      fc.property(randomDag, fc.nat(), (g, pick) => {
        const keys = [...g.keys()];
        const keep = [keys[pick % keys.length]];
        // Sinks are outputs too.
        const hasDependent = new Set<string>();
        for (const n of g.values())
          if (n.kind === 'task') for (const d of n.deps) hasDependent.add(d);
        for (const k of keys) if (!hasDependent.has(k)) keep.push(k);
        const { graph, fused } = fuse(g, { keep });
        validateGraph(graph, keep);
        for (const k of keep) expect(evaluate(graph, k)).toBe(evaluate(g, k));
        for (const [gone, into] of fused) {
          expect(graph.has(gone)).toBe(false);
          expect(graph.has(into)).toBe(true);
        }
        expect(graph.size + fused.size).toBe(g.size);
      }),
      { numRuns: 200 },
    );
  });
});
