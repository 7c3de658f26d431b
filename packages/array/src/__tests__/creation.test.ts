// Making arrays: fromArray from ndarrays (strided views too), typed arrays with a shape and
// nested arrays, with every form of chunks; constant arrays; arange and linspace against the
// formulas NumPy uses; random arrays reproducible whatever the chunking; metadata known without
// computing; and the errors for bad input.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import ndarray from 'ndarray';
import {
  arange,
  asarray,
  empty,
  emptyLike,
  toNdarray,
  toTypedArray,
  fromArray,
  full,
  linspace,
  ones,
  onesLike,
  fullLike,
  random,
  zeros,
  zerosLike,
} from '../index.js';
import { expectDense, toDense } from './reference.js';

const sync = { scheduler: 'sync' } as const;

describe('fromArray', () => {
  test('nested arrays, typed arrays and strided ndarrays, chunked every way', async () => {
    const x = fromArray(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { chunks: [1, 2] },
    );
    expect(x.shape).toEqual([2, 3]);
    expect(x.chunks).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(x.dtype).toBe('float64');
    expect(x.ndim).toBe(2);
    expect(x.size).toBe(6);
    expect(x.nbytes).toBe(48);
    expectDense(toDense(await x.compute(sync)), { shape: [2, 3], data: [1, 2, 3, 4, 5, 6] });

    const t = fromArray(
      Int16Array.from({ length: 24 }, (_, i) => i - 5),
      { shape: [2, 3, 4], chunks: [-1, [1, 2], 3] },
    );
    expect(t.dtype).toBe('int16');
    expect(t.chunks).toEqual([[2], [1, 2], [3, 1]]);
    const got = await t.compute(sync);
    expect(got.data).toBeInstanceOf(Int16Array);
    expect(Array.from(got.data)).toEqual(Array.from({ length: 24 }, (_, i) => i - 5));

    // A transposed, stepped view of an ndarray.
    const base = ndarray(
      Float32Array.from({ length: 30 }, (_, i) => i),
      [5, 6],
    );
    const view = base.transpose(1, 0).step(-1, 2);
    const v = fromArray(view, { chunks: 2 });
    expect(v.shape).toEqual([6, 3]);
    expect(v.dtype).toBe('float32');
    const want: number[] = [];
    for (let i = 0; i < 6; i++) for (let j = 0; j < 3; j++) want.push(view.get(i, j));
    expectDense(toDense(await v.compute(sync)), { shape: [6, 3], data: want });

    const b = fromArray(new Uint8Array([0, 1, 1]), { dtype: 'bool' });
    expect(await b.all().compute(sync)).toBe(false);
    expect(fromArray([[true, false]]).dtype).toBe('bool');
    expect(fromArray([1, 2], { dtype: 'int8' }).dtype).toBe('int8');
  });

  test("'auto' chunks aim at 128 MiB blocks", () => {
    expect(zeros([100, 100]).chunks).toEqual([[100], [100]]);
    const big = zeros([100_000, 100_000]);
    const side = big.chunks[0][0];
    expect(side * side * 8).toBeLessThanOrEqual(128 * 2 ** 20);
    expect(side * side * 8).toBeGreaterThan(100 * 2 ** 20);
  });

  test('bad input is refused, naming it', () => {
    expect(() => fromArray([[1, 2], [3]])).toThrow(/ragged: \[1\] should be an array of length 2/);
    expect(() => fromArray([[1, 'a']])).toThrow('fromArray: element [0, 1] is string');
    expect(() => fromArray(new Float64Array(5), { shape: [2, 2] })).toThrow(
      'fromArray: 5 elements cannot have shape (2, 2)',
    );
    expect(() => fromArray(new Float64Array(4), { chunks: [2, 2] })).toThrow(
      /do not match the 1 axes of shape \(4,\)/,
    );
    expect(() => fromArray(new Float64Array(4), { chunks: [[1, 2]] })).toThrow(
      /must be non-negative integers adding up to its length 4/,
    );
    expect(() => zeros([2, -1])).toThrow(
      'zeros: shape [2,-1] must be a list of non-negative integers',
    );
    expect(() => zeros([2], { dtype: 'complex128' as 'float64' })).toThrow(
      'zeros: unsupported dtype "complex128"',
    );
  });
});

