// The aggregations added to milestone 1 (size, std, var, nunique, first, last, valueCounts,
// describe, named aggregations, groupby by hash shuffle) on the sync scheduler, against plain
// arrays, with nulls, over several partitionings.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { fromColumns } from '../index.js';
import { plain } from './reference.js';
import { rowsOf, shapes, sortedRows, wide, wideFrame, type Cell } from './ops-reference.js';

const sync = { scheduler: 'sync' } as const;

const nums = (xs: readonly Cell[]): number[] =>
  xs.filter((x): x is number => typeof x === 'number' && !Number.isNaN(x));
function variance(xs: readonly Cell[]): number {
  const v = nums(xs);
  if (v.length < 2) return NaN;
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  return v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1);
}
const nunique = (xs: readonly Cell[]): number => new Set(xs.filter((x) => x !== null)).size;
const first = (xs: readonly Cell[]): Cell => xs.find((x) => x !== null) ?? null;
const last = (xs: readonly Cell[]): Cell => [...xs].reverse().find((x) => x !== null) ?? null;
function quantile(xs: readonly Cell[], q: number): number {
  const v = nums(xs).sort((a, b) => a - b);
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

describe('whole-column aggregations', () => {
  test.each(shapes)('size, std, var, nunique, first, last (%i rows, %i parts)', async (n, k) => {
    const p = wide(n, n + 10);
    const df = wideFrame(p, k);
    expect(await df.col('a').size().compute(sync)).toBe(n);
    const sd = await df.col('a').std().compute(sync);
    if (Number.isNaN(variance(p.a))) expect(sd).toBeNaN();
    else expect(sd).toBeCloseTo(Math.sqrt(variance(p.a)), 9);
    expect(await df.col('i').nunique().compute(sync)).toBe(nunique(p.i));
    expect(await df.col('t').nunique().compute(sync)).toBe(nunique(p.t));
    expect(await df.col('t').first().compute(sync)).toBe(first(p.t));
    expect(await df.col('a').last().compute(sync)).toBe(last(p.a));
    const vars = await df.var().compute(sync);
    expect(Object.keys(vars)).toEqual(['a', 'b', 'i', 'f']);
    if (n > 1) expect(vars.i).toBeCloseTo(variance(p.i), 6);
    const med = await df.median().compute(sync);
    expect(Object.keys(med)).toEqual(['a', 'b', 'i', 'f']);
    if (nums(p.a).length > 0) expect(med.a).toBeCloseTo(quantile(p.a, 0.5), 9);
    const nu = await df.nunique().compute(sync);
    expect(nu).toEqual({
      a: nunique(p.a),
      b: nunique(p.b),
      k: nunique(p.k),
      s: nunique(p.s),
      i: nunique(p.i),
      f: nunique(p.f),
      t: nunique(p.t),
    });
    expect(await df.first().compute(sync)).toEqual(
      Object.fromEntries(Object.entries(p).map(([c, xs]) => [c, first(xs)])),
    );
    expect(await df.last().compute(sync)).toEqual(
      Object.fromEntries(Object.entries(p).map(([c, xs]) => [c, last(xs)])),
    );
  });

  test('empty and all-null columns give the pandas answers', async () => {
    const df = fromColumns({ a: [null, null, null] as (number | null)[] }, { npartitions: 2 });
    expect(await df.col('a').nunique().compute(sync)).toBe(0);
    expect(await df.col('a').first().compute(sync)).toBeNull();
    expect(await df.col('a').std().compute(sync)).toBeNaN();
    expect(await df.col('a').size().compute(sync)).toBe(3);
  });

  test.each(shapes)('valueCounts and describe (%i rows, %i parts)', async (n, k) => {
    const p = wide(n, n + 11);
    const df = wideFrame(p, k);
    const vc = plain(await df.col('t').valueCounts().compute(sync));
    const counts = new Map<Cell, number>();
    for (const x of p.t) if (x !== null) counts.set(x, (counts.get(x) ?? 0) + 1);
    const want = [...counts].sort((x, y) => y[1] - x[1] || (String(x[0]) < String(y[0]) ? -1 : 1));
    expect(vc.t).toEqual(want.map(([v]) => v));
    expect(vc.count).toEqual(want.map(([, c]) => c));
    const d = plain(await df.describe().compute(sync));
    expect(d.stat).toEqual(['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max']);
    expect(Object.keys(d)).toEqual(['stat', 'a', 'b', 'i']);
    const a = nums(p.a);
    const ref = [
      a.length,
      a.reduce((s, x) => s + x, 0) / a.length,
      Math.sqrt(variance(p.a)),
      Math.min(...a),
      quantile(p.a, 0.25),
      quantile(p.a, 0.5),
      quantile(p.a, 0.75),
      Math.max(...a),
    ];
    d.a.forEach((x, j) => {
      if (Number.isNaN(ref[j])) expect(x).toBeNaN();
      else expect(x).toBeCloseTo(ref[j], 6);
    });
  });
});

function groupRef(
  keys: readonly Cell[][],
  values: readonly Cell[],
  f: (xs: Cell[]) => Cell,
): Map<string, Cell> {
  const groups = new Map<string, Cell[]>();
  values.forEach((v, i) => {
    if (keys.some((k) => k[i] === null)) return;
    const key = JSON.stringify(keys.map((k) => k[i]));
    const g = groups.get(key) ?? [];
    g.push(v);
    groups.set(key, g);
  });
  return new Map([...groups].map(([key, xs]) => [key, f(xs)]));
}

describe('groupby', () => {
  test.each(shapes)(
    'named aggregations and the new ones, tree and shuffle (%i rows, %i parts)',
    async (n, k) => {
      const p = wide(n, n + 12);
      const df = wideFrame(p, k);
      const spec = {
        total: ['a', 'sum'],
        rows: ['a', 'size'],
        sd: { column: 'i', aggfunc: 'std' },
        v: ['i', 'var'],
        nu: ['t', 'nunique'],
        ft: ['t', 'first'],
        lt: ['s', 'last'],
        i: ['max', 'count'],
        md: ['a', 'median'],
      } as const;
      for (const options of [{}, { splitOut: 3 }, { shuffle: true }]) {
        const g = df.groupby(['k', 'f'], options).agg(spec);
        expect(g.dtypes).toEqual({
          k: 'utf8',
          f: 'bool',
          total: 'float64',
          rows: 'int32',
          sd: 'float64',
          v: 'float64',
          nu: 'int32',
          ft: 'utf8',
          lt: 'utf8',
          i_max: 'float64',
          i_count: 'int32',
          md: 'float64',
        });
        if ('splitOut' in options) expect(g.npartitions).toBe(3);
        const t = plain(await g.compute(sync));
        const keys = [p.k, p.f];
        const refs = {
          total: groupRef(keys, p.a, (xs) => nums(xs).reduce((s, x) => s + x, 0)),
          rows: groupRef(keys, p.a, (xs) => xs.length),
          sd: groupRef(keys, p.i, (xs) => Math.sqrt(variance(xs))),
          v: groupRef(keys, p.i, (xs) => variance(xs)),
          nu: groupRef(keys, p.t, nunique),
          ft: groupRef(keys, p.t, first),
          lt: groupRef(keys, p.s, last),
          i_max: groupRef(keys, p.i, (xs) => Math.max(...nums(xs))),
          i_count: groupRef(keys, p.i, (xs) => xs.length),
          md: groupRef(keys, p.a, (xs) => (nums(xs).length === 0 ? NaN : quantile(xs, 0.5))),
        };
        const gotKeys = t.k.map((x, j) => JSON.stringify([x, t.f[j]]));
        expect(new Set(gotKeys)).toEqual(new Set(refs.rows.keys()));
        expect(gotKeys.length).toBe(refs.rows.size);
        for (const [name, ref] of Object.entries(refs)) {
          gotKeys.forEach((key, j) => {
            const want = ref.get(key)!;
            const got = t[name][j];
            if (typeof want === 'number' && Number.isNaN(want)) expect(got).toBeNull();
            else if (typeof want === 'number') expect(got).toBeCloseTo(want, 6);
            else expect([name, got]).toEqual([name, want]);
          });
        }
        // Each output partition is sorted by the keys (globally, for the tree reduction).
        if (!('splitOut' in options) && !('shuffle' in options))
          expect(rowsOf(t, ['k', 'f'])).toEqual(sortedRows(rowsOf(t, ['k', 'f'])));
      }
    },
  );

  test('size() and errors naming the culprit', async () => {
    const p = wide(200, 5);
    const df = wideFrame(p, 3);
    const s = plain(await df.groupby('k').size().compute(sync));
    expect(s.size).toEqual(s.k.map((key) => p.k.filter((x) => x === key).length));
    expect(() => df.groupby('k').agg({ total: ['nope', 'sum'] })).toThrow(/unknown column 'nope'/);
    expect(() => df.groupby('k').agg({ s: 'std' })).toThrow(/cannot std column 's' \(utf8\)/);
    expect(() => df.groupby('k').agg({ a: 'mode' as 'sum' })).toThrow(
      /unknown aggregation 'mode' for column 'a'/,
    );
    expect(() => df.groupby('k').agg({ k: ['a', 'sum'] })).toThrow(
      /two output columns would be named 'k'/,
    );
  });
});
