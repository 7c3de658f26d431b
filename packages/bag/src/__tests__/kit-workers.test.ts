// Bag on the collection kit, in workers: the kernels module workers import is bag's own module URL
// (under jest, the TypeScript source, which workers load through tsx; no mapping to dist/), and a
// fused pipeline with an aggregation gives the same result on the threads and processes schedulers
// as in-thread. Needs the built dist of protocol, graph, worker and scheduler.
import { afterAll, describe, expect, test } from '@jest/globals';
import { daskGraph, type Task } from '@dask-ts/protocol';
import { createProcessesScheduler, createThreadsScheduler } from '@dask-ts/scheduler';
import { fromSequence, KERNELS_MODULE } from '../index.js';

const threads = createThreadsScheduler({ workers: 2 });
const processes = createProcessesScheduler({ workers: 2 });

afterAll(async () => {
  await threads.close?.();
  await processes.close?.();
});

describe('bag kernels in workers', () => {
  test("the kernels module is bag's own kernels module, as it is", () => {
    expect(KERNELS_MODULE).toMatch(/\/kernels\.(ts|js)$/);
    expect(KERNELS_MODULE.endsWith('.ts')).toBe(import.meta.url.endsWith('.ts'));
    const b = fromSequence([1, 2, 3], { npartitions: 2 }).map((x) => x + 1);
    const tasks = [...b[daskGraph]().values()].filter((n): n is Task => n.kind === 'task');
    expect(tasks.map((t) => t.fn)).toContainEqual({
      kind: 'builtin',
      name: 'bag.pipe',
      module: KERNELS_MODULE,
    });
  });

  test.each([
    ['threads', threads],
    ['processes', processes],
  ] as const)(
    'a fused pipeline and its aggregation run on %s',
    async (_name, scheduler) => {
      const xs = Array.from({ length: 500 }, (_, i) => i);
      const b = fromSequence(xs, { npartitions: 5 })
        .map((x) => x * 3)
        .filter((x) => x % 2 === 0);
      const expected = xs.map((x) => x * 3).filter((x) => x % 2 === 0);
      expect(await b.compute({ scheduler })).toEqual(expected);
      expect(await b.sum().compute({ scheduler })).toBe(expected.reduce((a, x) => a + x, 0));
      const freq = await b
        .map((x) => x % 4)
        .frequencies({ sort: true })
        .compute({ scheduler });
      expect(freq.reduce((a, [, n]) => a + n, 0)).toBe(expected.length);
    },
    60_000,
  );
});
