// The toy collection of docs/writing-a-collection.md works as the guide says: maps fuse into one
// task per chunk, results match plain arrays, on the sync and threads schedulers (the threads'
// workers import vector-kernels.ts by its URL, through tsx), and a closure is refused with the fix
// in the collection's terms.
import { afterAll, describe, expect, test } from '@jest/globals';
import { daskGraph } from '@dask-ts/protocol';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { range } from './vector.js';

const threads = createThreadsScheduler({ workers: 2 });
afterAll(async () => {
  await threads.close?.();
});

const expected = Array.from({ length: 10 }, (_, i) => (i + 1) * 2);

describe('the toy Vector collection', () => {
  test('fuses chains of maps into one task per chunk', () => {
    const v = range(10, 4)
      .map((x) => x + 1)
      .map((x) => x * 2);
    expect(v[daskGraph]().size).toBe(3 + 3); // range chunks + one fused map per chunk
    expect(v.sum()[daskGraph]().size).toBe(3 + 3 + 1);
  });

  test.each(['sync', 'threads'] as const)(
    'computes on %s',
    async (name) => {
      const scheduler = name === 'sync' ? 'sync' : threads;
      const v = range(10, 4)
        .map((x) => x + 1)
        .map((x) => x * 2);
      expect(await v.compute({ scheduler })).toEqual(expected);
      expect(await v.sum().compute({ scheduler })).toBe(110);
      const k = 3;
      expect(await v.map((x) => x - k, { scope: { k } }).compute({ scheduler })).toEqual(
        expected.map((x) => x - 3),
      );
    },
    60_000,
  );

  test('refuses a closure on threads, showing the fix', async () => {
    const k = 3;
    await expect(
      range(4, 2)
        .map((x) => x * k)
        .compute({ scheduler: threads }),
    ).rejects.toThrow(/vector\.map\(fn, \{ scope: \{ k \} \}\)/);
  }, 60_000);
});
