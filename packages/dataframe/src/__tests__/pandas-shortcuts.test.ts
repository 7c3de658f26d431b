// pandas' shorthands, as Dask users write them: `df.groupby('k').sum()` (and mean, min, max, std,
// var, median, count, nunique, first, last) over every value column (numeric ones where the
// aggregation needs numbers), `groupby('k').select('x')` for pandas' `groupby('k')['x']`, and
// `dropDuplicates(['k'])` with the subset first; each against the long form (`agg`, `{ subset }`)
// and plain rows, with nulls, over several partitionings.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { fromColumns, type AggName } from '../index.js';
import { plain } from './reference.js';

const sync = { scheduler: 'sync' } as const;

function frame(k: number) {
  return fromColumns(
    {
      k: ['a', 'b', 'a', 'c', 'b', 'a', null, 'c'],
      x: [1, 2, 3, 4, 5, 6, 7, null],
      y: [0.5, 1.5, null, 3.5, 4.5, 5.5, 6.5, 7.5],
      s: ['p', 'q', 'p', 'r', null, 's', 't', 'r'],
    },
    { npartitions: k },
  );
}

describe('pandas shorthands', () => {
  test.each([1, 3])(
    'groupby(k).<agg>() equals agg of every value column (%i partitions)',
    async (k) => {
      const df = frame(k);
      const numeric: AggName[] = ['sum', 'mean', 'min', 'max', 'std', 'var', 'median'];
      for (const how of numeric) {
        const short = plain(await df.groupby('k')[how as 'sum']().compute(sync));
        const long = plain(await df.groupby('k').agg({ x: how, y: how }).compute(sync));
        expect(short).toEqual(long);
        expect(Object.keys(short)).toEqual(['k', 'x', 'y']);
      }
      for (const how of ['count', 'nunique', 'first', 'last'] as const) {
        const short = plain(await df.groupby('k')[how]().compute(sync));
        const long = plain(await df.groupby('k').agg({ x: how, y: how, s: how }).compute(sync));
        expect(short).toEqual(long);
      }
      // Against plain rows: the sum of x per key (null keys in no group).
      const sums = plain(await df.groupby('k').sum().compute(sync));
      expect(sums.k).toEqual(['a', 'b', 'c']);
      expect(sums.x).toEqual([1 + 3 + 6, 2 + 5, 4]);
    },
  );

  test('select picks the value columns (pandas groupby(k)[cols]); errors name the columns', async () => {
    const df = frame(2);
    const got = plain(await df.groupby('k').select('x').mean().compute(sync));
    expect(got).toEqual({ k: ['a', 'b', 'c'], x: [10 / 3, 3.5, 4] });
    const two = plain(await df.groupby('k').select(['y', 's']).count().compute(sync));
    expect(Object.keys(two)).toEqual(['k', 'y', 's']);
    expect(() => df.groupby('k').select('nope')).toThrow(/nope/);
    expect(() => df.groupby('k').select('s').sum()).toThrow(
      /GroupBy.sum: no numeric value columns besides the keys 'k' \(columns: k, s\)/,
    );
  });

  test.each([1, 3])('dropDuplicates with the subset first (%i partitions)', async (k) => {
    const df = frame(k);
    const byList = plain(await df.dropDuplicates(['k']).compute(sync));
    const byOption = plain(await df.dropDuplicates({ subset: ['k'] }).compute(sync));
    expect(byList).toEqual(byOption);
    expect(new Set(byList.k).size).toBe(byList.k.length);
    expect(byList.k.length).toBe(4); // a, b, c and the null key
    const last = plain(await df.dropDuplicates('k', { keep: 'last' }).compute(sync));
    expect(last).toEqual(
      plain(await df.dropDuplicates({ subset: ['k'], keep: 'last' }).compute(sync)),
    );
  });
});
