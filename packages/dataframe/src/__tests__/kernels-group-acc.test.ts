// The groupby fast paths against plain references: group ids of one int32 key without nulls by
// direct addressing (narrow spans) and by hashing (wide ones), the counting sort of the groups'
// order, and partials that keep only the planned statistics (a sum keeps sums), combined across
// partitions (var by Chan's formula, sources keeping different statistics, empty partitions).
import { describe, expect, test } from '@jest/globals';
import type { Col } from '../columns.js';
import { finishAgg, groupCombine, groupIds, groupPartial } from '../kernels-agg.js';
import { sortedGroups } from '../kernels-group-sort.js';
import { rng } from './reference.js';

const int = (xs: ArrayLike<number>): Col => ({
  type: 'int32',
  length: xs.length,
  values: Int32Array.from(xs),
});
const f64 = (xs: ArrayLike<number>): Col => ({
  type: 'float64',
  length: xs.length,
  values: Float64Array.from(xs),
});

/** Ids numbered by first appearance, through a Map. */
function referenceIds(xs: readonly number[]): number[] {
  const seen = new Map<number, number>();
  return xs.map((x) => {
    let g = seen.get(x);
    if (g === undefined) seen.set(x, (g = seen.size));
    return g;
  });
}

describe('groupIds of one int32 key without nulls', () => {
  test.each([
    ['narrow span, few groups', 20000, 0, 100],
    ['narrow span, negative values', 20000, -5000, 5000],
    ['span about the row count', 20000, 0, 20000],
    ['wide span (hashed)', 20000, -2e9, 2e9],
  ])(
    '%s',
    (_name, n, lo, hi) => {
      const r = rng(n + lo);
      const xs = Array.from({ length: n }, () => Math.floor(lo + r() * (hi - lo)));
      const { ids, firsts } = groupIds([int(xs)], n);
      const want = referenceIds(xs);
      expect([...ids]).toEqual(want);
      expect(firsts.length).toBe(new Set(xs).size);
      for (let g = 0; g < firsts.length; g++) expect(want[firsts[g]]).toBe(g);
    },
    30_000,
  );

  test('no rows', () => {
    const { ids, firsts } = groupIds([int([])], 0);
    expect(ids.length).toBe(0);
    expect(firsts.length).toBe(0);
  }, 30_000);
});

describe('sortedGroups of one narrow int key (counting sort)', () => {
  test('orders by value, ties in row order, like a stable comparator sort', () => {
    const r = rng(3);
    const xs = Array.from({ length: 5000 }, () => Math.floor(r() * 300) - 150);
    const got = [...sortedGroups([int(xs)])];
    const want = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b] || a - b);
    expect(got).toEqual(want);
  }, 30_000);
});

describe('groupby partials keep the planned statistics', () => {
  const r = rng(11);
  const parts = [0, 1, 2, 3].map((p) => {
    const n = p === 2 ? 0 : 3000;
    const k = Array.from({ length: n }, () => Math.floor(r() * 50));
    const v = Array.from({ length: n }, () => (r() < 0.05 ? NaN : Math.round(r() * 1000) / 10));
    return { k, v };
  });
  const all = parts.flatMap(({ k, v }) => k.map((key, i) => [key, v[i]] as const));
  const byKey = new Map<number, number[]>();
  for (const [key, v] of all) {
    if (!byKey.has(key)) byKey.set(key, []);
    if (!Number.isNaN(v)) byKey.get(key)!.push(v);
  }

  const combined = (stats: readonly ('count' | 'sum' | 'min' | 'max' | 'm2')[][]) => {
    const states = parts.map(({ k, v }, p) =>
      groupPartial([int(k)], new Map([['v', f64(v)]]), k.length, {
        first: [],
        last: [],
        nunique: [],
        stats: { v: stats[p % stats.length] },
        size: false,
      }),
    );
    const s = groupCombine(states);
    const keys = (s.keys[0] as Extract<Col, { type: 'int32' }>).values;
    return { s, keys };
  };

  test('a sum keeps only sums, and they are right', () => {
    const { s, keys } = combined([['sum']]);
    expect(s.accs.v.count.length).toBe(0);
    expect(s.accs.v.min.length).toBe(0);
    expect(s.accs.v.sum.length).toBe(keys.length);
    keys.forEach((key, g) => {
      const want = byKey.get(key)!.reduce((a, x) => a + x, 0);
      expect(finishAgg(s.accs.v, g, 'sum')).toBeCloseTo(want, 6);
    });
  }, 30_000);

  test('var and mean combine across partitions (Chan), min / max too', () => {
    const { s, keys } = combined([['count', 'sum', 'm2', 'min', 'max']]);
    keys.forEach((key, g) => {
      const xs = byKey.get(key)!;
      const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
      const v = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
      expect(finishAgg(s.accs.v, g, 'mean')).toBeCloseTo(mean, 6);
      expect(finishAgg(s.accs.v, g, 'var')).toBeCloseTo(v, 4);
      expect(finishAgg(s.accs.v, g, 'min')).toBe(Math.min(...xs));
      expect(finishAgg(s.accs.v, g, 'max')).toBe(Math.max(...xs));
    });
  }, 30_000);

  test('sources keeping different statistics merge what each has', () => {
    const { s, keys } = combined([['sum'], ['count', 'sum']]);
    expect(s.accs.v.count.length).toBe(keys.length);
    const fromOdd = new Map<number, number>();
    parts.forEach(({ k, v }, p) => {
      if (p % 2 === 1)
        k.forEach((key, i) => {
          if (!Number.isNaN(v[i])) fromOdd.set(key, (fromOdd.get(key) ?? 0) + 1);
        });
    });
    keys.forEach((key, g) => expect(s.accs.v.count[g]).toBe(fromOdd.get(key) ?? 0));
  }, 30_000);
});
