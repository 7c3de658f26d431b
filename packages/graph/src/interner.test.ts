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

/**
 * A tree reduction laid out level by level (as a hand-built or Dask-style graph): pairs of each
 * level, with an odd node out carried up unchanged, so a level may start one key after where the
 * previous level's stride points.
 */
function levelOrderTree(leaves: number): Graph {
  const g = new Map<string, GraphNode>();
  let level: string[] = [];
  for (let i = 0; i < leaves; i++) {
    g.set(`l-${i}`, data(i));
    level.push(`l-${i}`);
  }
  for (let depth = 0; level.length > 1; depth++) {
    const next: string[] = [];
    for (let j = 0; j + 1 < level.length; j += 2) {
      const k = `s-${depth}-${j / 2}`;
      g.set(k, task(fn, [ref(level[j]), ref(level[j + 1])]));
      next.push(k);
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return g;
}

/** How many dependencies of `graph` a fresh pass of `p` fails to predict. */
function missesOf(p: DepPredictor, graph: Graph): number {
  const keys = [...graph.keys()];
  const nodes = [...graph.values()];
  const index = new KeyIndex(keys);
  index.size = keys.length;
  p.reset(keys, index, 0, keys.length);
  const out = new Int32Array(
    nodes.reduce((n, v) => n + (v.kind === 'task' ? v.deps.length : 0), 0),
  );
  let e = 0;
  nodes.forEach((v, i) => {
    if (v.kind === 'task' && v.deps.length > 0) e += p.resolve(i, v.deps, out, e, keys.length);
  });
  return p.missedKeys.length;
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

  it('predicts a level-order tree whose levels have odd sizes (a carried node between levels)', () => {
    const p = new DepPredictor([], 0, 0, new KeyIndex([]));
    // 2,000 leaves: levels of 1000, 500, 250, 125 (odd), 63, 32 (odd carried twice), ...
    const g = levelOrderTree(2000);
    expect(missesOf(p, g)).toBeLessThanOrEqual(3);
    expect(missesOf(p, levelOrderTree(50_001))).toBeLessThanOrEqual(20);
    const got = internGraph(g);
    expect(depsOf(got)).toEqual(naive(g).deps);
    expect(got.index.current).toBe(false);
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

describe('DepPredictor reused across passes', () => {
  it('gives a reused predictor the results of a fresh one, whatever the previous pass was', () => {
    const graphs = [postOrderTree(300), layered(200), levelOrderTree(301), postOrderTree(64)];
    const reused = new DepPredictor([], 0, 0, new KeyIndex([]));
    for (const first of graphs) {
      for (const g of graphs) {
        missesOf(reused, first); // leaves state behind (span, stride, misses)
        const a = missesOf(reused, g);
        const b = missesOf(new DepPredictor([], 0, 0, new KeyIndex([])), g);
        expect(a).toBe(b);
      }
    }
    // internGraph reuses one predictor: interning twice, or after another graph, is the same.
    for (const g of graphs) expect(depsOf(internGraph(g))).toEqual(naive(g).deps);
    for (const g of [...graphs].reverse()) expect(depsOf(internGraph(g))).toEqual(naive(g).deps);
  });
});

describe('findKeys and findRecent', () => {
  const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
  it('finds a few keys by a scan, without building the index', () => {
    const index = new KeyIndex(keys);
    index.size = keys.length;
    expect(findKeys(keys, 100, ['k5', 'nope', 'k5'], index)).toEqual([5, undefined, 5]);
    expect(findKeys(keys, 100, ['k9'], index)).toEqual([9]);
    expect(findKeys(keys, 100, ['k9', 'k2'], index)).toEqual([9, 2]);
    expect(findKeys(keys, 100, ['k4', 'gone'], index)).toEqual([4, undefined]);
    expect(findKeys(keys, 100, ['k6', 'k6'], index)).toEqual([6, 6]);
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

  it('finds any wanted keys, in table order or not, repeated or missing, as the index does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.oneof(
          // A block in table order (a map's keys), ending at the table's end or not.
          fc
            .tuple(fc.nat(99), fc.integer({ min: 1, max: 60 }))
            .map(([from, n]) => keys.slice(from, from + n)),
          // Any keys, repeated, missing ones among them.
          fc.array(fc.oneof(fc.constantFrom(...keys), fc.constant('gone')), { maxLength: 40 }),
        ),
        (from, wanted) => {
          const index = new KeyIndex(keys);
          index.size = keys.length;
          const expected = wanted.map((k) => (k === 'gone' ? undefined : Number(k.slice(1))));
          expect(findRecent(keys, Math.min(from, 100), 100, wanted, index)).toEqual(expected);
        },
      ),
      { seed: 1202, numRuns: 300 },
    );
  });
});
