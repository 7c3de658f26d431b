// Element-wise operations checked against the same operation on the plain in-memory array, over
// random arrays and random partitionings, on the `sync` scheduler.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import '@dask-ts/scheduler';
import { concat, fromSequence, map, range, zip, type Bag } from '../index.js';

const sync = { scheduler: 'sync' } as const;
const ints = fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 60 });
const nparts = fc.integer({ min: 1, max: 9 });
const RUNS = { numRuns: 60 };

const bagOf = <T>(xs: T[], n: number): Bag<T> => fromSequence(xs, { npartitions: n });

describe('creation', () => {
  test('fromSequence keeps the elements and makes the requested partitions', async () => {
    await fc.assert(
      fc.asyncProperty(ints, nparts, async (xs, n) => {
        const b = bagOf(xs, n);
        expect(b.npartitions).toBe(Math.max(1, Math.min(n, xs.length)));
        expect(await b.compute(sync)).toEqual(xs);
      }),
      RUNS,
    );
  });

  test('fromSequence with partitionSize', async () => {
    await fc.assert(
      fc.asyncProperty(ints, fc.integer({ min: 1, max: 10 }), async (xs, size) => {
        const b = fromSequence(xs, { partitionSize: size });
        expect(b.npartitions).toBe(Math.max(1, Math.ceil(xs.length / size)));
        const parts = await Promise.all(b.toDelayed().map((d) => d.compute(sync)));
        expect(parts.flat()).toEqual(xs);
        for (const p of parts) expect(p.length).toBeLessThanOrEqual(size);
      }),
      RUNS,
    );
  });

  test('fromSequence defaults to about 100 partitions', () => {
    expect(fromSequence(Array.from({ length: 1000 }, (_, i) => i)).npartitions).toBe(100);
    expect(fromSequence([1, 2, 3]).npartitions).toBe(3);
    expect(fromSequence([]).npartitions).toBe(1);
  });

  test('range', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 200 }), nparts, async (n, p) => {
        expect(await range(n, { npartitions: p }).compute(sync)).toEqual(
          Array.from({ length: n }, (_, i) => i),
        );
      }),
      RUNS,
    );
  });

  test('bad partition options name the option', () => {
    expect(() => fromSequence([1], { npartitions: 0 })).toThrow(
      /npartitions must be a positive integer, got 0/,
    );
    expect(() => fromSequence([1], { partitionSize: 1.5 })).toThrow(
      /partitionSize must be a positive integer, got 1.5/,
    );
    expect(() => fromSequence([1], { npartitions: 1, partitionSize: 1 })).toThrow(/not both/);
    expect(() => range(-1)).toThrow(/range: n must be a non-negative integer, got -1/);
  });
});

