// Aggregations checked against plain reductions of the in-memory array, over random arrays,
// partitionings and tree widths (`splitEvery`), on the `sync` scheduler.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import '@dask-ts/scheduler';
import { fromSequence, type Bag } from '../index.js';

const sync = { scheduler: 'sync' } as const;
const ints = fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 60 });
const nonEmpty = fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 60 });
const nparts = fc.integer({ min: 1, max: 12 });
const split = fc.integer({ min: 2, max: 5 });
const RUNS = { numRuns: 50 };

const bagOf = <T>(xs: T[], n: number): Bag<T> => fromSequence(xs, { npartitions: n });
const byKey = <T>(pairs: [unknown, T][]): [unknown, T][] =>
  [...pairs].sort((a, b) => JSON.stringify(a[0]).localeCompare(JSON.stringify(b[0])));

function plainGroups<T, K>(xs: T[], key: (x: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return m;
}

describe('single values', () => {
  test('count, sum, min, max, all, any', async () => {
    await fc.assert(
      fc.asyncProperty(ints, nparts, split, async (xs, n, splitEvery) => {
        const b = bagOf(xs, n);
        const o = { splitEvery };
        expect(await b.count(o).compute(sync)).toBe(xs.length);
        expect(await b.sum(o).compute(sync)).toBe(xs.reduce((a, x) => a + x, 0));
        expect(await b.all(o).compute(sync)).toBe(xs.every(Boolean));
        expect(await b.any(o).compute(sync)).toBe(xs.some(Boolean));
        if (xs.length > 0) {
          expect(await b.min(o).compute(sync)).toBe(Math.min(...xs));
          expect(await b.max(o).compute(sync)).toBe(Math.max(...xs));
        }
      }),
      RUNS,
    );
  });

  test('mean, var, std (with ddof)', async () => {
    await fc.assert(
      fc.asyncProperty(
        nonEmpty,
        nparts,
        split,
        fc.integer({ min: 0, max: 1 }),
        async (xs, n, splitEvery, ddof) => {
          const b = bagOf(xs, n);
          const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
          const ss = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
          const v = xs.length - ddof > 0 ? ss / (xs.length - ddof) : NaN;
          expect(await b.mean({ splitEvery }).compute(sync)).toBeCloseTo(mean, 9);
          const gotVar = await b.var({ ddof, splitEvery }).compute(sync);
          const gotStd = await b.std({ ddof, splitEvery }).compute(sync);
          if (Number.isNaN(v)) {
            expect(gotVar).toBeNaN();
          } else {
            expect(gotVar).toBeCloseTo(v, 7);
            expect(gotStd).toBeCloseTo(Math.sqrt(v), 7);
          }
        },
      ),
      RUNS,
    );
  });

  test('fold and reduction', async () => {
    await fc.assert(
      fc.asyncProperty(ints, nparts, split, async (xs, n, splitEvery) => {
        const b = bagOf(xs, n);
        const total = xs.reduce((a, x) => a + x, 0);
        expect(await b.fold((a, x) => a + x, { initial: 0, splitEvery }).compute(sync)).toBe(total);
        expect(
          await b
            .fold((acc: number, x) => acc + (x > 0 ? 1 : 0), {
              initial: 0,
              combine: (a, c) => a + c,
              splitEvery,
            })
            .compute(sync),
        ).toBe(xs.filter((x) => x > 0).length);
        if (xs.length > 0)
          expect(await b.fold((a, x) => Math.max(a, x), { splitEvery }).compute(sync)).toBe(
            Math.max(...xs),
          );
        const r = b.reduction(
          (part) => part.length,
          (counts) => counts.reduce((a, c) => a + c, 0),
          { splitEvery },
        );
        expect(await r.compute(sync)).toBe(xs.length);
      }),
      RUNS,
    );
  });

  test('Item.apply and Items as arguments', async () => {
    const b = fromSequence([1, 2, 3, 4], { npartitions: 3 });
    expect(
      await b
        .sum()
        .apply((s) => s * 10)
        .compute(sync),
    ).toBe(100);
    const mean = b.mean();
    expect(await b.map((x, m) => x - m, { args: [mean] }).compute(sync)).toEqual([
      -1.5, -0.5, 0.5, 1.5,
    ]);
    expect(await b.count().toDelayed().compute(sync)).toBe(4);
  });
});

describe('grouped results', () => {
  test('foldby matches grouping then folding', async () => {
    await fc.assert(
      fc.asyncProperty(ints, nparts, split, async (xs, n, splitEvery) => {
        const b = bagOf(xs, n);
        const key = (x: number): number => ((x % 4) + 4) % 4;
        const got = await b
          .foldby(key, (a: number, x) => a + x, {
            initial: 0,
            combine: (p, q) => p + q,
            splitEvery,
          })
          .compute(sync);
        const expected = [...plainGroups(xs, key)].map(
          ([k, g]) => [k, g.reduce((a, x) => a + x, 0)] as [unknown, number],
        );
        expect(byKey(got)).toEqual(byKey(expected));
        // Without initial: the first element starts each fold.
        const maxes = await b.foldby(key, (a, x) => Math.max(a, x), { splitEvery }).compute(sync);
        expect(byKey(maxes)).toEqual(
          byKey([...plainGroups(xs, key)].map(([k, g]) => [k, Math.max(...g)])),
        );
      }),
      RUNS,
    );
  });

  test('foldby with a property key and tuple keys', async () => {
    const rows = [
      { k: 'a', t: [1, 'x'], v: 1 },
      { k: 'b', t: [1, 'x'], v: 2 },
      { k: 'a', t: [2, 'y'], v: 3 },
    ];
    const b = fromSequence(rows, { npartitions: 3 });
    expect(
      byKey(
        await b
          .foldby('k', (a: number, r) => a + r.v, { initial: 0, combine: (p, q) => p + q })
          .compute(sync),
      ),
    ).toEqual([
      ['a', 4],
      ['b', 2],
    ]);
    expect(
      byKey(
        await b
          .foldby('t', (a: number, r) => a + r.v, { initial: 0, combine: (p, q) => p + q })
          .compute(sync),
      ),
    ).toEqual([
      [[1, 'x'], 3],
      [[2, 'y'], 3],
    ]);
  });

  test('groupby keeps each group in input order, over a bounded partition count', async () => {
    await fc.assert(
      fc.asyncProperty(ints, nparts, fc.integer({ min: 1, max: 6 }), async (xs, n, p) => {
        const b = bagOf(xs, n);
        const key = (x: number): number => ((x % 5) + 5) % 5;
        const g = b.groupby(key, { npartitions: p });
        expect(g.npartitions).toBe(p);
        expect(byKey(await g.compute(sync))).toEqual(byKey([...plainGroups(xs, key)]));
      }),
      RUNS,
    );
    expect(
      fromSequence(
        Array.from({ length: 300 }, (_, i) => i),
        { npartitions: 300 },
      ).groupby((x) => x % 7).npartitions,
    ).toBe(100);
  });

  test('frequencies (sorted), distinct, topk', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 60 }),
        nparts,
        split,
        fc.integer({ min: 0, max: 8 }),
        async (xs, n, splitEvery, k) => {
          const b = bagOf(xs, n);
          const counts = [...plainGroups(xs, (x) => x)].map(
            ([v, g]) => [v, g.length] as [unknown, number],
          );
          expect(byKey(await b.frequencies({ splitEvery }).compute(sync))).toEqual(byKey(counts));
          const sorted = await b.frequencies({ sort: true, splitEvery }).compute(sync);
          expect(sorted.map((e) => e[1])).toEqual(counts.map((e) => e[1]).sort((a, c) => c - a));
          expect((await b.distinct(undefined, { splitEvery }).compute(sync)).sort()).toEqual(
            [...new Set(xs)].sort(),
          );
          expect(await b.topk(k, undefined, { splitEvery }).compute(sync)).toEqual(
            [...xs].sort((a, c) => c - a).slice(0, k),
          );
          expect(await b.topk(k, (x) => -x, { splitEvery }).compute(sync)).toEqual(
            [...xs].sort((a, c) => a - c).slice(0, k),
          );
        },
      ),
      RUNS,
    );
  });

  test('distinct and topk by key', async () => {
    const people = fromSequence(
      [
        { name: 'ann', age: 31 },
        { name: 'bob', age: 27 },
        { name: 'cid', age: 31 },
        { name: 'dan', age: 45 },
      ],
      { npartitions: 2 },
    );
    expect((await people.distinct('age').compute(sync)).map((p) => p.name).sort()).toEqual([
      'ann',
      'bob',
      'dan',
    ]);
    expect((await people.topk(2, 'age').compute(sync)).map((p) => p.name)).toEqual(['dan', 'ann']);
  });
});

