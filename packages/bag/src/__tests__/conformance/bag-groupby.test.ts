// Conformance with Dask's `dask/bag/tests/test_bag.py`: groupby, including the multi-stage task
// shuffle (`maxBranch`). Each case is named after the Dask test it translates and runs on `sync`
// and `threads`; the skip list is in bag-core.test.ts. Dask's `shuffle='tasks'` is the only
// shuffle here (no disk shuffle), so that option has no counterpart.
import { describe, expect, test } from '@jest/globals';
import { daskGraph, type Collection } from '@dask-ts/protocol';
import { fromSequence, range, type Bag } from '../../index.js';
import { L, onEachScheduler } from './harness.js';

const b = fromSequence(L, { npartitions: 3 });
const seq = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Plain groups of `xs` by `key`, elements in order. */
function plainGroups<T, K>(xs: T[], key: (x: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const x of xs) {
    const g = m.get(x === undefined ? (undefined as K) : key(x));
    if (g) g.push(x);
    else m.set(key(x), [x]);
  }
  return m;
}

/** The computed partitions of a grouped bag, each as its list of keys. */
async function partitionKeys<K, V>(g: Bag<[K, V[]]>, run: object): Promise<K[][]> {
  const parts = await Promise.all(g.toDelayed().map((d) => d.compute(run)));
  return parts.map((p) => p.map((e) => e[0]));
}

function disjoint<K>(parts: K[][]): boolean {
  const seen = new Set<K>();
  for (const p of parts) {
    for (const k of new Set(p)) {
      if (seen.has(k)) return false;
      seen.add(k);
    }
  }
  return true;
}

const sortedGroups = <K>(pairs: [K, number[]][]): Map<K, number[]> =>
  new Map(pairs.map(([k, v]) => [k, [...v].sort((x, y) => x - y)]));

