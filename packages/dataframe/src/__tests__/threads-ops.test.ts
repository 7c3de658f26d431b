// The new operations on the `threads` scheduler (2 workers): user functions of mapPartitions run
// on workers (a closure is refused with the fix named), and shuffles (merge, groupby splitOut,
// dropDuplicates), sortValues and row operations give the same answers as on sync. Needs the built
// dist of this package and of protocol, graph, worker and scheduler.
import { afterAll, describe, expect, test } from '@jest/globals';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import type { Table } from 'apache-arrow';
import { col, concat, merge, type DataFrame } from '../index.js';
import { plain } from './reference.js';
import { rowsOf, sortedRows, wide, wideFrame } from './ops-reference.js';

const threads = createThreadsScheduler({ workers: 2 });
const opts = { scheduler: threads } as const;
const sync = { scheduler: 'sync' } as const;

afterAll(async () => {
  await threads.close?.();
});

async function same(df: DataFrame, ordered: boolean): Promise<void> {
  const a = plain(await df.compute(opts));
  const b = plain(await df.compute(sync));
  if (ordered) expect(a).toEqual(b);
  else expect(sortedRows(rowsOf(a))).toEqual(sortedRows(rowsOf(b)));
}

describe('dataframe operations on threads', () => {
  test('mapPartitions runs self-contained functions on workers and refuses closures', async () => {
    const p = wide(2000, 1);
    const df = wideFrame(p, 4);
    const rows = df.mapPartitions((t: Table) => ({ n: [t.numRows] }), { meta: { n: 'float64' } });
    const got = plain(await rows.compute(opts));
    expect(got.n.reduce((s, x) => (s as number) + (x as number), 0)).toBe(2000);
    const scaled = df.mapPartitions(
      (t: Table) => ({
        i: Array.from(t.getChild('i')!.toArray() as Int32Array, (x) => x * factor),
      }),
      { meta: { i: 'float64' }, scope: { factor: 3 } },
    );
    expect(plain(await scaled.compute(opts)).i).toEqual(p.i.map((x) => (x as number) * 3));
    const k = 2;
    const closure = df.mapPartitions((t: Table) => ({ n: [t.numRows * k] }), {
      meta: { n: 'float64' },
    });
    await expect(closure.compute(opts)).rejects.toThrow(/dataframe\.mapPartitions\(fn, \{ scope:/);
  });

  test('shuffles, sorts and row operations equal the sync answers', async () => {
    const L = wideFrame(wide(3000, 2), 5);
    const R = wideFrame(wide(400, 3), 3).select(['k', 't', 'i']).rename({ i: 'j' });
    await same(merge(L, R, { on: ['k', 't'], how: 'outer', indicator: true }), false);
    await same(L.merge(R, { leftOn: 'i', rightOn: 'j', how: 'left' }), false);
    await same(
      L.groupby(['k', 't'], { splitOut: 3 }).agg({ a: ['sum', 'std', 'nunique'], s: 'last' }),
      false,
    );
    await same(L.dropDuplicates({ subset: ['k', 'f'] }), false);
    await same(L.sortValues(['t', 'a'], { ascending: [false, true] }), true);
    await same(
      L.query('i > 10 and t in ["p", "q"]').assign({
        u: col('s').str.upper().str.slice(0, 4),
        c: col('i').mul(col('i')).astype('utf8'),
        w: col('a').where(col('f'), -1).fillna(0),
      }),
      true,
    );
    expect(await L.col('a').nunique().compute(opts)).toBe(await L.col('a').nunique().compute(sync));
    await same(L.describe(), true);
  });

  test('windows, concat, repartition, nlargest and valueCounts equal the sync answers', async () => {
    const L = wideFrame(wide(2500, 4), 6).filter(col('b').gt(20));
    await same(L.shift(2, ['a', 't']).diff(-1, ['i']), true);
    await same(L.cumsum(['a']).cummax(['i']), true);
    await same(L.rolling(4, { minPeriods: 2 }).mean(), true);
    await same(concat([L, L.select(['i', 'k'])]).repartition({ npartitions: 4 }), true);
    await same(L.nlargest(7, ['i', 'a']), true);
    await same(L.col('t').valueCounts(), true);
    await same(
      L.astype({ i: 'utf8' })
        .fillna({ a: 0 })
        .dropna({ subset: ['t'] }),
      true,
    );
  });

  test('dates and categories cross threads and equal the sync answers', async () => {
    const p = wide(3000, 5);
    const L = wideFrame(p, 5).assign({
      when: col('i').mul(86400).astype('timestamp'),
      day: col('i').astype('date32'),
      cat: col('t').astype('category'),
    });
    await same(
      L.filter(col('when').ge('1970-01-01T00:30:00')).select(['i', 'when', 'day', 'cat']),
      true,
    );
    await same(
      L.assign({ h: col('when').dt.hour(), m: col('day').dt.month() }).select(['h', 'm']),
      true,
    );
    await same(L.groupby('cat', { splitOut: 3 }).agg({ i: 'sum', when: 'max' }), false);
    await same(L.groupby('cat').agg({ i: 'sum', day: 'min' }), true);
    await same(L.sortValues(['cat', 'i']).select(['cat', 'i']), true);
    expect([...(await L.col('cat').cat.codes().compute(opts))]).toEqual([
      ...(await L.col('cat').cat.codes().compute(sync)),
    ]);
  });

  test('setIndex, loc and an aligned merge equal the sync answers', async () => {
    const L = wideFrame(wide(3000, 6), 5);
    const a = await L.setIndex('i', { npartitions: 4, ...opts });
    const b = await L.setIndex('i', { npartitions: 4, ...sync });
    expect(a.divisions).toEqual(b.divisions);
    await same(a, true);
    const d = a.divisions as number[];
    await same(a.loc({ from: d[1], to: d[2] }), true);
    const R = (await wideFrame(wide(800, 7), 3).setIndex('i', opts)).select(['i', 'a']);
    const m = merge(a.select(['i', 'k']), R, { on: 'i' });
    expect(m.explain()).toMatch(/aligned on known divisions/);
    await same(m, false);
  });
});

declare const factor: number;
