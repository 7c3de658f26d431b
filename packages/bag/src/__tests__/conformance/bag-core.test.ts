// Conformance with Dask's `dask/bag/tests/test_bag.py` (this file: creation, element-wise
// operations, map and friends; aggregations in bag-aggregate.test.ts, groupby in
// bag-groupby.test.ts, files and Delayed values in bag-io.test.ts). Each case is named after the
// Dask test it translates and runs on `sync` and `threads`. Keyword arguments become positional
// arguments or options; Python's `list(b)` is `await b.compute()`.
//
// Skipped, as Python- or Dask-internals-specific (one line each):
// - test_map_partitions_blockwise: asserts Dask's Blockwise layer class and its `token=` keyword.
// - test_lazify_task, test_lazify, test_inline_singleton_lists, test_rename_fused_keys_bag,
//   test_optimize_fuse_keys: Dask's graph-optimizer internals (reify/lazify rewriting).
// - test_map_is_lazy: Python's builtin `map` returning an iterator.
// - test_from_url, test_from_s3: network sources (not in dask-ts).
// - test_partition_collect, test_temporary_directory: partd, Dask's on-disk shuffle store.
// - test_args, test_bag_class_extend: rebuilding or subclassing a Bag from Python's `_args`.
// - test_to_dataframe, test_to_dataframe_optimize_graph, test_from_empty_sequence's dataframe part:
//   `fromBag` in @dask-ts/dataframe (tested there, from-bag.test.ts).
// - test_bag_compute_forward_kwargs: Python's `**kwargs` forwarding (TypeScript refuses unknown
//   options when type-checking).
// - test_bag_picklable: pickle.
// - test_reductions_are_lazy: a Python generator as a partition in a raw graph.
// - test_reduction_with_non_comparable_objects, test_reduction_with_sparse_matrices: Python's
//   `__eq__` overloading and scipy (the fold(max, max) part is translated in bag-aggregate).
// - test_map_releases_element_references_as_soon_as_possible: CPython reference counting.
// - test_bagged_array_delayed, test_dask_layers, test_dask_layers_to_delayed: dask.array and
//   Dask's HighLevelGraph layer names.
// - test_to_delayed_optimize_graph: counts `reify` calls in Dask's optimized graph text.
// - test_topk_with_multiarg_lambda: Python unpacks a tuple into a two-argument key lambda.
import { describe, expect, jest, test } from '@jest/globals';
import { delayed } from '@dask-ts/graph';
import { daskKeys } from '@dask-ts/protocol';
import { Bag, concat, fromSequence, map, mapPartitions, range, zip } from '../../index.js';
import { add, inc, L, onEachScheduler, sorted } from './harness.js';

const b = fromSequence(L, { npartitions: 3 });