describe('empty bags and bad options', () => {
  test('min, max and fold of an empty bag say so', async () => {
    const e = fromSequence([] as number[]);
    await expect(e.min().compute(sync)).rejects.toThrow(/min of an empty bag/);
    await expect(e.max().compute(sync)).rejects.toThrow(/max of an empty bag/);
    await expect(e.fold((a, x) => a + x).compute(sync)).rejects.toThrow(
      /fold of an empty bag: pass an initial value/,
    );
    expect(await e.fold((a, x) => a + x, { initial: 0 }).compute(sync)).toBe(0);
    expect(await e.sum().compute(sync)).toBe(0);
    expect(await e.count().compute(sync)).toBe(0);
    expect(await e.mean().compute(sync)).toBeNaN();
    expect(await e.frequencies().compute(sync)).toEqual([]);
  });

  test('bad splitEvery, k and npartitions name the option', () => {
    const b = fromSequence([1, 2, 3]);
    expect(() => b.sum({ splitEvery: 1 })).toThrow(
      /sum: splitEvery must be an integer of at least 2, got 1/,
    );
    expect(() => b.topk(-1)).toThrow(/topk: k must be a non-negative integer, got -1/);
    expect(() => b.groupby((x) => x, { npartitions: 0 })).toThrow(
      /groupby: npartitions must be a positive integer, got 0/,
    );
    // Dask's positional initial / combine are options here: a clear error, not a wrong answer.
    const add = (a: number, x: number) => a + x;
    expect(() => b.foldby((x) => x % 2, add, 0 as never)).toThrow(
      /foldby: options must be an object such as \{ initial: 0, combine \}, got number 0/,
    );
    expect(() => b.fold(add, add as never)).toThrow(/fold: options must be an object/);
  });
});
