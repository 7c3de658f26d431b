// Dataframes to @dask-ts/array arrays and back: the numeric columns in row order (nulls NaN),
// chunks from the partitions' row counts, on sync and on worker threads; an array's blocks of rows
// as partitions with named columns; bad columns and shapes are named.
import { afterAll, describe, expect, test } from '@jest/globals';
import { fromArray, random } from '@dask-ts/array';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { fromColumns, fromDaskArray, toDaskArray } from '../index.js';

const sync = { scheduler: 'sync' } as const;
const threads = createThreadsScheduler({ workers: 2 });
afterAll(async () => {
  await threads.close?.();
}, 30_000);

const frame = () =>
  fromColumns(
    {
      a: [1, 2, null, 4, 5, 6, 7],
      b: Int32Array.from([10, 20, 30, 40, 50, 60, 70]),
      k: ['x', 'y', 'x', 'y', 'x', 'y', 'x'],
    },
    { npartitions: 3 },
  );

describe('toDaskArray / fromDaskArray', () => {
  test('numeric columns become a 2-d float64 array, one block per partition', async () => {
    const x = await toDaskArray(frame(), sync);
    expect(x.shape).toEqual([7, 2]);
    expect(x.dtype).toBe('float64');
    expect(x.chunks[0].reduce((p, q) => p + q, 0)).toBe(7);
    expect(x.chunks[0].length).toBe(3);
    const nd = await x.compute(sync);
    expect(Array.from(nd.data)).toEqual([1, 10, 2, 20, NaN, 30, 4, 40, 5, 50, 6, 60, 7, 70]);
    const sums = await (
      await toDaskArray(frame(), { columns: ['b'] })
    )
      .sum({ axis: 0 })
      .compute({ scheduler: threads });
    expect(Array.from(sums.data)).toEqual([280]);
  }, 60_000);

  test('an array becomes a dataframe, one partition per block of rows', async () => {
    const x = random.random([10, 3], { chunks: [4, 2], seed: 3 });
    const df = fromDaskArray(x, { columns: ['p', 'q', 'r'] });
    expect(df.npartitions).toBe(3);
    expect(df.schema).toEqual([
      ['p', 'float64'],
      ['q', 'float64'],
      ['r', 'float64'],
    ]);
    const t = await df.compute({ scheduler: threads });
    const nd = await x.compute(sync);
    expect(t.numRows).toBe(10);
    for (let i = 0; i < 10; i++) expect(t.getChild('q')!.get(i)).toBe(nd.get(i, 1));
    const ints = fromDaskArray(fromArray(Int32Array.from([5, 6, 7]), { chunks: 2 }));
    expect(ints.schema).toEqual([['0', 'int32']]);
    expect((await ints.compute(sync)).getChild('0')!.toArray()).toEqual(Int32Array.from([5, 6, 7]));
    // And back again.
    const back = await toDaskArray(df, sync);
    expect(Array.from((await back.compute(sync)).data)).toEqual(Array.from(nd.data));
  }, 60_000);

  test('bad columns and shapes are named', async () => {
    await expect(toDaskArray(frame(), { columns: ['k'] })).rejects.toThrow(
      "toDaskArray: column 'k' is utf8; the numeric columns are a, b",
    );
    await expect(toDaskArray(frame(), { columns: ['zz'] })).rejects.toThrow(
      "toDaskArray: column 'zz' is not in the dataframe",
    );
    expect(() => fromDaskArray(random.random([2, 2, 2], { seed: 1 }))).toThrow(
      'fromDaskArray: the array must be 1-d or 2-d, got shape [2, 2, 2]',
    );
    expect(() => fromDaskArray(random.random([4, 2], { seed: 1 }), { columns: ['a'] })).toThrow(
      'fromDaskArray: give 2 distinct column names for an array of shape [4, 2], got [a]',
    );
  }, 60_000);
});