describe('transformations match plain arrays', () => {
  test('map, filter, remove', async () => {
    await fc.assert(
      fc.asyncProperty(ints, nparts, async (xs, n) => {
        const b = bagOf(xs, n);
        expect(await b.map((x) => x * 2 + 1).compute(sync)).toEqual(xs.map((x) => x * 2 + 1));
        expect(await b.filter((x) => x % 3 === 0).compute(sync)).toEqual(
          xs.filter((x) => x % 3 === 0),
        );
        expect(await b.remove((x) => x % 3 === 0).compute(sync)).toEqual(
          xs.filter((x) => x % 3 !== 0),
        );
      }),
      RUNS,
    );
  });

  test('map with scope, extra values, Items and zipped bags', async () => {
    await fc.assert(
      fc.asyncProperty(ints, nparts, fc.integer(), async (xs, n, k) => {
        const b = bagOf(xs, n);
        const other = b.map((x) => -x);
        const total = xs.reduce((a, x) => a + x, 0);
        expect(await b.map((x) => x + k, { scope: { k } }).compute(sync)).toEqual(
          xs.map((x) => x + k),
        );
        const got = await b
          .map((x, y, s, c) => x * c + y + s, { args: [other, b.sum(), 7] })
          .compute(sync);
        expect(got).toEqual(xs.map((x) => x * 7 - x + total));
        expect(await map((x: number, y: number) => x - y, [b, other]).compute(sync)).toEqual(
          xs.map((x) => 2 * x),
        );
      }),
      RUNS,
    );
  });

  test('starmap', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer(), fc.integer())), nparts, async (pairs, n) => {
        const b = bagOf(pairs, n);
        expect(await b.starmap((a: number, c: number) => a - c).compute(sync)).toEqual(
          pairs.map(([a, c]) => a - c),
        );
        expect(
          await b
            .starmap((a: number, c: number, k: number) => a * k + c, { args: [3] })
            .compute(sync),
        ).toEqual(pairs.map(([a, c]) => a * 3 + c));
      }),
      RUNS,
    );
  });

  test('mapPartitions (arrays, iterables, async)', async () => {
    await fc.assert(
      fc.asyncProperty(ints, nparts, async (xs, n) => {
        const b = bagOf(xs, n);
        const lens = await b.mapPartitions((p) => [p.length]).compute(sync);
        expect(lens).toHaveLength(b.npartitions);
        expect(lens.reduce((a, c) => a + c, 0)).toBe(xs.length);
        expect(await b.mapPartitions((p) => new Set(p)).compute(sync)).toEqual(
          (await Promise.all(b.toDelayed().map((d) => d.compute(sync)))).flatMap((p) => [
            ...new Set(p),
          ]),
        );
        expect(await b.mapPartitions(async (p) => p.map((x) => x + 1)).compute(sync)).toEqual(
          xs.map((x) => x + 1),
        );
        expect(
          await b.mapPartitions((p, q) => p.map((x, i) => x + q[i]), { args: [b] }).compute(sync),
        ).toEqual(xs.map((x) => 2 * x));
      }),
      RUNS,
    );
  });

  test('flatten and pluck', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer(), { maxLength: 4 })),
        nparts,
        async (xss, n) => {
          const b = bagOf(xss, n);
          expect(await b.flatten().compute(sync)).toEqual(xss.flat());
          const objs = bagOf(
            xss.map((xs) => ({ n: xs.length, xs })),
            n,
          );
          expect(await objs.pluck('n').compute(sync)).toEqual(xss.map((xs) => xs.length));
          expect(await objs.pluck(['n', 'xs']).compute(sync)).toEqual(
            xss.map((xs) => [xs.length, xs]),
          );
          expect(await b.pluck(0, null).compute(sync)).toEqual(
            xss.map((xs) => (xs.length > 0 ? xs[0] : null)),
          );
        },
      ),
      RUNS,
    );
  });

  test('product, zip, concat', async () => {
    await fc.assert(
      fc.asyncProperty(
        ints,
        nparts,
        fc.array(fc.string(), { maxLength: 8 }),
        nparts,
        async (xs, n, ys, m) => {
          const a = bagOf(xs, n);
          const c = bagOf(ys, m);
          const prod = await a.product(c).compute(sync);
          const expected = xs.flatMap((x) => ys.map((y) => [x, y]));
          expect(prod.map((p) => JSON.stringify(p)).sort()).toEqual(
            expected.map((p) => JSON.stringify(p)).sort(),
          );
          expect(
            await zip(
              a,
              a.map((x) => String(x)),
            ).compute(sync),
          ).toEqual(xs.map((x) => [x, String(x)]));
          expect(await concat([a, a.map((x) => x + 1)]).compute(sync)).toEqual([
            ...xs,
            ...xs.map((x) => x + 1),
          ]);
        },
      ),
      RUNS,
    );
  });

  test('accumulate, with and without initial', async () => {
    await fc.assert(
      fc.asyncProperty(ints, nparts, async (xs, n) => {
        const b = bagOf(xs, n);
        const running: number[] = [];
        xs.forEach((x, i) => running.push(i === 0 ? x : running[i - 1] + x));
        expect(await b.accumulate((a, x) => a + x).compute(sync)).toEqual(running);
        expect(await b.accumulate((a: string, x) => a + x, { initial: '>' }).compute(sync)).toEqual(
          ['>', ...xs.map((_, i) => '>' + xs.slice(0, i + 1).join(''))],
        );
      }),
      RUNS,
    );
  });

  test('repartition keeps order and gives the requested count', async () => {
    await fc.assert(
      fc.asyncProperty(ints, nparts, fc.integer({ min: 1, max: 20 }), async (xs, n, p) => {
        const b = bagOf(xs, n).repartition(p);
        expect(b.npartitions).toBe(p);
        expect(await b.compute(sync)).toEqual(xs);
        const parts = await Promise.all(b.toDelayed().map((d) => d.compute(sync)));
        expect(parts).toHaveLength(p);
      }),
      RUNS,
    );
  });
});

describe('bad inputs name the culprit', () => {
  const sync2 = sync;
  test('bags of different partitioning', async () => {
    const a = fromSequence([1, 2, 3], { npartitions: 3 });
    const b = fromSequence([1, 2, 3], { npartitions: 2 });
    expect(() => a.map((x, y) => x + y, { args: [b] })).toThrow(
      /argument 0 is a bag with 2 partitions, but the bag it is combined with has 3/,
    );
    expect(() => zip(a, b)).toThrow(/zip: argument 0 is a bag with 2 partitions/);
    const c = fromSequence([1, 2], { npartitions: 3 });
    await expect(
      zip(fromSequence([1, 2, 3], { npartitions: 2 }), c.repartition(2)).compute(sync2),
    ).rejects.toThrow(
      /zip: the bags passed together have partitions of different lengths here \(2 and 1\)/,
    );
  });

  test('pluck of a missing key, flatten and starmap of bad elements', async () => {
    const b = fromSequence([{ a: 1 }, { b: 2 }] as { a?: number; b?: number }[], {
      npartitions: 1,
    });
    await expect(b.pluck('a').compute(sync)).rejects.toThrow(
      /pluck: element 1 of this partition has no key "a"/,
    );
    await expect(
      fromSequence([[1], 2])
        .flatten()
        .compute(sync),
    ).rejects.toThrow(/flatten: element 0 of this partition is not iterable \(got number 2\)/);
    await expect(
      fromSequence([1] as unknown as [number][])
        .starmap((x: number) => x)
        .compute(sync),
    ).rejects.toThrow(/starmap: element 0 of this partition is not an array \(got number 1\)/);
    await expect(
      fromSequence([1])
        .mapPartitions(() => 5 as unknown as number[])
        .compute(sync),
    ).rejects.toThrow(
      /mapPartitions: the function must return an array or an iterable, got number 5/,
    );
  });

  test('repartition and map arguments', () => {
    expect(() => fromSequence([1]).repartition(0)).toThrow(
      /repartition: npartitions must be a positive integer, got 0/,
    );
    expect(() => fromSequence([1]).map(5 as unknown as (x: number) => number)).toThrow(
      /map: expected a function or a function reference, got number/,
    );
    expect(() => map((x: number) => x, [1, 2])).toThrow(/map: at least one argument must be a bag/);
  });
});
