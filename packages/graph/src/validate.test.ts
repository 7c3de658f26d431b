import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { GraphError, data, ref, task, type GraphNode } from '@dask-ts/protocol';
import { validateGraph } from './validate.js';
import { cull } from './cull.js';
import { inc, randomDag, sum } from './__tests__/graphs.js';

function catchError(f: () => void): GraphError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(GraphError);
    return e as GraphError;
  }
  throw new Error('expected a GraphError');
}

describe('validateGraph', () => {
  it('accepts a valid graph', () => {
    const g = new Map<string, GraphNode>([
      ['a', data(1)],
      ['b', task(inc, [ref('a')])],
    ]);
    expect(() => validateGraph(g, ['b'])).not.toThrow();
  });

  it('refuses a wanted key that is not in the graph', () => {
    const e = catchError(() => validateGraph(new Map([['a', data(1)]]), ['zzz']));
    expect(e.message).toBe("Wanted key 'zzz' is not in the graph");
    expect(e.keys).toEqual(['zzz']);
  });

  it('refuses a missing dependency, naming the task and the key', () => {
    const g = new Map<string, GraphNode>([['b', task(inc, [ref('a')])]]);
    const e = catchError(() => validateGraph(g, ['b']));
    expect(e.message).toBe("Task 'b' depends on key 'a', which is not in the graph");
    expect(e.keys).toEqual(['b', 'a']);
  });

  it('refuses a cycle and shows it', () => {
    const g = new Map<string, GraphNode>([
      ['x', data(0)],
      ['a', task(sum, [ref('c'), ref('x')])],
      ['b', task(inc, [ref('a')])],
      ['c', task(inc, [ref('b')])],
    ]);
    const e = catchError(() => validateGraph(g, ['c']));
    expect(e.message).toBe('Graph has a cycle: a -> c -> b -> a (each key depends on the next)');
    expect(e.keys).toEqual(['a', 'c', 'b']);
  });

  it('refuses a self-dependency', () => {
    const e = catchError(() => validateGraph(new Map([['a', task(inc, [ref('a')])]])));
    expect(e.message).toBe('Graph has a cycle: a -> a (each key depends on the next)');
  });

  it('handles a chain of 200,000 tasks without recursion', () => {
    const g = new Map<string, GraphNode>([['t0', data(0)]]);
    for (let i = 1; i < 200_000; i++) g.set(`t${i}`, task(inc, [ref(`t${i - 1}`)]));
    expect(() => validateGraph(g, ['t199999'])).not.toThrow();
    g.set('t0', task(inc, [ref('t199999')]));
    expect(() => validateGraph(g, ['t199999'])).toThrow(
      /^Graph has a cycle: t0 -> t199999 -> t199998/,
    );
  });

  it('property: random DAGs validate', () => {
    fc.assert(fc.property(randomDag, (g) => validateGraph(g, [...g.keys()])));
  });
});

describe('cull', () => {
  it('keeps only what the keys need, in the original order', () => {
    const g = new Map<string, GraphNode>([
      ['a', data(1)],
      ['unused', data(2)],
      ['b', task(inc, [ref('a')])],
      ['c', task(inc, [ref('b')])],
      ['d', task(inc, [ref('a')])],
    ]);
    expect([...cull(g, ['c']).keys()]).toEqual(['a', 'b', 'c']);
    expect([...cull(g, ['d', 'c']).keys()]).toEqual(['a', 'b', 'c', 'd']);
    expect(cull(g, []).size).toBe(0);
    expect(cull(g, ['c']).get('b')).toBe(g.get('b'));
  });

  it('skips keys that are not in the graph (validation reports them)', () => {
    const g = new Map<string, GraphNode>([['b', task(inc, [ref('a')])]]);
    expect([...cull(g, ['b', 'nope']).keys()]).toEqual(['b']);
  });

  it('property: the culled graph is exactly the ancestors of the keys', () => {
    fc.assert(
      fc.property(randomDag, fc.nat(), (g, pick) => {
        const keys = [...g.keys()];
        const want = keys[pick % keys.length];
        const out = cull(g, [want]);
        // Reference: fixpoint of "needed" by repeated scans.
        const needed = new Set([want]);
        for (let changed = true; changed;) {
          changed = false;
          for (const k of needed) {
            const n = g.get(k) as GraphNode;
            if (n.kind === 'task')
              for (const d of n.deps)
                if (!needed.has(d)) {
                  needed.add(d);
                  changed = true;
                }
          }
        }
        expect(new Set(out.keys())).toEqual(needed);
        expect([...out.keys()]).toEqual(keys.filter((k) => needed.has(k)));
        validateGraph(out, [want]);
      }),
    );
  });
});
