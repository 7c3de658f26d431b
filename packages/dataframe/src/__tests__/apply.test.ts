// groupby().apply, tail and exact quantiles on the sync scheduler (apply also on threads),
// against plain arrays with nulls over several partitionings.
import { afterAll, describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import type { Table } from 'apache-arrow';
import { plain } from './reference.js';
import { rowsOf, shapes, sortedRows, wide, wideFrame, type Cell } from './ops-reference.js';

const sync = { scheduler: 'sync' } as const;
const threads = createThreadsScheduler({ workers: 2 });

afterAll(async () => {
  await threads.close?.();
});

function quantile(xs: readonly Cell[], q: number): number {
  const v = xs.filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

/** Per group: its key, row count and the largest i (a self-contained function). */
const summary = (t: Table): Record<string, unknown> => {
  const i = t.getChild('i')!.toArray() as Int32Array;
  return { t: [t.getChild('t')!.get(0) as string], n: [t.numRows], top: [Math.max(...i)] };
};

describe('groupby().apply', () => {
  test.each(shapes)('calls the function once per group (%i rows, %i parts)', async (n, k) => {
    const p = wide(n, n + 50);
    const df = wideFrame(p, k);
    const g = df.groupby('t').apply(summary, { meta: { t: 'utf8', n: 'int32', top: 'float64' } });
    expect(g.dtypes).toEqual({ t: 'utf8', n: 'int32', top: 'float64' });
    const got = plain(await g.compute(sync));
    const groups = new Map<string, number[]>();
    p.t.forEach((key, j) => {
      if (key === null) return;
      const list = groups.get(key as string) ?? [];
      list.push(p.i[j] as number);
      groups.set(key as string, list);
    });
    const want = [...groups].map(([key, is]) => [key, is.length, Math.max(...is)] as Cell[]);
    expect(sortedRows(rowsOf(got))).toEqual(sortedRows(want));
    // Several rows per group, meta inferred.
    const firstTwo = df.groupby(['k']).apply((t: Table) => ({
      k: [...(t.getChild('k')!.toArray() as string[])].slice(0, 2),
    }));
    const two = plain(await firstTwo.compute(sync));
    const ks = [...new Set(p.k)];
    expect(two.k.length).toBe(
      ks.reduce<number>((s, key) => s + Math.min(2, p.k.filter((x) => x === key).length), 0),
    );
  });

  test('runs on threads', async () => {
    const p = wide(3000, 9);
    const df = wideFrame(p, 5);
    const g = df.groupby('t').apply(summary, { meta: { t: 'utf8', n: 'int32', top: 'float64' } });
    expect(sortedRows(rowsOf(plain(await g.compute({ scheduler: threads }))))).toEqual(
      sortedRows(rowsOf(plain(await g.compute(sync)))),
    );
  });
});

describe('groupby().transform', () => {
  test.each(shapes)(
    'adds each row its group aggregates, in row order (%i rows, %i parts)',
    async (n, k) => {
      const p = wide(n, n + 52);
      const df = wideFrame(p, k);
      for (const options of [{}, { splitOut: 2 }]) {
        const t = df.groupby('t', options).transform({ m: ['i', 'mean'], a: 'count' });
        expect(t.columns).toEqual(['a', 'b', 'k', 's', 'i', 'f', 't', 'm']);
        expect(t.dtypes).toMatchObject({ a: 'int32', m: 'float64' });
        expect(t.npartitions).toBe(k);
        const got = plain(await t.compute(sync));
        const mean = new Map<Cell, number>();
        const count = new Map<Cell, number>();
        for (const key of new Set(p.t)) {
          const rows = p.t.flatMap((x, j) => (x === key ? [j] : []));
          mean.set(key, rows.reduce((s, j) => s + (p.i[j] as number), 0) / rows.length);
          count.set(key, rows.filter((j) => p.a[j] !== null).length);
        }
        expect(got.i).toEqual(p.i);
        expect(got.m).toEqual(p.t.map((key) => (key === null ? null : mean.get(key))));
        expect(got.a).toEqual(p.t.map((key) => (key === null ? null : count.get(key))));
      }
    },
  );
});

describe('tail and quantiles', () => {
  test.each(shapes)('against plain arrays (%i rows, %i parts)', async (n, k) => {
    const p = wide(n, n + 51);
    const df = wideFrame(p, k);
    const last = plain(await df.tail(3, { npartitions: k }).compute(sync));
    expect(last.i).toEqual(p.i.slice(-3));
    const qs = await df.col('a').quantile([0, 0.1, 0.5, 0.99, 1]).compute(sync);
    [0, 0.1, 0.5, 0.99, 1].forEach((q, j) => expect(qs[j]).toBeCloseTo(quantile(p.a, q), 9));
    expect(await df.col('i').median().compute(sync)).toBeCloseTo(quantile(p.i, 0.5), 9);
    expect(() => df.col('s').median()).toThrow(/column 's' is utf8, not numeric/);
    expect(() => df.col('a').quantile(2)).toThrow(/q must be in \[0, 1\]/);
  });
});