onEachScheduler((run) => {
  test('test_bag.py::test_bag_groupby_pure_hash', async () => {
    const iseven = (x: number): boolean => x % 2 === 0;
    expect(sortedGroups(await b.groupby(iseven).compute(run))).toEqual(
      new Map([
        [true, [0, 0, 0, 2, 2, 2, 4, 4, 4]],
        [false, [1, 1, 1, 3, 3, 3]],
      ]),
    );
  });

  test('test_bag.py::test_bag_groupby_normal_hash', async () => {
    const result = await b.groupby((x) => (x % 2 === 0 ? 'even' : 'odd')).compute(run);
    expect(result).toHaveLength(2);
    expect(new Map(result)).toEqual(
      new Map([
        ['even', [0, 2, 4, 0, 2, 4, 0, 2, 4]],
        ['odd', [1, 3, 1, 3, 1, 3]],
      ]),
    );
  });

  test('test_bag.py::test_groupby', async () => {
    const identity = (x: number): number => x;
    const c = b.groupby(identity);
    expect(new Map(await c.compute(run))).toEqual(new Map(seq(5).map((k) => [k, [k, k, k]])));
    expect(c.npartitions).toBe(b.npartitions);
    expect(c.name).toBe(b.groupby(identity).name);
    expect(c.name).not.toBe(b.groupby((x) => x + 1).name);
  });

  test('test_bag.py::test_groupby_with_indexer', async () => {
    const t = fromSequence([
      [1, 2, 3],
      [1, 4, 9],
      [2, 3, 4],
    ]);
    expect(new Map(await t.groupby(0).compute(run))).toEqual(
      new Map([
        [
          1,
          [
            [1, 2, 3],
            [1, 4, 9],
          ],
        ],
        [2, [[2, 3, 4]]],
      ]),
    );
  });

  test('test_bag.py::test_groupby_with_npartitions_changed', async () => {
    const result = b.groupby((x) => x, { npartitions: 1 });
    expect(new Map(await result.compute(run))).toEqual(new Map(seq(5).map((k) => [k, [k, k, k]])));
    expect(result.npartitions).toBe(1);
  });

  test('test_bag.py::test_groupby_with_scheduler_func', async () => {
    expect(
      await b
        .groupby((x) => x, { npartitions: 1 })
        .count()
        .compute(run),
    ).toBe(5);
  });

  test('test_bag.py::test_msgpack_unicode', async () => {
    const g = fromSequence([{ a: 1 }]).groupby('a');
    expect(new Map(await g.compute(run))).toEqual(new Map([[1, [{ a: 1 }]]]));
  });

  test('test_bag.py::test_repeated_groupby', async () => {
    const c = range(10, { npartitions: 4 }).groupby((x) => x % 3);
    const lens = async (): Promise<Map<number, number>> =>
      new Map((await c.compute(run)).map(([k, v]) => [k, v.length]));
    expect(await lens()).toEqual(await lens());
  });

  describe('test_bag.py::test_groupby_tasks', () => {
    test('160 elements, 4 partitions, maxBranch 4', async () => {
      const t = fromSequence(seq(160), { npartitions: 4 });
      const out = t.groupby((x) => x % 10, { maxBranch: 4 });
      expect(disjoint(await partitionKeys(out, run))).toBe(true);
    });

    test('1000 elements, 100 partitions: far fewer than 100 * 100 tasks', async () => {
      const t = fromSequence(seq(1000), { npartitions: 100 });
      const out = t.groupby((x) => x % 123);
      expect(out[daskGraph]().size).toBeLessThan(100 ** 2);
      const parts = await partitionKeys(out, run);
      expect(disjoint(parts)).toBe(true);
      expect(parts.flat().length).toBe(123);
    });

    test('10000 elements, 345 partitions, maxBranch 24', async () => {
      const t = fromSequence(seq(10000), { npartitions: 345 });
      const out = t.groupby((x) => x % 2834, { maxBranch: 24 });
      const parts = await partitionKeys(out, run);
      expect(disjoint(parts)).toBe(true);
      expect(parts.flat().length).toBe(2834);
    });
  });

  test('test_bag.py::test_groupby_tasks_names', () => {
    const t = fromSequence(seq(160), { npartitions: 4 });
    const func = (x: number): number => x % 10;
    const func2 = (x: number): number => x % 20;
    const keys = (g: Collection): string[] => [...g[daskGraph]().keys()].sort();
    expect(keys(t.groupby(func, { maxBranch: 4 }))).toEqual(
      keys(t.groupby(func, { maxBranch: 4 })),
    );
    expect(keys(t.groupby(func, { maxBranch: 4 }))).not.toEqual(
      keys(t.groupby(func, { maxBranch: 2 })),
    );
    expect(keys(t.groupby(func, { maxBranch: 4 }))).not.toEqual(
      keys(t.groupby(func2, { maxBranch: 4 })),
    );
  });

  describe('test_bag.py::test_groupby_tasks_2', () => {
    const cases: [number, number, number][] = [
      [1000, 20, 100],
      [12345, 234, 1042],
      [100, 1, 50],
    ];
    for (const [size, npartitions, groups] of cases) {
      test(`size=${size} npartitions=${npartitions} groups=${groups}`, async () => {
        const result = await range(size, { npartitions })
          .groupby((x) => x % groups, { scope: { groups } })
          .compute(run);
        expect(sortedGroups(result)).toEqual(plainGroups(seq(size), (x) => x % groups));
      });
    }
  });

  test('test_bag.py::test_groupby_tasks_3', async () => {
    const func = (x: number): number => x % 10;
    const result = await range(20, { npartitions: 5 }).groupby(func, { maxBranch: 2 }).compute(run);
    expect(sortedGroups(result)).toEqual(plainGroups(seq(20), func));
  });
});

test('the multi-stage shuffle keeps the input order within groups and grows as n log n', async () => {
  for (const [n, maxBranch] of [
    [40, 4],
    [100, 8],
  ] as const) {
    const xs = seq(2000).map((i) => (i * 7919) % 2000);
    const t = fromSequence(xs, { npartitions: n });
    const out = await t.groupby((x) => x % 37, { maxBranch }).compute({ scheduler: 'sync' });
    expect(new Map(out)).toEqual(plainGroups(xs, (x) => x % 37));
  }
  const taskCount = (g: Collection): number => g[daskGraph]().size;
  const sizes = [64, 256, 1024].map((n) =>
    taskCount(range(n * 4, { npartitions: n }).groupby((x) => x % 7)),
  );
  // n log n: quadrupling n multiplies the task count by about 4-5, never by 16.
  expect(sizes[1] / sizes[0]).toBeLessThan(8);
  expect(sizes[2] / sizes[1]).toBeLessThan(8);
});
