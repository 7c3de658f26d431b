// rechunk, transpose and reshape against the plain reference over several shapes and chunkings;
// reshape rechunks first when the blocks do not fall on whole rows; errors name the shapes.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { fromArray, type DaskArray } from '../index.js';
import { expectDense, pair, size, strides, toDense, unravel, type Dense } from './reference.js';

const sync = { scheduler: 'sync' } as const;

function refTranspose(x: Dense, axes: readonly number[]): Dense {
  const shape = axes.map((a) => x.shape[a]);
  const st = strides(x.shape);
  const data: number[] = [];
  for (let f = 0; f < size(shape); f++) {
    const o = unravel(f, shape);
    let k = 0;
    axes.forEach((a, i) => (k += o[i] * st[a]));
    data.push(x.data[k]);
  }
  return { shape, data };
}

describe('rechunk', () => {
  test.each([
    [[13], [4], [5]],
    [[13], [4], [[1, 12]]],
    [
      [9, 10],
      [2, 3],
      [4, 10],
    ],
    [
      [9, 10],
      [9, 1],
      [1, -1],
    ],
    [
      [4, 5, 6],
      [3, 2, 4],
      [[1, 3], 5, 2],
    ],
  ] as [number[], number[], (number | number[])[]][])(
    '%j from %j to %j',
    async (shape, from, to) => {
      const { x, ref } = pair(shape, 'float32', from, 31);
      const y = x.rechunk(to);
      const got = await y.compute(sync);
      expectDense(toDense(got), ref);
      expect(y.chunks.map((c) => c.reduce((a, b) => a + b, 0))).toEqual(shape);
      expect(x.rechunk(x.chunks as number[][])).toBe(x);
    },
  );
});

describe('transpose', () => {
  test('of several shapes, axes and chunkings', async () => {
    const { x, ref } = pair([4, 5, 6], 'int32', [3, 2, 4], 32);
    for (const axes of [undefined, [0, 2, 1], [2, 0, 1], [1, 0, 2]]) {
      const y: DaskArray = x.transpose(axes);
      const want = refTranspose(ref, axes ?? [2, 1, 0]);
      expect(y.shape).toEqual(want.shape);
      expectDense(toDense(await y.compute(sync)), want);
    }
    const m = pair([7, 3], 'float64', [2, 2], 33);
    expectDense(toDense(await m.x.T.compute(sync)), refTranspose(m.ref, [1, 0]));
    expect(m.x.transpose([0, 1])).toBe(m.x);
    expect(() => m.x.transpose([0, 0])).toThrow(
      'transpose: axes [0, 0] are not a permutation of the 2 axes of an array of shape (7, 3)',
    );
  });
});

describe('reshape', () => {
  test.each([
    [[12], [4], [3, 4]],
    [[12], [5], [3, 4]],
    [[3, 4], [1, 4], [12]],
    [[3, 4], [2, 2], [12]],
    [
      [6, 4],
      [2, 4],
      [3, 8],
    ],
    [
      [6, 4],
      [3, 2],
      [2, 3, 4],
    ],
    [
      [2, 3, 4],
      [1, 3, 2],
      [6, -1],
    ],
    [
      [3, 1, 4],
      [2, 1, 2],
      [3, 4],
    ],
    [
      [3, 4],
      [2, 2],
      [3, 1, 4, 1],
    ],
    [[24], [7], [2, 3, 4]],
  ] as [number[], number[], number[]][])('%j in blocks %j to %j', async (shape, chunks, to) => {
    const { x, ref } = pair(shape, 'int16', chunks, 34);
    const y = x.reshape(to);
    const total = ref.data.length;
    const want = to.map((s) =>
      s === -1 ? total / to.filter((t) => t !== -1).reduce((a, b) => a * b, 1) : s,
    );
    expect(y.shape).toEqual(want);
    expectDense(toDense(await y.compute(sync)), { shape: want, data: ref.data });
  });

  test('errors name the shapes', () => {
    const x = fromArray(new Float64Array(12), { shape: [3, 4] });
    expect(() => x.reshape([5, 3])).toThrow(
      'reshape: cannot reshape array of size 12 (shape (3, 4)) into shape (5, 3)',
    );
    expect(() => x.reshape([-1, -1])).toThrow(/cannot reshape array of size 12/);
    expect(x.reshape([3, 4])).toBe(x);
  });
});
