// Window operations across partition edges (shift, diff, cumulative, rolling) on the sync
// scheduler, against loops over the whole column, with nulls, over partitionings that include
// partitions shorter than the window and empty ones.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { col, fromColumns } from '../index.js';
import { plain } from './reference.js';
import { wide, wideFrame, type Cell } from './ops-reference.js';

const sync = { scheduler: 'sync' } as const;
const windowShapes: [number, number][] = [
  [1, 1],
  [5, 5],
  [9, 4],
  [200, 7],
  [1000, 13],
];

const val = (x: Cell): number => (x === null ? NaN : (x as number));
const out = (x: number): number | null => (Number.isNaN(x) ? null : x);

function shiftRef(xs: readonly Cell[], p: number): Cell[] {
  return xs.map((_, i) => (i - p >= 0 && i - p < xs.length ? xs[i - p] : null));
}

function cumRef(xs: readonly Cell[], f: (a: number, b: number) => number): (number | null)[] {
  let acc: number | null = null;
  return xs.map((x) => {
    if (x === null) return null;
    acc = acc === null ? (x as number) : f(acc, x as number);
    return acc;
  });
}

function rollRef(xs: readonly Cell[], w: number, minP: number, how: string): (number | null)[] {
  return xs.map((_, i) => {
    const win = xs.slice(Math.max(0, i - w + 1), i + 1).filter((x): x is number => x !== null);
    if (how === 'count') return win.length;
    if (win.length < minP || win.length === 0) return null;
    const sum = win.reduce((s, x) => s + x, 0);
    if (how === 'sum') return sum;
    if (how === 'mean') return sum / win.length;
    return how === 'min' ? Math.min(...win) : Math.max(...win);
  });
}

describe('windows across partitions', () => {
  test.each(windowShapes)('shift and diff (%i rows, %i parts)', async (n, k) => {
    const p = wide(n, n + 40);
    // A filter first makes uneven (some empty) partitions.
    const df = wideFrame(p, k).filter(col('b').ge(30));
    const keep = p.b.map((b) => (b as number) >= 30);
    const a = p.a.filter((_, j) => keep[j]);
    const t = p.t.filter((_, j) => keep[j]);
    for (const periods of [1, 3, -2, 0, 7]) {
      const s = plain(await df.shift(periods, ['a', 't']).compute(sync));
      expect([periods, s.a]).toEqual([periods, shiftRef(a, periods)]);
      expect(s.t).toEqual(shiftRef(t, periods));
      const d = plain(await df.diff(periods, ['a']).compute(sync));
      const prev = shiftRef(a, periods);
      expect(d.a).toEqual(a.map((x, i) => out(val(x) - val(prev[i]))));
    }
    const v = await df.col('i').shift(2).compute(sync);
    expect([...v].map((x: unknown) => x ?? null)).toEqual(
      shiftRef(
        p.i.filter((_, j) => keep[j]),
        2,
      ),
    );
  });

  test.each(windowShapes)('cumulative operations (%i rows, %i parts)', async (n, k) => {
    const p = wide(n, n + 41);
    const df = wideFrame(p, k);
    const s = plain(await df.cumsum(['a', 'i']).compute(sync));
    const sums = cumRef(p.a, (x, y) => x + y);
    s.a.forEach((x, i) =>
      sums[i] === null ? expect(x).toBeNull() : expect(x).toBeCloseTo(sums[i], 6),
    );
    expect(s.i).toEqual(cumRef(p.i, (x, y) => x + y));
    expect(plain(await df.cummax(['a']).compute(sync)).a).toEqual(cumRef(p.a, Math.max));
    expect(plain(await df.cummin(['i']).compute(sync)).i).toEqual(cumRef(p.i, Math.min));
    expect(df.cummax(['i']).dtypes.i).toBe('int32');
    const xs = Array.from({ length: n }, (_, j) =>
      j % 7 === 3 ? null : 0.8 + ((j * 37) % 5) / 10,
    );
    const prod = plain(await fromColumns({ x: xs }, { npartitions: k }).cumprod().compute(sync));
    const want = cumRef(xs, (x, y) => x * y);
    prod.x.forEach((x, i) =>
      want[i] === null ? expect(x).toBeNull() : expect(x).toBeCloseTo(want[i], 6),
    );
    expect(() => df.cumsum(['s'])).toThrow(/column 's' is utf8, not numeric/);
  });

  test.each(windowShapes)('rolling (%i rows, %i parts)', async (n, k) => {
    const p = wide(n, n + 42);
    const df = wideFrame(p, k).filter(col('b').lt(70));
    const a = p.a.filter((_, j) => (p.b[j] as number) < 70);
    for (const [w, minP] of [
      [1, 1],
      [3, 3],
      [4, 2],
      [10, 1],
    ]) {
      for (const how of ['sum', 'mean', 'min', 'max', 'count'] as const) {
        const roll = df.rolling(w, { minPeriods: minP, columns: ['a'] });
        const got = plain(await roll[how]().compute(sync));
        const want = rollRef(a, w, minP, how);
        const r = (x: Cell): Cell => (x === null ? null : Math.round((x as number) * 1e6) / 1e6);
        expect([w, minP, how, got.a.map(r)]).toEqual([w, minP, how, want.map(r)]);
      }
    }
    // A Series' windows give a Series (its compute: a Vector), as in pandas.
    const m = [...(await df.col('a').rolling(2).mean().compute(sync))];
    const r6 = (x: Cell): Cell => (x === null ? null : Math.round((x as number) * 1e6) / 1e6);
    expect(m.map((x) => r6(x as Cell))).toEqual(rollRef(a, 2, 2, 'mean').map(r6));
    expect(() => df.rolling(0)).toThrow(/positive integer/);
  });
});
