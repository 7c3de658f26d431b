// Conformance with Dask's `dask/tests/test_base.py`: tokenize, collections, compute and persist
// (nested containers, traverse, optimize, the scheduler keyword). Each case is named after the
// Dask test it translates and runs on `sync` and `threads`.
//
// Skipped (Python-specific, or a feature dask-ts does not have), one line each:
// - test_tokenize_numpy_*, test_tokenize_pandas*, test_tokenize_dense_sparse_array,
//   test_tokenize_object_array_with_nans, test_compute_array*, test_persist_array*,
//   test_compute_dataframe*, test_persist_dataframe*, test_persist_series*, test_persist_scalar*,
//   test_compute_array_bag, test_persist_bag*, test_persist_item*, test_check_meta_flag (38
//   tests): NumPy, pandas, dask.array, dask.dataframe and dask.bag (bags: @dask-ts/bag's suite).
// - test_normalize_function, test_normalize_function_limited_size,
//   test_normalize_function_dataclass_field_no_repr, test_normalize_base,
//   test_tokenize_partial_func_args_kwargs_consistent, test_tokenize_function_cloudpickle,
//   test_use_cloudpickle_to_tokenize_functions_in__main__: Python's normalize_token, pickle bytes
//   and `functools.partial` internals (bound functions: test_delayed.py::test_sensitive_to_partials).
// - test_tokenize_object: Dask hashes a bare `object()` at random; dask-ts hashes a class
//   instance by its class name and fields (deterministic), see the README.
// - test_tokenize_kwargs, test_tokenize_method, test_tokenize_timedelta, test_tokenize_enum,
//   test_tokenize_dataclass, test_tokenize_range, test_tokenize_literal,
//   test_tokenize_datetime_time: Python types and keyword arguments with no JavaScript twin.
// - test_get_collection_names, test_get_name_from_key, test_replace_name_in_keys,
//   test_clone_key, test_persist_delayed_custom_key, test_persist_delayed_rename: Dask's key
//   naming helpers, `clone` and `__dask_postpersist__` renames, which dask-ts does not have.
// - test_visualize, test_visualize_highlevelgraph, test_visualize_order: `visualize` and `toDot`
//   are tested in visualize.test.ts (DOT text, Graphviz rendering where installed, order colours).
// - test_optimizations_keyword, test_optimize, test_optimize_nested, test_optimize_globals,
//   test_optimize_None, test_optimizations_ctd: `dask.optimize` and optimization config; dask-ts
//   has `optimize: false` (test_compute_no_opt).
// - test_raise_get_keyword, test_get_scheduler_with_distributed_active, test_num_workers_config,
//   test_default_imports, test_emscripten_default_scheduler, test_compute_as_if_collection_low_level_task_graph:
//   Python keywords, dask.config, distributed, import side effects and Pyodide.
import { expect, test } from '@jest/globals';
import {
  daskGraph,
  data,
  getScheduler,
  isCollection,
  ref,
  registerScheduler,
  task,
  type Graph,
  type GraphNode,
  type Scheduler,
} from '@dask-ts/protocol';
import { compute, delayed, isDelayed, persist, tokenize, type Delayed } from '../../index.js';
import { Tuple, addRef, inc, onEachScheduler } from './harness.js';

