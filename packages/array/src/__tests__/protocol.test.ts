// An array as a collection: blockwise fusion (a chain of elementwise operations is one task per
// block), compute with other collections, persist, an array passed to a delayed function, and
// the metadata known without computing.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { daskGraph, daskKeys } from '@dask-ts/protocol';
import { compute, delayed, persist } from '@dask-ts/graph';
import { fromArray, random, sqrt, type NdArray } from '../index.js';
import { expectDense, pair, refMap, toDense } from './reference.js';

const sync = { scheduler: 'sync' } as const;

describe('blockwise fusion', () => {
  test('a chain of elementwise operations is one task per block', () => {
    const x = random.random([100, 100], { chunks: 25, seed: 1 }); // 16 blocks
    const y = sqrt(x.add(1).mul(2).sub(x)).maximum(0.5).astype('float32');
    expect(y[daskGraph]().size).toBe(16 + 16);
  });

  test('optimize: false keeps every operation', async () => {
    const { x, ref } = pair([6], 'float64', 2, 40);
    const [v] = await compute(x.add(1).mul(2), { ...sync, optimize: false });
    expectDense(
      toDense(v),
      refMap((p) => (p + 1) * 2, [ref], 'float64'),
    );
  });

  test('an operand read twice is read once; a shared intermediate is not fused away', async () => {
    const { x, ref } = pair([6, 6], 'float64', 3, 41);
    const a = x.add(1);
    const sq = a.mul(a);
    expect(sq[daskGraph]().size).toBe(4 + 4);
    const [s, t] = await compute(a.mul(2), a.mul(3), sync);
    expectDense(
      toDense(s),
      refMap((v) => (v + 1) * 2, [ref], 'float64'),
    );
    expectDense(
      toDense(t),
      refMap((v) => (v + 1) * 3, [ref], 'float64'),
    );
    expectDense(
      toDense(await sq.compute(sync)),
      refMap((v) => (v + 1) * (v + 1), [ref], 'float64'),
    );
  });

  test('the keys are the blocks in C order', () => {
    const x = random.random([10], { chunks: 5, seed: 1 });
    const y = x.add(1).mul(2);
    expect(y[daskKeys]()).toEqual(['["' + y.name + '",0]', '["' + y.name + '",1]']);
  });
});

describe('the collection protocol', () => {
  test('persist gives an array holding its blocks', async () => {
    const { x, ref } = pair([5, 4], 'int8', 2, 42);
    const p = await x.add(1).persist(sync);
    expect(p.chunks).toEqual(x.chunks);
    expect(p[daskGraph]().size).toBe(6);
    expectDense(
      toDense(await p.mul(2).compute(sync)),
      refMap((v) => (v + 1) * 2, [ref], 'int8'),
    );
    const [q] = await persist(x.sum({ axis: 0 }), sync);
    expect(toDense(await q.compute(sync)).shape).toEqual([4]);
  });

  test('an array passed to a delayed function arrives as one ndarray', async () => {
    const { x, ref } = pair([4, 6], 'float64', [3, 4], 43);
    const total = delayed((a: NdArray) => {
      let s = 0;
      for (let i = 0; i < a.shape[0]; i++) for (let j = 0; j < a.shape[1]; j++) s += a.get(i, j);
      return [a.shape, s] as const;
    });
    const [shape, s] = await total(x).compute(sync);
    expect(shape).toEqual([4, 6]);
    expect(s).toBeCloseTo(
      ref.data.reduce((p, q) => p + q, 0),
      9,
    );
  });

  test('metadata is known without computing and toString shows it', () => {
    const x = fromArray(new Float32Array(60), { shape: [3, 4, 5], chunks: [2, 4, 3] });
    expect([x.shape, x.ndim, x.size, x.nbytes, x.numblocks, x.npartitions]).toEqual([
      [3, 4, 5],
      3,
      60,
      240,
      [2, 1, 2],
      4,
    ]);
    expect(String(x)).toMatch(
      /^DaskArray<array-\w+, shape=\(3, 4, 5\), dtype=float32, chunksize=\(2, 4, 3\)>$/,
    );
  });
});