describe('constant arrays and ranges', () => {
  test('zeros, ones, full, empty and the Like forms', async () => {
    const f = full([3, 4], 7, { chunks: 2, dtype: 'int32' });
    expect(f.dtype).toBe('int32');
    expect(Array.from((await f.compute(sync)).data)).toEqual(new Array(12).fill(7));
    expect(await ones([5], { chunks: 2 }).sum().compute(sync)).toBe(5);
    expect(await zeros([5]).sum().compute(sync)).toBe(0);
    expect(await empty([2, 2]).max().compute(sync)).toBe(0);
    const l = onesLike(f);
    expect([l.dtype, l.chunks]).toEqual([f.dtype, f.chunks]);
    expect(zerosLike(f, { dtype: 'bool' }).dtype).toBe('bool');
    const g = fullLike(f, 2.5, { dtype: 'float32' });
    expect([g.dtype, g.chunks]).toEqual(['float32', f.chunks]);
    expect(Array.from((await g.compute(sync)).data)).toEqual(new Array(12).fill(2.5));
    // The value is cast to the dtype, as NumPy's full_like does: 2.5 in an int32 array is 2.
    expect(Array.from((await fullLike(f, 2.5).compute(sync)).data)).toEqual(new Array(12).fill(2));
  });

  test('arange and linspace follow NumPy', async () => {
    expect(Array.from((await arange(10, { chunks: 4 }).compute(sync)).data)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(arange(10).dtype).toBe('int32');
    expect(Array.from((await arange(0, 1, 0.25).compute(sync)).data)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(Array.from((await arange(5, -5, -3, { chunks: 2 }).compute(sync)).data)).toEqual([
      5, 2, -1, -4,
    ]);
    expect(arange(3, 1).shape).toEqual([0]);
    expect(Array.from((await linspace(0, 1, 5, { chunks: 2 }).compute(sync)).data)).toEqual([
      0, 0.25, 0.5, 0.75, 1,
    ]);
    expect(Array.from((await linspace(0, 1, 4, { endpoint: false }).compute(sync)).data)).toEqual([
      0, 0.25, 0.5, 0.75,
    ]);
    const l = await linspace(-1.3, 7.9, 37, { chunks: 5 }).compute(sync);
    expect(l.get(36)).toBe(7.9);
    expect(l.get(10)).toBe(-1.3 + 10 * ((7.9 + 1.3) / 36));
  });
});

describe('random', () => {
  test('the same seed gives the same numbers whatever the chunking', async () => {
    const a = await random.random([37, 23], { seed: 5, chunks: [10, 7] }).compute(sync);
    const b = await random.random([37, 23], { seed: 5, chunks: [37, 5] }).compute(sync);
    const c = await random.random([37, 23], { seed: 5, chunks: 1 }).at('3:9, 4').compute(sync);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    for (let i = 0; i < 6; i++) expect(c.get(i)).toBe(a.get(3 + i, 4));
    const d = await random.random([37, 23], { seed: 6, chunks: 10 }).compute(sync);
    expect(Array.from(d.data)).not.toEqual(Array.from(a.data));
  });

  test('uniform and normal have the right moments', async () => {
    const u = random.uniform([200_000], { low: -2, high: 4, seed: 1, chunks: 30_000 });
    expect(await u.min().compute(sync)).toBeGreaterThanOrEqual(-2);
    expect(await u.max().compute(sync)).toBeLessThan(4);
    expect(await u.mean().compute(sync)).toBeCloseTo(1, 1);
    const n = random.normal([200_000], { loc: 3, scale: 2, seed: 2, chunks: 50_000 });
    expect(await n.mean().compute(sync)).toBeCloseTo(3, 1);
    expect(await n.std().compute(sync)).toBeCloseTo(2, 1);
    const r = random.random([1000], { dtype: 'float32', seed: 3 });
    expect(r.dtype).toBe('float32');
    expect(() => random.random([2], { dtype: 'int8' })).toThrow(
      'random.random: dtype must be float64 or float32, got int8',
    );
    // Without a seed, one array computes the same numbers each time.
    const s = random.random([10]);
    expect(Array.from((await s.compute(sync)).data)).toEqual(
      Array.from((await s.compute(sync)).data),
    );
  });

  test('integers: every value of [low, high) about equally often, whatever the chunking', async () => {
    const x = random.integers([60_000], { low: -3, high: 3, seed: 11, chunks: 7_000 });
    expect(x.dtype).toBe('int32');
    const a = await x.compute(sync);
    const counts = new Map<number, number>();
    for (const v of a.data as Int32Array) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.keys()].sort((p, q) => p - q)).toEqual([-3, -2, -1, 0, 1, 2]);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    const b = await random
      .integers([60_000], { low: -3, high: 3, seed: 11, chunks: 25_000 })
      .compute(sync);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    // Fused into a reduction (generated tile by tile): the same numbers.
    const total = Array.from(a.data as Int32Array).reduce((p, q) => p + q, 0);
    expect(await x.sum().compute(sync)).toBe(total);
    // A range past int32 is int64 (bigints); a chosen dtype is kept; bad bounds are named.
    const big = random.integers([5], { low: 2 ** 40, high: 2 ** 40 + 10, seed: 1 });
    expect(big.dtype).toBe('int64');
    for (const v of (await big.compute(sync)).data as unknown as BigInt64Array) {
      expect(v >= 2n ** 40n && v < 2n ** 40n + 10n).toBe(true);
    }
    expect(random.integers([3], { high: 200, dtype: 'uint8', seed: 2 }).dtype).toBe('uint8');
    expect(() => random.integers([3], { low: 5, high: 5 })).toThrow(
      'random.integers: low and high must be integers with low < high (high excluded), got low 5, high 5',
    );
    expect(() => random.integers([3], { high: 4, dtype: 'float64' })).toThrow(
      'random.integers: dtype must be an integer dtype, got float64',
    );
  });
});

describe('asarray, emptyLike, toNdarray, toTypedArray', () => {
  test('asarray keeps a DaskArray, wraps data; emptyLike copies the metadata', async () => {
    const x = fromArray(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { chunks: [1, 2] },
    );
    expect(asarray(x)).toBe(x);
    const y = asarray(new Float32Array([1, 2, 3, 4]), { chunks: 2 });
    expect(y.dtype).toBe('float32');
    expect(y.chunks).toEqual([[2, 2]]);
    const e = emptyLike(x, { dtype: 'int16' });
    expect([e.shape, e.dtype, e.chunks]).toEqual([[2, 3], 'int16', x.chunks]);
  });

  test('toNdarray gives an ndarray (0-d for a whole reduction), toTypedArray its elements', async () => {
    const x = fromArray(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { chunks: [1, 2] },
    );
    const nd = await toNdarray(x.transpose(), sync);
    expect(nd.shape).toEqual([3, 2]);
    expect(nd.get(2, 1)).toBe(6);
    const s = await toNdarray(x.sum(), sync);
    expect(s.shape).toEqual([]);
    expect(s.get()).toBe(21);
    expect(Array.from(await toTypedArray(x.transpose(), sync))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(await toTypedArray(x.gt(2), sync)).toBeInstanceOf(Uint8Array);
  });
});
