// Conformance with Dask's `dask/bag/tests/test_bag.py`: aggregations (folds, reductions, tree
// reductions, statistics, topk, frequencies, distinct, foldby, join). Each case is named after the
// Dask test it translates and runs on `sync` and `threads`; the skip list is in bag-core.test.ts.
import { describe, expect, test } from '@jest/globals';
import { delayed } from '@dask-ts/graph';
import { daskGraph, type Collection } from '@dask-ts/protocol';
import { Bag, fromSequence, range } from '../../index.js';
import { add, L, onEachScheduler, sorted } from './harness.js';

const b = fromSequence(L, { npartitions: 3 });
const sumL = L.reduce(add, 0);
const seq = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

onEachScheduler((run) => {
  test('test_bag.py::test_fold', async () => {
    const c = b.fold(add);
    expect(await c.compute(run)).toBe(sumL);
    expect(c.key).toBe(b.fold(add).key);

    // Dask applies `initial` to each partition's fold and not again when combining: 30 + 10 * 3.
    const c2 = b.fold(add, { initial: 10 });
    expect(c2.key).not.toBe(c.key);
    expect(await c2.compute(run)).toBe(sumL + 10 * b.npartitions);
    expect(c2.key).toBe(b.fold(add, { initial: 10 }).key);
    expect(await c2.compute(run)).toBe(60); // not 70: the combine does not add `initial` again
    expect(
      await fromSequence([5, 10, 15], { npartitions: 1 }).fold(add, { initial: 10 }).compute(run),
    ).toBe(40);

    const five = fromSequence(seq(5), { npartitions: 3 });
    const binop = (acc: number[], x: number): number[] => [...acc, x];
    const union = (a: number[], c: number[]): number[] => [...new Set([...a, ...c])];
    const d = five.fold(binop, { combine: union, initial: [] as number[] });
    expect(sorted(await d.compute(run))).toEqual(seq(5));
    expect(d.key).toBe(five.fold(binop, { combine: union, initial: [] as number[] }).key);

    const h = fromSequence([...'hello']);
    const joined = await h.fold((a: string, x: string) => a + x, { initial: '' }).compute(run);
    expect(new Set(joined)).toEqual(new Set('hello'));

    const e = fromSequence([[1], [2], [3]], { npartitions: 2 });
    const cat = (a: number[], x: number[]): number[] => [...a, ...x];
    expect(new Set(await e.fold(cat, { initial: [] as number[] }).compute(run))).toEqual(
      new Set([1, 2, 3]),
    );
  });

  test('test_bag.py::test_fold_bag', async () => {
    const binop = (tot: number[], x: number): number[] => (tot.includes(x) ? tot : [...tot, x]);
    const union = (a: number[], c: number[]): number[] => [...new Set([...a, ...c])];
    const c = b.fold(binop, { combine: union, initial: [] as number[], outType: 'bag' });
    expect(c).toBeInstanceOf(Bag);
    expect(sorted(await c.compute(run))).toEqual(seq(5));
  });

  test('test_bag.py::test_distinct', async () => {
    expect(sorted(await b.distinct().compute(run))).toEqual(seq(5));
    expect(b.distinct().name).toBe(b.distinct().name);
    expect(b.distinct().name).toContain('distinct');
    expect(await b.distinct().count().compute(run)).toBe(5);
    const zeros = fromSequence(Array<number>(50).fill(0), { npartitions: 50 });
    expect(
      await zeros
        .filter((x) => x)
        .distinct()
        .compute(run),
    ).toEqual([]);
  });

  test('test_bag.py::test_distinct_with_key', async () => {
    const s = [0, 1, 2, 1, 2, 3, 2, 3, 4, 5].map((a) => ({ a }));
    const bag = fromSequence(s, { npartitions: 3 });
    const expected = [0, 1, 2, 3, 4, 5].map((a) => ({ a }));
    expect(await bag.distinct('a').compute(run)).toEqual(expected);
    expect(await bag.distinct((x) => x.a).compute(run)).toEqual(expected);
  });

  test('test_bag.py::test_frequencies', async () => {
    const want = new Map(seq(5).map((k) => [k, 3]));
    expect(new Map(await b.frequencies().compute(run))).toEqual(want);
    expect(new Map(await b.frequencies({ splitEvery: 2 }).compute(run))).toEqual(want);
    expect(b.frequencies().name).toBe(b.frequencies().name);
    expect(b.frequencies().name).not.toBe(b.frequencies({ splitEvery: 2 }).name);
    expect(b.frequencies({ splitEvery: 2 }).name).toBe(b.frequencies({ splitEvery: 2 }).name);
    const b2 = fromSequence(seq(20), { partitionSize: 2 }).filter((x) => x < 10);
    expect(new Map(await b2.frequencies().compute(run))).toEqual(
      new Map(seq(10).map((k) => [k, 1])),
    );
    const zeros = fromSequence([0, 0, 0, 0], { npartitions: 4 });
    expect(
      await zeros
        .filter((x) => x)
        .frequencies({ splitEvery: 2 })
        .compute(run),
    ).toEqual([]);
  });

  test('test_bag.py::test_frequencies_sorted', async () => {
    const s = fromSequence(['a', 'b', 'b', 'b', 'c', 'c']);
    expect(await s.frequencies({ sort: true }).compute(run)).toEqual([
      ['b', 3],
      ['c', 2],
      ['a', 1],
    ]);
  });

  test('test_bag.py::test_topk', async () => {
    expect(await b.topk(4).compute(run)).toEqual([4, 4, 4, 3]);
    const neg = (x: number): number => -x;
    const c = b.topk(4, neg);
    expect(await c.compute(run)).toEqual([0, 0, 0, 1]);
    const c2 = b.topk(4, neg, { splitEvery: 2 });
    expect(await c2.compute(run)).toEqual([0, 0, 0, 1]);
    expect(c.name).not.toBe(c2.name);
    expect(b.topk(4).name).toBe(b.topk(4).name);
  });

  describe('test_bag.py::test_topk_with_non_callable_key', () => {
    for (const npartitions of [1, 2]) {
      test(`npartitions=${npartitions}`, async () => {
        const t = fromSequence(
          [
            [1, 10],
            [2, 9],
            [3, 8],
          ] as [number, number][],
          { npartitions },
        );
        expect(await t.topk(2, 1).compute(run)).toEqual([
          [1, 10],
          [2, 9],
        ]);
        expect(await t.topk(2, 0).compute(run)).toEqual([
          [3, 8],
          [2, 9],
        ]);
        expect(t.topk(2, 1).name).toBe(t.topk(2, 1).name);
      });
    }
  });

  test('test_bag.py::test_reductions', async () => {
    expect(await b.count().compute(run)).toBe(15);
    expect(await b.sum().compute(run)).toBe(30);
    expect(await b.max().compute(run)).toBe(4);
    expect(await b.min().compute(run)).toBe(0);
    expect(await b.any().compute(run)).toBe(true);
    expect(await b.all().compute(run)).toBe(false);
    expect(b.all().key).toBe(b.all().key);
    expect(b.all().key).not.toBe(b.any().key);
  });

  test('test_bag.py::test_reduction_names', async () => {
    function sum(xs: number[]): number {
      return xs.reduce((a, x) => a + x, 0);
    }
    function max(xs: number[]): number {
      return Math.max(...xs);
    }
    expect(b.sum().key.startsWith('sum')).toBe(true);
    expect(b.reduction(sum, sum).key.startsWith('sum')).toBe(true);
    expect(b.reduction(sum, max).key.startsWith('max')).toBe(true);
    expect(b.reduction(sum, sum, { name: 'foo' }).key.startsWith('foo')).toBe(true);
    expect(await b.reduction(sum, sum, { name: 'foo' }).compute(run)).toBe(30);
  });

  test('test_bag.py::test_tree_reductions', async () => {
    const t = fromSequence(seq(12));
    const sum = (xs: number[]): number => xs.reduce((a, x) => a + x, 0);
    const c = t.reduction(sum, sum, { splitEvery: 2 });
    const d = t.reduction(sum, sum, { splitEvery: 6 });
    const e = t.reduction(sum, sum, { splitEvery: 5 });
    const cv = await c.compute(run);
    expect(cv).toBe(await d.compute(run));
    expect(cv).toBe(await e.compute(run));
    const size = (x: Collection): number => x[daskGraph]().size;
    expect(size(c)).toBeGreaterThan(size(d));
    const s2 = t.sum({ splitEvery: 2 });
    const s5 = t.sum({ splitEvery: 5 });
    expect(await s2.compute(run)).toBe(await s5.compute(run));
    expect(size(s2)).toBeGreaterThan(size(s5));
    expect(s2.key).not.toBe(s5.key);
    expect(s2.key).toBe(t.sum({ splitEvery: 2 }).key);
    expect(s2.key).not.toBe(t.sum().key);
  });

  describe('test_bag.py::test_aggregation', () => {
    for (const npartitions of [1, 3, 4]) {
      test(`npartitions=${npartitions}`, async () => {
        const r = range(15, { npartitions });
        expect(await r.mean().compute(run)).toBe(7);
        expect(await r.sum().compute(run)).toBe(105);
        expect(await r.count().compute(run)).toBe(15);
      });
    }
  });

  describe('test_bag.py::test_non_splittable_reductions', () => {
    for (const npartitions of [1, 10]) {
      test(`npartitions=${npartitions}`, async () => {
        const data = seq(100);
        const c = fromSequence(data, { npartitions });
        const mean = 49.5;
        const std = Math.sqrt(data.reduce((a, x) => a + (x - mean) ** 2, 0) / data.length);
        expect(await c.mean().compute(run)).toBeCloseTo(mean, 12);
        expect(await c.std().compute(run)).toBeCloseTo(std, 12);
      });
    }
  });

  test('test_bag.py::test_std', async () => {
    expect(await b.std().compute(run)).toBeCloseTo(Math.sqrt(2), 14);
  });

  test('test_bag.py::test_var', async () => {
    expect(await b.var().compute(run)).toBeCloseTo(2, 14);
  });

  describe('test_bag.py::test_join', () => {
    const isodd = (x: number): boolean => x % 2 === 1;
    const iseven = (x: number): boolean => x % 2 === 0;
    /** tlz's join: for each right item, each left item with an equal key, as [left, right]. */
    const plainJoin = <A, B>(lk: (a: A) => unknown, left: A[], rk: (b: B) => unknown, right: B[]) =>
      right.flatMap((r) => left.filter((l) => lk(l) === rk(r)).map((l) => [l, r]));
    const others: [string, () => unknown][] = [
      ['identity', () => [1, 2, 3]],
      ['delayed', () => delayed([1, 2, 3])],
      ['bag', () => fromSequence([1, 2, 3], { npartitions: 1 })],
    ];
    for (const [label, make] of others) {
      test(label, async () => {
        const other = make() as number[];
        const c = b.join(other, isodd, iseven);
        expect(await c.compute(run)).toEqual(plainJoin(iseven, [1, 2, 3], isodd, L));
        expect(await b.join(other, isodd).compute(run)).toEqual(
          plainJoin(isodd, [1, 2, 3], isodd, L),
        );
        expect(c.name).toBe(b.join(other, isodd, iseven).name);
      });
    }
  });

  test('test_bag.py::test_foldby', async () => {
    const iseven = (x: number): boolean => x % 2 === 0;
    const c = b.foldby(iseven, add, { initial: 0, combine: add, combineInitial: 0 });
    const want = new Map<boolean, number>([
      [true, 18],
      [false, 12],
    ]);
    expect(new Map(await c.compute(run))).toEqual(want);
    expect(c.name).toBe(
      b.foldby(iseven, add, { initial: 0, combine: add, combineInitial: 0 }).name,
    );
    const c2 = b.foldby(iseven, (acc: number, x: number) => acc + x);
    expect(new Map(await c2.compute(run))).toEqual(want);
  });

  test('test_bag.py::test_foldby_tree_reduction', async () => {
    const iseven = (x: number): boolean => x % 2 === 0;
    const results: [boolean, number][][] = [];
    for (const n of [1, 7, 32]) {
      const t = fromSequence(seq(100), { npartitions: n });
      results.push(await t.foldby(iseven, add).compute(run));
      for (const splitEvery of [undefined, 2, 3]) {
        const o = splitEvery === undefined ? {} : { splitEvery };
        results.push(await t.foldby(iseven, add, o).compute(run));
        results.push(await t.foldby(iseven, add, { ...o, initial: 0 }).compute(run));
        results.push(await t.foldby(iseven, add, { ...o, initial: 0, combine: add }).compute(run));
        results.push(
          await t
            .foldby(iseven, add, { ...o, initial: 0, combine: add, combineInitial: 0 })
            .compute(run),
        );
      }
    }
    const first = new Map(results[0]);
    for (const r of results) expect(new Map(r)).toEqual(first);
  });

  test('test_bag.py::test_can_use_dict_to_make_concrete', async () => {
    expect(new Map(await b.frequencies().compute(run))).toBeInstanceOf(Map);
  });

  test('test_bag.py::test_reduction_empty', async () => {
    const t = fromSequence(seq(10), { npartitions: 100 });
    expect(
      await t
        .filter((x) => x % 2 === 0)
        .max()
        .compute(run),
    ).toBe(8);
    expect(
      await t
        .filter((x) => x % 2 === 0)
        .min()
        .compute(run),
    ).toBe(0);
  });

  describe('test_bag.py::test_reduction_empty_aggregate', () => {
    for (const npartitions of [1, 2, 4]) {
      test(`npartitions=${npartitions}`, async () => {
        const t = fromSequence([0, 0, 0, 1], { npartitions }).filter((x) => x);
        expect(await t.min({ splitEvery: 2 }).compute(run)).toBe(1);
        expect(await t.max({ splitEvery: 2 }).compute(run)).toBe(1);
        const empty = fromSequence([0, 0, 0, 0], { npartitions }).filter((x) => x);
        await expect(empty.min({ splitEvery: 2 }).compute(run)).rejects.toThrow(
          /min of an empty bag/,
        );
      });
    }
  });

  test('test_bag.py::test_reduction_with_non_comparable_objects (fold(max, max) part)', async () => {
    const mx = (a: number, c: number): number => Math.max(a, c);
    const t = fromSequence(seq(10), { partitionSize: 2 });
    expect(await t.fold(mx, { combine: mx }).compute(run)).toBe(9);
  });

  test('test_bag.py::test_empty_bag', async () => {
    const e = fromSequence([] as number[]).map((x) => x + 1);
    expect(await e.all().compute(run)).toBe(true);
    expect(await e.any().compute(run)).toBe(false);
    expect(await e.sum().compute(run)).toBe(0);
    expect(await e.count().compute(run)).toBe(0);
  });
});
