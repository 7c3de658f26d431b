// The one graph interner: ids match a plain Map lookup for any graph (any insertion order, missing
// keys), predictions keep the key index unbuilt on the layouts delayed and collections make, and
// the lookups of misses and wanted keys.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { data, task, ref, type Graph, type GraphNode, type FunctionRef } from '@dask-ts/protocol';
import { DepPredictor, KeyIndex, findKeys, findRecent, internGraph } from './index.js';

const fn: FunctionRef = { kind: 'builtin', name: 'test.fn' };

/** The dependency ids a Map lookup gives (-1: missing). */
function naive(graph: Graph): { keys: string[]; deps: number[][] } {
  const keys = [...graph.keys()];
  const at = new Map(keys.map((k, i) => [k, i]));
  const deps = [...graph.values()].map((n) =>
    n.kind === 'task' ? n.deps.map((d) => at.get(d) ?? -1) : [],
  );
  return { keys, deps };
}

function depsOf(g: ReturnType<typeof internGraph>): number[][] {
  return g.keys.map((_, i) => Array.from(g.deps.subarray(g.depStart[i], g.depStart[i + 1])));
}

/** A tree reduction in depth-first post-order, as delayed lays it out. */
function postOrderTree(leaves: number): Graph {
  const g = new Map<string, GraphNode>();
  let next = 0;
  const build = (lo: number, hi: number): string => {
    if (hi - lo === 1) {
      const k = `leaf-${lo}`;
      g.set(k, data(lo));
      return k;
    }
    const mid = (lo + hi) >> 1;
    const a = build(lo, mid);
    const b = build(mid, hi);
    const k = `add-${next++}`;
    g.set(k, task(fn, [ref(a), ref(b)]));
    return k;
  };
  build(0, leaves);
  return g;
}

/** A layered graph as collections make it: a layer of loads, then pairs, then a map. */
function layered(n: number): Graph {
  const g = new Map<string, GraphNode>();
  for (let i = 0; i < n; i++) g.set(`load-${i}`, data(i));
  for (let i = 0; i < n / 2; i++)
    g.set(`pair-${i}`, task(fn, [ref(`load-${2 * i}`), ref(`load-${2 * i + 1}`)]));
  for (let i = 0; i < n / 2; i++) g.set(`map-${i}`, task(fn, [ref(`pair-${i}`)]));
  return g;
}

describe('internGraph', () => {
  it('resolves every dependency as a Map lookup would, for any order and missing keys', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.array(fc.integer({ min: 0, max: 45 }), { maxLength: 5 }), { maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 40 }),
        (n, depLists, shuffle) => {
          // Keys k0..k(n-1); node i depends on any keys (some missing: k40..k45), in any order.
          const order = Array.from({ length: n }, (_, i) => i);
          for (let i = 0; i < shuffle.length && i < n; i++) {
            const j = shuffle[i] % n;
            [order[i], order[j]] = [order[j], order[i]];
          }
          const g = new Map<string, GraphNode>();
          for (const i of order) {
            const ds = (depLists[i] ?? []).map((d) => ref(`k${d}`));
            g.set(`k${i}`, ds.length === 0 ? data(i) : task(fn, ds));
          }
          const want = naive(g);
          const got = internGraph(g);
          expect(got.keys).toEqual(want.keys);
          expect(depsOf(got)).toEqual(want.deps);
          const firstMissing = want.deps.findIndex((ds) => ds.includes(-1));
          if (firstMissing < 0) expect(got.missing).toBeUndefined();
          else expect(got.missing?.task).toBe(firstMissing);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('predicts post-order and layered graphs without building the key index', () => {
    for (const g of [postOrderTree(5000), layered(4000)]) {
      const got = internGraph(g);
      expect([g.size, got.index.current]).toEqual([g.size, false]);
      expect(depsOf(got)).toEqual(naive(g).deps);
    }
  });

  it('stays linear on many forward references (each miss found once)', () => {
    // Every task depends on a key that comes later: nothing is predicted.
    const n = 200_000;
    const g = new Map<string, GraphNode>();
    for (let i = 0; i < n; i++)
      g.set(`t-${i}`, i === n - 1 ? data(0) : task(fn, [ref(`t-${n - 1 - (i % 7)}`)]));
    const t0 = performance.now();
    const got = internGraph(g);
    const ms = performance.now() - t0;
    expect(got.missing).toBeUndefined();
    expect(got.deps[0]).toBe(n - 1);
    expect(ms).toBeLessThan(10_000);
  });
});

describe('DepPredictor across submits', () => {
  it('resolves into a table that already holds keys (ids before base)', () => {
    const keys = ['old-0', 'old-1', 'new-0', 'new-1'];
    const index = new KeyIndex(keys);
    index.size = 2;
    index.get('old-0'); // the old keys are indexed
    const p = new DepPredictor(keys, 2, 2, index);
    const out = new Int32Array(4);
    index.size = 3;
    p.resolve(2, ['old-1', 'old-0'], out, 0, 3);
    index.size = 4;
    p.resolve(3, ['new-0', 'later'], out, 2, 4);
    // old-0 is neither predicted nor looked up (the index is not current): a recorded miss.
    expect(Array.from(out)).toEqual([1, -1, 2, -1]);
    expect(p.missedKeys).toEqual(['old-0', 'later']);
    expect(p.missedTask).toEqual([2, 3]);
    expect(p.missedAt).toEqual([1, 3]);
    expect(findKeys(keys, 4, p.missedKeys, index, true)).toEqual([0, undefined]);
  });
});

describe('findKeys and findRecent', () => {
  const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
  it('finds a few keys by a scan, without building the index', () => {
    const index = new KeyIndex(keys);
    index.size = keys.length;
    expect(findKeys(keys, 100, ['k5', 'nope', 'k5'], index)).toEqual([5, undefined, 5]);
    expect(index.current).toBe(false);
    expect(findKeys(keys, 100, ['k7'], index, true)).toEqual([7]);
    expect(index.current).toBe(true);
  });

  it('finds wanted keys among the last ones, then in the index', () => {
    const index = new KeyIndex(keys);
    index.size = keys.length;
    expect(findRecent(keys, 0, 100, ['k99', 'k90'], index)).toEqual([99, 90]);
    expect(index.current).toBe(false);
    const many = ['k99', 'k98', 'k97', 'k96', 'k95', 'k3'];
    expect(findRecent(keys, 0, 100, many, index)).toEqual([99, 98, 97, 96, 95, 3]);
    expect(findRecent(keys, 0, 100, ['gone'], index)).toEqual([undefined]);
  });
});