onEachScheduler((run) => {
  test('test_base.py::test_tokenize', () => {
    const a = [1, 2, 'x', { y: [3] }];
    expect(tokenize(a)).toBe(tokenize(structuredClone(a)));
    expect(tokenize(a)).toMatch(/^[0-9a-f]{32}$/);
  });

  test('test_base.py::test_tokenize_callable', () => {
    function myFunc(a: number, b: number, c = 1): number {
      return a + b + c;
    }
    expect(tokenize(myFunc)).toBe(tokenize(myFunc));
  });

  test('test_base.py::test_tokenize_same_repr', () => {
    class Foo {
      constructor(readonly x: number) {}
      toString(): string {
        return 'a foo';
      }
    }
    expect(tokenize(new Foo(1))).not.toBe(tokenize(new Foo(2)));
  });

  test('test_base.py::test_tokenize_sequences', () => {
    expect(tokenize([1])).not.toBe(tokenize([2]));
    expect(tokenize([1])).toBe(tokenize([1]));
    const x = Float64Array.from({ length: 2000 }, (_, i) => i);
    const y = x.slice();
    y[1000] = 0;
    expect(tokenize([x])).not.toBe(tokenize([y]));
  });

  test('test_base.py::test_tokenize_dict', () => {
    expect(tokenize({ x: 1, 1: 'x' })).toBe(tokenize({ x: 1, 1: 'x' }));
  });

  test('test_base.py::test_tokenize_set', () => {
    expect(tokenize(new Set([1, 2, 'x', [1, 'x']]))).toBe(tokenize(new Set([1, 2, 'x', [1, 'x']])));
  });

  test('test_base.py::test_tokenize_ordered_dict', () => {
    const a = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    expect(tokenize(a)).toBe(tokenize(new Map(a)));
    // A Map's token ignores insertion order (Dask's OrderedDict does not); see the README.
    expect(tokenize(a)).not.toBe(
      tokenize(
        new Map([
          ['a', 2],
          ['b', 1],
        ]),
      ),
    );
  });

  test('test_base.py::test_tokenize_base_types', () => {
    for (const x of [1, 1.1, '1', true, null, undefined, 1n, NaN, -0]) {
      expect(tokenize(x)).toBe(tokenize(x));
    }
    expect(tokenize(1)).not.toBe(tokenize('1'));
  });

  test('test_base.py::test_tokenize_object_with_recursion_error', () => {
    const cycle: unknown[] = [1];
    cycle.push(cycle);
    expect(tokenize(cycle)).toBe(tokenize(cycle));
  });

  test('test_base.py::test_tokenize_datetime_date', () => {
    expect(tokenize(new Date(2021, 5, 25))).toBe(tokenize(new Date(2021, 5, 25)));
    expect(tokenize(new Date(2021, 5, 25))).not.toBe(tokenize(new Date(2021, 5, 26)));
  });

  test('test_base.py::test_tokenize_datetime_datetime', () => {
    const t = Date.UTC(2021, 5, 25, 10, 11, 12, 13);
    expect(tokenize(new Date(t))).toBe(tokenize(new Date(t)));
    expect(tokenize(new Date(t))).not.toBe(tokenize(new Date(t + 1)));
  });

  test('test_base.py::test_is_dask_collection', () => {
    const x = delayed(inc)(1);
    expect(isCollection(x)).toBe(true);
    expect(isCollection(1)).toBe(false);
    expect(isCollection(inc)).toBe(false);
    expect(isCollection(new Tuple(new Map(), []))).toBe(true);
  });

  test('test_base.py::test_unpack_collections', async () => {
    const a = delayed(inc)(delayed(1));
    const b = delayed(inc)(a);
    const c = delayed(inc)(b);
    const build = <T>(x: T, y: T, z: T, it: Iterable<T>) =>
      [
        x,
        y,
        {
          a: x,
          m: new Map<unknown, unknown>([[x, y]]),
          b: [1, 2, [y]],
          c: 10,
          d: [z, 2],
          e: new Set([x, 2, 3]),
        },
        it,
      ] as const;
    const got = await compute(...build(a, b, c, [a, b, c].values()), run);
    expect(got).toEqual(build(2, 3, 4, [2, 3, 4]));
    // traverse: false: only the top-level collections.
    const args = build(a, b, c, [a, b, c]);
    const kept = await compute(...args, { ...run, traverse: false });
    expect(kept[0]).toBe(2);
    expect(kept[1]).toBe(3);
    expect(kept[2]).toBe(args[2]);
    expect(kept[3]).toBe(args[3]);
    expect(await compute(1, 2, { a: 3 }, run)).toEqual([1, 2, { a: 3 }]);
  });

  test('test_base.py::test_custom_collection', async () => {
    const x = new Tuple(
      new Map([
        ['x-1', data(1)],
        ['x-2', data(2)],
      ]),
      ['x-1', 'x-2'],
    );
    const dsk2 = new Map<string, GraphNode>([
      ...x.dsk,
      ['y-1', task(addRef, [ref('x-1'), ref('x-2')])],
      ['y-2', task(addRef, [ref('y-1'), 1])],
    ]);
    const w = new Tuple(new Map(), []); // a collection can have no keys at all
    const y = new Tuple(dsk2, ['y-1', 'y-2']);
    const z = new Tuple(new Map([...dsk2, ['z', task(addRef, [ref('y-1'), ref('y-2')])]]), ['z']);
    const t = w.concat(x).concat(y).concat(z);
    expect(await compute(w, run)).toEqual([[]]);
    expect(await compute(x, run)).toEqual([[1, 2]]);
    expect(await compute(y, run)).toEqual([[3, 4]]);
    expect(await compute(z, run)).toEqual([[7]]);
    expect(await compute(w, [{ x }, y, z], run)).toEqual([[], [{ x: [1, 2] }, [3, 4], [7]]]);
    expect(await compute(t, run)).toEqual([[1, 2, 3, 4, 7]]);
    const [t2] = await persist(t, run);
    expect(t2).toBeInstanceOf(Tuple);
    expect(t2.keys).toEqual(t.keys);
    expect([...t2.dsk.values()].map((n) => (n.kind === 'data' ? n.value : undefined))).toEqual([
      1, 2, 3, 4, 7,
    ]);
    const [, , y2, z2] = await persist(w, x, y, z, run);
    expect(await compute(y2, run)).toEqual([[3, 4]]);
    expect(await compute(y2.concat(z2), run)).toEqual([[3, 4, 7]]);
    // A collection inside a delayed call is read through its (portable) finalizer.
    const n = delayed((v: unknown[]) => v.length, { pure: true })(x);
    expect(await compute(n, run)).toEqual([2]);
  });

  test('test_base.py::test_compute_no_opt', async () => {
    const seen: Graph[] = [];
    const recorder: Scheduler = {
      name: 'recorder',
      get: (g, keys, o) => {
        seen.push(g);
        return getScheduler(run.scheduler).get(g, keys, o);
      },
    };
    let o: Delayed<number> = delayed(1);
    for (let i = 0; i < 4; i++) o = delayed(inc)(o);
    expect(await compute(o, { scheduler: recorder, optimize: false })).toEqual([5]);
    expect(seen[0].size).toBe(5);
    expect(await compute(o, { scheduler: recorder })).toEqual([5]);
    expect(seen[1].size).toBeLessThan(5); // the chain was fused
  });

  test('test_base.py::test_compute_with_literal', async () => {
    const x = delayed(inc)(4);
    expect(await compute(x, 10, run)).toEqual([5, 10]);
    expect(await compute(5, run)).toEqual([5]);
  });

  test('test_base.py::test_compute_nested', async () => {
    const a = delayed(inc)(delayed(5));
    const b = delayed(inc)(a);
    const c = delayed((v: number) => v + 2)(a);
    expect(await compute({ a, b: [1, 2, b] }, [c, 2], run)).toEqual([
      { a: 6, b: [1, 2, 7] },
      [8, 2],
    ]);
    // compute([a, b]) gives [[ra, rb]], as Dask's compute([a, b]) gives ([ra, rb],).
    expect(await compute([a, b], run)).toEqual([[6, 7]]);
    const res = await compute([a, b], c, { ...run, traverse: false });
    expect(res[0][0]).toBe(a);
    expect(res[0][1]).toBe(b);
    expect(res[1]).toBe(8);
  });

  test('test_base.py::test_persist_literals', async () => {
    expect(await persist(1, 2, 3, run)).toEqual([1, 2, 3]);
  });

  test('test_base.py::test_persist_nested', async () => {
    const a = delayed(inc)(delayed(5));
    const b = delayed(inc)(a);
    const c = delayed((v: number) => v + 2)(a);
    const result = await persist({ a, b: [1, 2, b] }, [c, 2], run);
    expect(isDelayed(result[0].a)).toBe(true);
    expect(isDelayed(result[0].b[2])).toBe(true);
    expect(isDelayed(result[1][0])).toBe(true);
    expect(await compute(...result, run)).toEqual([{ a: 6, b: [1, 2, 7] }, [8, 2]]);
    const res = await persist([a, b], c, { ...run, traverse: false });
    expect(res[0][0]).toBe(a);
    expect(res[0][1]).toBe(b);
    expect(await res[1].compute(run)).toBe(8);
  });

  test('test_base.py::test_persist_delayed', async () => {
    const x1 = delayed(1);
    const x2 = delayed(inc)(x1);
    const x3 = delayed(inc)(x2);
    const [xx] = await persist(x3, run);
    expect(isDelayed(xx)).toBe(true);
    expect(xx.key).toBe(x3.key);
    expect(xx[daskGraph]().size).toBe(1);
    expect(await x3.compute(run)).toBe(await xx.compute(run));
  });

  test('test_base.py::test_persist_delayedleaf', async () => {
    const [xx] = await persist(delayed(1), run);
    expect(isDelayed(xx)).toBe(true);
    expect(await xx.compute(run)).toBe(1);
  });

  test('test_base.py::test_persist_delayedattr', async () => {
    const x = delayed({ x: 1 }).x;
    const [xx] = await persist(x, run);
    expect(isDelayed(xx)).toBe(true);
    expect(await xx.compute(run)).toBe(1);
  });

  test('test_base.py::test_scheduler_keyword', async () => {
    registerScheduler('foo', () => ({ name: 'foo', get: async () => [123] }));
    const x = delayed(inc)(1);
    expect(await x.compute(run)).toBe(2);
    expect(await x.compute({ scheduler: 'foo' })).toBe(123);
  });

  test('test_base.py::test_get_scheduler', () => {
    expect(getScheduler('sync').name).toBe('sync');
    expect(getScheduler('threads').name).toBe('threads');
    const mine: Scheduler = { name: 'mine', get: async () => [] };
    expect(getScheduler(mine)).toBe(mine);
    expect(() => getScheduler('no-such-scheduler')).toThrow(/no-such-scheduler/);
  });

  test('test_base.py::test_callable_scheduler', async () => {
    let called = false;
    const mine: Scheduler = {
      name: 'mine',
      get: (g, keys, o) => {
        called = true;
        return getScheduler('sync').get(g, keys, o);
      },
    };
    expect(await delayed(inc)(1).compute({ scheduler: mine })).toBe(2);
    expect(called).toBe(true);
  });
});
