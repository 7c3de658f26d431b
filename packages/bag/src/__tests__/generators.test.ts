// Generators and other iterators returned by bag functions are materialised, as Dask's `reify`
// does, so they can leave their task (to another thread) and be read more than once.
// Needs the built dist of protocol, graph, worker, scheduler and bag (workers run plain Node).
import { afterAll, describe, expect, test } from '@jest/globals';
import { createThreadsScheduler, syncScheduler } from '@dask-ts/scheduler';
import type { Scheduler } from '@dask-ts/protocol';
import { fromSequence } from '../index.js';

const threads = createThreadsScheduler({ workers: 2, log: () => undefined });
afterAll(async () => {
  await threads.close();
});

describe.each([
  ['sync', syncScheduler],
  ['threads', threads],
] as [string, Scheduler][])('%s: iterators returned by bag functions', (_name, scheduler) => {
  const opts = { scheduler };

  test('map: a generator per element becomes an array', async () => {
    const b = fromSequence([1, 2, 3], { npartitions: 2 }).map(function* (x: number) {
      yield x;
      yield x * 10;
    });
    expect(await b.compute(opts)).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
  });

  test('a Map iterator is materialised too', async () => {
    const a = fromSequence([1, 2], { npartitions: 1 });
    expect(await a.map((x: number) => new Map([[x, x * 2]]).entries()).compute(opts)).toEqual([
      [[1, 2]],
      [[2, 4]],
    ]);
  });

  test('mapPartitions: a generator partition, and generator elements inside one', async () => {
    const b = fromSequence([1, 2, 3, 4], { npartitions: 2 });
    const gen = b.mapPartitions(function* (part: number[]) {
      for (const x of part) yield x + 1;
    });
    expect(await gen.compute(opts)).toEqual([2, 3, 4, 5]);
    const nested = b.mapPartitions((part: number[]) =>
      part.map(function* (x: number) {
        yield x;
      }),
    );
    expect(await nested.compute(opts)).toEqual([[1], [2], [3], [4]]);
  });

  test('flatten reads a generator lazily', async () => {
    const b = fromSequence([2, 3], { npartitions: 2 })
      .map(function* (n: number) {
        for (let i = 0; i < n; i++) yield i;
      })
      .flatten();
    expect(await b.compute(opts)).toEqual([0, 1, 0, 1, 2]);
  });
});
