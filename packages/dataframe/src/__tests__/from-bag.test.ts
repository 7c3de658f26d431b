// fromBag (Dask's Bag.to_dataframe): a bag of records read as a dataframe, one partition per bag
// partition, against the records themselves; types from the schema (dates from Date objects,
// strings and numbers), missing fields and nulls as nulls, other fields left out; bad records and
// bad values named with their partition, record and column; on the threads scheduler too.
import { describe, expect, test } from '@jest/globals';
import * as bag from '@dask-ts/bag';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { tableFromArrays } from 'apache-arrow';
import { col, fromBag } from '../index.js';

const people = [
  { name: 'ann', age: 31, city: 'oslo', since: new Date('2020-01-02T00:00:00Z'), ok: true },
  { name: 'bob', age: 42, city: 'rome', since: '2021-03-04', ok: false, extra: [1, 2] },
  { name: 'cy', city: 'oslo', since: Date.UTC(2022, 4, 6), ok: null },
  { name: 'di', age: 27, city: null, since: null },
  { name: 'ed', age: 50, city: 'lima', since: '2019-12-31', ok: true },
];
const schema = [
  ['name', 'utf8'],
  ['age', 'int32'],
  ['city', 'category'],
  ['since', 'date32'],
  ['ok', 'bool'],
] as const;

// Arrow gives a date32 value back as epoch milliseconds.
const day = (d: string): number => Date.parse(d);

describe('fromBag', () => {
  test.each([1, 2, 5])('%i partitions: every record, in order, typed by the schema', async (k) => {
    const b = bag.fromSequence(people, { npartitions: k });
    const df = fromBag(b, { schema: [...schema] });
    expect(df.npartitions).toBe(b.npartitions);
    expect(df.columns).toEqual(['name', 'age', 'city', 'since', 'ok']);
    const t = await df.compute({ scheduler: 'sync' });
    expect(t.toArray().map((r) => r.toJSON())).toEqual([
      { name: 'ann', age: 31, city: 'oslo', since: day('2020-01-02'), ok: true },
      { name: 'bob', age: 42, city: 'rome', since: day('2021-03-04'), ok: false },
      { name: 'cy', age: null, city: 'oslo', since: day('2022-05-06'), ok: null },
      { name: 'di', age: 27, city: null, since: null, ok: null },
      { name: 'ed', age: 50, city: 'lima', since: day('2019-12-31'), ok: true },
    ]);
  });

  test('a pipeline over a bag read on worker threads, with meta as an Arrow table', async () => {
    const threads = createThreadsScheduler({ workers: 2 });
    try {
      const b = bag
        .fromSequence(
          Array.from({ length: 1000 }, (_, i) => i),
          { npartitions: 4 },
        )
        .map((i: number) => ({ k: `k${i % 3}`, v: i * 0.5 }));
      const meta = tableFromArrays({ k: ['x'], v: Float64Array.from([0]) });
      const out = await fromBag(b, { meta })
        .filter(col('v').ge(100))
        .groupby('k')
        .agg({ total: ['v', 'sum'], n: ['v', 'count'] })
        .sortValues('k')
        .compute({ scheduler: threads });
      const want = ['k0', 'k1', 'k2'].map((k, j) => {
        const is = Array.from({ length: 1000 }, (_, i) => i).filter(
          (i) => i % 3 === j && i * 0.5 >= 100,
        );
        return { k, total: is.reduce((a, i) => a + i * 0.5, 0), n: is.length };
      });
      expect(out.toArray().map((r) => r.toJSON())).toEqual(want);
    } finally {
      await threads.close();
    }
  }, 60_000);

  test('bad input names the culprit', async () => {
    expect(() => fromBag({} as never, { schema: [['a', 'int32']] })).toThrow(/fromBag: give a bag/);
    const b = bag.fromSequence([{ a: 1 }], { npartitions: 1 });
    expect(() => fromBag(b, {} as never)).toThrow(/fromBag: give the partitions' schema/);
    expect(() => fromBag(b, { schema: [['a', 'int64' as never]] })).toThrow(
      /fromBag: a schema entry is \[name, 'float64' \|/,
    );
    const mixed = bag.fromSequence([{ a: 1 }, { a: 'two' }, { a: 3 }], { npartitions: 1 });
    await expect(
      fromBag(mixed, { schema: [['a', 'int32']] }).compute({ scheduler: 'sync' }),
    ).rejects.toThrow(
      /fromBag: partition 0: column 'a' is int32 but record 1 holds "two" \(string\)/,
    );
    const notRecords = bag.fromSequence([{ a: 1 }, 3], { npartitions: 2 });
    await expect(
      fromBag(notRecords, { schema: [['a', 'int32']] }).compute({ scheduler: 'sync' }),
    ).rejects.toThrow(
      /fromBag: partition 1: record 0 is number, not an object with the columns 'a'/,
    );
    const badDate = bag.fromSequence([{ d: 'soon' }], { npartitions: 1 });
    await expect(
      fromBag(badDate, { schema: [['d', 'date32']] }).compute({ scheduler: 'sync' }),
    ).rejects.toThrow(/column 'd' is date32 but record 0 holds "soon"/);
  });
});