onEachScheduler((run) => {
  test('test_bag.py::test_Bag', () => {
    expect(typeof b.name).toBe('string');
    expect(b.npartitions).toBe(3);
  });

  test('test_bag.py::test_keys', () => {
    expect(b[daskKeys]()).toEqual([0, 1, 2].map((i) => b.partitionKey(i)));
  });

  describe('test_bag.py::test_bag_map', () => {
    const xb = fromSequence(
      Array.from({ length: 100 }, (_, i) => i),
      { npartitions: 10 },
    );
    const xb2 = fromSequence(
      Array.from({ length: 100 }, (_, i) => 100 + i),
      { npartitions: 10 },
    );
    const x = Array.from({ length: 100 }, (_, i) => i);
    const x2 = x.map((i) => 100 + i);
    const myadd = (a = 1, b = 2, c = 3): number => a + b + c;

    test('bags, values, Items and Delayed values as arguments', async () => {
      expect(await map(myadd, [xb]).compute(run)).toEqual(x.map((i) => myadd(i)));
      expect(await map(myadd, [xb, xb2]).compute(run)).toEqual(x.map((i, j) => myadd(i, x2[j])));
      expect(await map(myadd, [xb, 10]).compute(run)).toEqual(x.map((i) => myadd(i, 10)));
      expect(await map(myadd, [10, xb]).compute(run)).toEqual(x.map((i) => myadd(10, i)));
      expect(await map(myadd, [xb, xb2, 100]).compute(run)).toEqual(
        x.map((i, j) => myadd(i, x2[j], 100)),
      );
      const xSum = x.reduce(add, 0);
      expect(await map(myadd, [xb.sum(), xb2, 100]).compute(run)).toEqual(
        x2.map((i) => myadd(xSum, i, 100)),
      );
      expect(await map(myadd, [xb2, xb.sum(), 100]).compute(run)).toEqual(
        x2.map((i) => myadd(i, xSum, 100)),
      );
      expect(await map(myadd, [100, xb.sum(), xb2]).compute(run)).toEqual(
        x2.map((i) => myadd(100, xSum, i)),
      );
      const a = delayed(10);
      expect(await map(myadd, [xb, a]).compute(run)).toEqual(x.map((i) => myadd(i, 10)));
    });

    test('mismatched partitions, no bags and unequal partition lengths are errors', async () => {
      const fewer = fromSequence(x, { npartitions: 5 });
      expect(() => map(myadd, [xb, fewer])).toThrow(/same number of partitions/);
      expect(() => map(myadd, [xb.sum(), 1, 2])).toThrow(/at least one argument must be a bag/);
      const unequal = fromSequence(
        Array.from({ length: 110 }, (_, i) => i),
        { npartitions: 10 },
      );
      await expect(map(myadd, [xb, unequal, xb2]).compute(run)).rejects.toThrow(
        /partitions of different lengths/,
      );
    });
  });

  test('test_bag.py::test_map_method', async () => {
    const xb = fromSequence(
      Array.from({ length: 100 }, (_, i) => i),
      { npartitions: 10 },
    );
    const xb2 = fromSequence(
      Array.from({ length: 100 }, (_, i) => 100 + i),
      { npartitions: 10 },
    );
    const x = Array.from({ length: 100 }, (_, i) => i);
    const myadd = (a: number, b = 2, c = 3): number => a + b + c;
    expect(await xb.map(myadd).compute(run)).toEqual(x.map((i) => myadd(i)));
    // Dask's way to map over two bags: the second bag is a positional argument, zipped.
    expect(await xb.map(myadd, xb2).compute(run)).toEqual(x.map((i) => myadd(i, 100 + i)));
    expect(await xb.map(myadd, 10).compute(run)).toEqual(x.map((i) => myadd(i, 10)));
    expect(await xb.map(myadd, xb2, 10).compute(run)).toEqual(x.map((i) => myadd(i, 100 + i, 10)));
    const xSum = x.reduce(add, 0);
    expect(await xb.map(myadd, xb.sum(), 10).compute(run)).toEqual(
      x.map((i) => myadd(i, xSum, 10)),
    );
    // An options object with an unknown key is refused (it is not taken for an argument).
    expect(() => xb.map(myadd, { c: 10 } as never)).toThrow(/unknown option 'c'/);
  });

  test('test_bag.py::test_starmap', async () => {
    const data: [number, number][] = [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ];
    const sb = fromSequence(data, { npartitions: 2 });
    const myadd = (a: number, b: number, c = 0): number => a + b + c;
    expect(await sb.starmap(myadd).compute(run)).toEqual(data.map(([a, c]) => myadd(a, c)));
    expect(await sb.starmap(myadd, 10).compute(run)).toEqual(data.map(([a, c]) => myadd(a, c, 10)));
    const maxSecond = sb.pluck(1).max();
    expect(await sb.starmap(myadd, maxSecond).compute(run)).toEqual(
      data.map(([a, c]) => myadd(a, c, 10)),
    );
    expect(await sb.starmap(myadd, delayed(10)).compute(run)).toEqual(
      data.map(([a, c]) => myadd(a, c, 10)),
    );
  });

  test('test_bag.py::test_filter', async () => {
    const iseven = (x: number): boolean => x % 2 === 0;
    const c = b.filter(iseven);
    expect(await c.compute(run)).toEqual(L.filter(iseven));
    expect(c.name).toBe(b.filter(iseven).name);
  });

  test('test_bag.py::test_remove', async () => {
    const f = (x: number): boolean => x % 2 === 0;
    const c = b.remove(f);
    expect(await c.compute(run)).toEqual([1, 3, 1, 3, 1, 3]);
    expect(c.name).toBe(b.remove(f).name);
  });

  test('test_bag.py::test_iter', async () => {
    expect(sorted(await b.compute(run))).toEqual(sorted(L));
    expect(sorted(await b.map(inc).compute(run))).toEqual(
      sorted([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5]),
    );
  });

  test('test_bag.py::test_repr', () => {
    expect(String(b)).toContain(String(b.npartitions));
    expect(String(b)).toContain(b.name.slice(0, 5));
    expect(String(fromSequence([0, 1, 2, 3, 4]))).toContain('from-sequence');
  });

  test('test_bag.py::test_pluck', async () => {
    const d = fromSequence(
      [
        [1, 10],
        [2, 20],
        [3, 30],
        [4, 40],
      ] as [number, number][],
      { npartitions: 2 },
    );
    expect(new Set(await d.pluck(0).compute(run))).toEqual(new Set([1, 2, 3, 4]));
    expect(new Set(await d.pluck(1).compute(run))).toEqual(new Set([10, 20, 30, 40]));
    expect(await d.pluck([1, 0]).compute(run)).toEqual([
      [10, 1],
      [20, 2],
      [30, 3],
      [40, 4],
    ]);
    expect(d.pluck([1, 0]).name).toBe(d.pluck([1, 0]).name);
  });

  test('test_bag.py::test_pluck_with_default', async () => {
    const s = fromSequence(['Hello', '', 'World']);
    await expect(s.pluck(0).compute(run)).rejects.toThrow(/has no key 0/);
    expect(await s.pluck(0, null).compute(run)).toEqual(['H', null, 'W']);
    expect(s.pluck(0, null).name).toBe(s.pluck(0, null).name);
    expect(s.pluck(0).name).not.toBe(s.pluck(0, null).name);
  });

  test('test_bag.py::test_unzip', async () => {
    const t = fromSequence(Array.from({ length: 100 }, (_, i) => i)).map(
      (x) => [x, x + 1, x + 2] as [number, number, number],
    );
    const [one, two, three] = t.unzip(3);
    expect(await one.compute(run)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(await three.compute(run)).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
    expect(one.name).toBe(t.unzip(3)[0].name);
    expect(one.name).not.toBe(two.name);
  });

  test('test_bag.py::test_lambdas', async () => {
    expect(await b.map((x) => x + 1).compute(run)).toEqual(await b.map(inc).compute(run));
  });

  test('test_bag.py::test_map_partitions', async () => {
    const len = (p: number[]): number[] => [p.length];
    expect(await b.mapPartitions(len).compute(run)).toEqual([5, 5, 5]);
    expect(b.mapPartitions(len).name).toBe(b.mapPartitions(len).name);
    expect(b.mapPartitions((a: number[]) => [a.length + 1]).name).not.toBe(
      b.mapPartitions(len).name,
    );
  });

  test('test_bag.py::test_map_partitions_args_kwargs', async () => {
    const x = Array.from({ length: 100 }, (_, i) => ((i * 37) % 201) - 100);
    const y = Array.from({ length: 100 }, (_, i) => ((i * 91) % 201) - 100);
    const dx = fromSequence(x, { npartitions: 10 });
    const dy = fromSequence(y, { npartitions: 10 });
    const maximum = (xs: number[], ys: number | number[] = 0): number[] =>
      xs.map((a, i) => Math.max(a, typeof ys === 'number' ? ys : ys[i]));
    let sol = maximum(x, 10);
    expect(await mapPartitions(maximum, [dx, 10]).compute(run)).toEqual(sol);
    expect(await dx.mapPartitions(maximum, 10).compute(run)).toEqual(sol);
    expect(await dx.mapPartitions(maximum, { args: [10] }).compute(run)).toEqual(sol);
    sol = maximum(x, y);
    expect(await mapPartitions(maximum, [dx, dy]).compute(run)).toEqual(sol);
    expect(await dx.mapPartitions(maximum, dy).compute(run)).toEqual(sol);
    const dyMean = dy.mean().apply((m) => Math.trunc(m));
    sol = maximum(x, Math.trunc(y.reduce(add, 0) / y.length));
    expect(await dx.mapPartitions(maximum, dyMean).compute(run)).toEqual(sol);
    expect(await dx.mapPartitions(maximum, dyMean.toDelayed()).compute(run)).toEqual(sol);
  });

  describe('random samples', () => {
    test('test_bag.py::test_random_sample_size', async () => {
      const a = fromSequence(
        Array.from({ length: 1000 }, (_, i) => i),
        { npartitions: 5 },
      );
      const n = (await a.randomSample(0.1, 42).compute(run)).length;
      expect(n).toBeGreaterThan(10);
      expect(n).toBeLessThan(300);
    });

    test('test_bag.py::test_random_sample_prob_range', () => {
      const a = fromSequence(
        Array.from({ length: 50 }, (_, i) => i),
        { npartitions: 5 },
      );
      expect(() => a.randomSample(-1)).toThrow(RangeError);
      expect(() => a.randomSample(1.1)).toThrow(RangeError);
    });

    test('test_bag.py::test_random_sample_repeated_computation', async () => {
      const a = fromSequence(
        Array.from({ length: 50 }, (_, i) => i),
        { npartitions: 5 },
      );
      const s = a.randomSample(0.2);
      expect(await s.compute(run)).toEqual(await s.compute(run));
    });

    test('test_bag.py::test_random_sample_different_definitions', async () => {
      const a = fromSequence(
        Array.from({ length: 50 }, (_, i) => i),
        { npartitions: 5 },
      );
      expect(await a.randomSample(0.5).compute(run)).not.toEqual(
        await a.randomSample(0.5).compute(run),
      );
      expect(a.randomSample(0.5).name).not.toBe(a.randomSample(0.5).name);
    });

    test('test_bag.py::test_random_sample_random_state', async () => {
      const a = fromSequence(
        Array.from({ length: 50 }, (_, i) => i),
        { npartitions: 5 },
      );
      expect(await a.randomSample(0.5, 1234).compute(run)).toEqual(
        await a.randomSample(0.5, 1234).compute(run),
      );
    });
  });

  test('test_bag.py::test_take', async () => {
    expect(await b.take(2, run)).toEqual([0, 1]);
    expect(b.take(2, { compute: false })).toBeInstanceOf(Bag);
  });

  test('test_bag.py::test_take_npartitions', async () => {
    expect(await b.take(6, { npartitions: 2, ...run })).toEqual([0, 1, 2, 3, 4, 0]);
    expect(await b.take(6, { npartitions: -1, ...run })).toEqual([0, 1, 2, 3, 4, 0]);
    expect(await b.take(3, { npartitions: -1, ...run })).toEqual([0, 1, 2]);
    await expect(b.take(1, { npartitions: 5, ...run })).rejects.toThrow(RangeError);
  });

  test('test_bag.py::test_take_npartitions_warn', async () => {
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const takeWarnings = (): number =>
      spy.mock.calls.filter((c) => c[1]?.type === 'TakeWarning').length;
    try {
      await b.take(100, run);
      await b.take(7, run);
      expect(takeWarnings()).toBe(2);
      spy.mockClear();
      await b.take(7, { npartitions: 2, ...run });
      await b.take(7, { warn: false, ...run });
      expect(takeWarnings()).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });

  test('test_bag.py::test_from_sequence', async () => {
    const s = fromSequence([1, 2, 3, 4, 5], { npartitions: 3 });
    expect(s.npartitions).toBe(3);
    expect(new Set(await s.compute(run))).toEqual(new Set([1, 2, 3, 4, 5]));
  });

  test('test_bag.py::test_from_long_sequence', async () => {
    const xs = Array.from({ length: 1001 }, (_, i) => i);
    expect(await fromSequence(xs).compute(run)).toEqual(xs);
  });

  test('test_bag.py::test_from_empty_sequence', async () => {
    const e = fromSequence([]);
    expect(e.npartitions).toBe(1);
    expect(await e.compute(run)).toEqual([]);
  });

  test('test_bag.py::test_product', async () => {
    const b2 = b.product(b);
    expect(b2.npartitions).toBe(b.npartitions ** 2);
    expect(sorted(await b2.compute(run))).toEqual(sorted(L.flatMap((i) => L.map((j) => [i, j]))));
    const x = fromSequence([1, 2, 3, 4]);
    const y = fromSequence([10, 20, 30]);
    const z = x.product(y);
    expect(sorted(await z.compute(run))).toEqual(
      sorted([1, 2, 3, 4].flatMap((i) => [10, 20, 30].map((j) => [i, j]))),
    );
    expect(z.name).not.toBe(b2.name);
    expect(z.name).toBe(x.product(y).name);
  });

  test('test_bag.py::test_concat', async () => {
    const a = fromSequence([1, 2, 3]);
    const c = concat([a, fromSequence([4, 5, 6])]);
    expect(await c.compute(run)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(c.name).toBe(concat([a, fromSequence([4, 5, 6])]).name);
  });

  test('test_bag.py::test_flatten', async () => {
    const f = fromSequence([[1], [2, 3]]);
    expect(await f.flatten().compute(run)).toEqual([1, 2, 3]);
    expect(f.flatten().name).toBe(f.flatten().name);
  });

  test('test_bag.py::test_concat_after_map', async () => {
    const r = concat([fromSequence([1, 2]).map(inc), fromSequence([4, 5])]);
    expect(await r.compute(run)).toEqual([2, 3, 4, 5]);
  });

  test('test_bag.py::test_string_namespace', async () => {
    const s = fromSequence(['Alice Smith', 'Bob Jones', 'Charlie Smith'], { npartitions: 2 });
    expect(s.str.methods()).toContain('split');
    expect(s.str.methods()).toContain('match');
    expect(await s.str.lower().compute(run)).toEqual(['alice smith', 'bob jones', 'charlie smith']);
    expect(await s.str.split(' ').compute(run)).toEqual([
      ['Alice', 'Smith'],
      ['Bob', 'Jones'],
      ['Charlie', 'Smith'],
    ]);
    expect(await s.str.match('*Smith').compute(run)).toEqual(['Alice Smith', 'Charlie Smith']);
    expect((s.str as unknown as Record<string, unknown>).sfohsofhf).toBeUndefined();
    expect(s.str.match('*Smith').name).toBe(s.str.match('*Smith').name);
    expect(s.str.match('*Smith').name).not.toBe(s.str.match('*John').name);
  });

  test('test_bag.py::test_string_namespace_with_unicode', async () => {
    const s = fromSequence(['Alice Smith', 'Bob Jones', 'Charlie Smith'], { npartitions: 2 });
    expect(await s.str.lower().compute(run)).toEqual(['alice smith', 'bob jones', 'charlie smith']);
  });

  test('test_bag.py::test_str_empty_split', async () => {
    const s = fromSequence(['Alice Smith', 'Bob Jones', 'Charlie Smith'], { npartitions: 2 });
    expect(await s.str.split().compute(run)).toEqual([
      ['Alice', 'Smith'],
      ['Bob', 'Jones'],
      ['Charlie', 'Smith'],
    ]);
  });

  test('test_bag.py::test_map_with_iterator_function', async () => {
    const m = fromSequence(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { npartitions: 2 },
    );
    const f = function* (xs: number[]): Generator<number> {
      for (const x of xs) yield x + 1;
    };
    expect(await m.map(f).compute(run)).toEqual([
      [2, 3, 4],
      [5, 6, 7],
    ]);
  });

  test('test_bag.py::test_ensure_compute_output_is_concrete', async () => {
    const r = await fromSequence([1, 2, 3])
      .map((a) => a + 1)
      .compute(run);
    expect(Array.isArray(r)).toBe(true);
  });

  test('test_bag.py::test_range', async () => {
    for (const npartitions of [1, 7, 10, 28]) {
      const r = range(100, { npartitions });
      expect(r.npartitions).toBe(npartitions);
      expect(await r.compute(run)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    }
  });

  test('test_bag.py::test_zip', async () => {
    for (const npartitions of [1, 7, 10, 28]) {
      const evens = fromSequence(
        Array.from({ length: 500 }, (_, i) => 2 * i),
        { npartitions },
      );
      const odds = fromSequence(
        Array.from({ length: 500 }, (_, i) => 2 * i + 1),
        { npartitions },
      );
      const pairs = zip(evens, odds);
      expect(pairs.npartitions).toBe(npartitions);
      expect(await pairs.compute(run)).toEqual(
        Array.from({ length: 500 }, (_, i) => [2 * i, 2 * i + 1]),
      );
    }
  });

  test('test_bag.py::test_accumulate', async () => {
    const parts = [[1, 2, 3], [4, 5], [], [6, 7]];
    const a = concat(parts.map((p) => fromSequence(p, { npartitions: 1 })));
    const r = a.accumulate(add);
    expect(r.name).toBe(a.accumulate(add).name);
    expect(r.name).not.toBe(a.accumulate(add, { initial: -1 }).name);
    expect(await r.compute(run)).toEqual([1, 3, 6, 10, 15, 21, 28]);
    expect(await a.accumulate(add, { initial: -1 }).compute(run)).toEqual([
      -1, 0, 2, 5, 9, 14, 20, 27,
    ]);
    expect(await a.accumulate(add).map(inc).compute(run)).toEqual([2, 4, 7, 11, 16, 22, 29]);
    expect(await fromSequence([1, 2, 3], { npartitions: 1 }).accumulate(add).compute(run)).toEqual([
      1, 3, 6,
    ]);
  });

  test('test_bag.py::test_empty', async () => {
    expect(await fromSequence([]).compute(run)).toEqual([]);
  });

  test('test_bag.py::test_map_partitions_arg', async () => {
    const appendStr = (p: string[], s: string): string[] => p.map((x) => x + s);
    const my = fromSequence(['a', 'b', 'c']);
    expect(await my.mapPartitions(appendStr, 'foo').compute(run)).toEqual(['afoo', 'bfoo', 'cfoo']);
    expect(await my.mapPartitions(appendStr, delayed('foo')).compute(run)).toEqual([
      'afoo',
      'bfoo',
      'cfoo',
    ]);
  });

  test('test_bag.py::test_map_keynames', () => {
    const s = fromSequence([1, 2, 3]);
    function incr(x: number): number {
      return x + 1;
    }
    expect(s.map(incr).name.startsWith('incr-')).toBe(true);
    expect(s.map(incr).name).not.toBe(s.mapPartitions((p: number[]) => p.map(incr)).name);
    expect(s.map(inc).name.startsWith('inc-')).toBe(true);
  });

  test('test_bag.py::test_bag_with_single_callable (functions as data: in-thread only)', async () => {
    const f = (): null => null;
    if (run.scheduler === 'sync') {
      expect(await fromSequence([f]).compute(run)).toEqual([f]);
    } else {
      // A function cannot be copied to a worker thread: the compute names the problem.
      await expect(
        fromSequence([f])
          .map((g) => g())
          .compute(run),
      ).rejects.toThrow();
    }
  });
});

test("fromSequence's default partition count grows with the input (about sqrt(n), capped)", () => {
  const np = (n: number): number => fromSequence(new Array<number>(n).fill(0)).npartitions;
  expect(np(0)).toBe(1);
  expect(np(10)).toBe(10);
  expect(np(100)).toBe(100);
  expect(np(1000)).toBe(100);
  expect(np(40_000)).toBe(200);
  expect(np(1_000_000)).toBe(1000);
  expect(np(4_000_000)).toBe(1000);
});
