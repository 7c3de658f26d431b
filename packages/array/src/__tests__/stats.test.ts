// unique, isin, bincount, histogram, topk and diff against the plain reference on `sync`, over
// shapes, chunkings and dtypes, with NumPy's errors.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { bincount, diff, fromArray, histogram, isin, topk, unique, type Dtype } from '../index.js';
import {
  expectDense,
  pair,
  refMap,
  size,
  strides,
  toDense,
  unravel,
  type Dense,
} from './reference.js';

const sync = { scheduler: 'sync' } as const;

const CASES: [number[], number[]][] = [
  [[17], [4]],
  [
    [6, 7],
    [4, 3],
  ],
  [
    [3, 4, 5],
    [2, 3, 2],
  ],
];

describe('counting', () => {
  test('unique and isin over shapes, chunkings and dtypes', async () => {
    for (const [shape, chunks] of CASES) {
      for (const dtype of ['float64', 'int16', 'uint8', 'bool'] as Dtype[]) {
        const { x, ref } = pair(shape, dtype, chunks, 4);
        const u = unique(x);
        expect(u.shape[0]).toBeNaN();
        const want = [...new Set(ref.data)].sort((a, b) => a - b);
        expectDense(toDense(await u.compute(sync)), { shape: [want.length], data: want });
        const values = want.filter((_, i) => i % 3 === 0);
        expectDense(
          toDense(await isin(x, values).compute(sync)),
          refMap((v) => +values.includes(v), [ref], 'bool'),
        );
        expectDense(
          toDense(await isin(x, new Float64Array(values), { invert: true }).compute(sync)),
          refMap((v) => +!values.includes(v), [ref], 'bool'),
        );
      }
    }
    const withNaN = fromArray(new Float64Array([3, NaN, 1, 3, NaN]), { chunks: 2 });
    expectDense(toDense(await unique(withNaN).compute(sync)), { shape: [3], data: [1, 3, NaN] });
  });

  test('bincount and histogram, with weights', async () => {
    const { x, ref } = pair([23], 'uint8', [5], 6);
    const w = pair([23], 'float64', [7], 7);
    const counts = (vals: readonly number[], len: number, wts?: readonly number[]) => {
      const out = new Array<number>(Math.max(len, Math.max(...vals) + 1)).fill(0);
      vals.forEach((v, i) => (out[v] += wts === undefined ? 1 : wts[i]));
      return out;
    };
    const b = bincount(x);
    expect(b.dtype).toBe('int32');
    const want = counts(ref.data, 0);
    expectDense(toDense(await b.compute(sync)), { shape: [want.length], data: want });
    const bw = bincount(x, { weights: w.x, minlength: 120 });
    const wantW = counts(ref.data, 120, w.ref.data);
    expectDense(toDense(await bw.compute(sync)), { shape: [120], data: wantW }, 1e-12);
    const h = pair([9, 8], 'float64', [4, 3], 8);
    const { counts: hc, edges } = histogram(h.x, { bins: 5, range: [-5, 5] });
    expect(edges).toEqual([-5, -3, -1, 1, 3, 5]);
    const hw = new Array<number>(5).fill(0);
    for (const v of h.ref.data) if (v >= -5 && v <= 5) hw[Math.min(4, Math.floor((v + 5) / 2))]++;
    expectDense(toDense(await hc.compute(sync)), { shape: [5], data: hw });
    expect(() => bincount(h.x)).toThrow(/object too deep for desired array/);
    expect(() => bincount(fromArray([1.5, 2]))).toThrow(
      /cannot cast array data from dtype\('float64'\)/,
    );
    await expect(bincount(fromArray(new Int16Array([1, -1]))).compute(sync)).rejects.toThrow(
      /non-negative integers, found -1/,
    );
    expect(() => histogram(h.x, { bins: 0, range: [0, 1] })).toThrow(
      /bins must be a positive integer/,
    );
  });
});

describe('ordering', () => {
  test('topk along axes, both signs, over chunkings and dtypes', async () => {
    for (const [shape, chunks] of CASES) {
      for (const dtype of ['float64', 'int16'] as Dtype[]) {
        const { x, ref } = pair(shape, dtype, chunks, 9);
        for (let axis = 0; axis < shape.length; axis++) {
          for (const k of [1, 2, -3]) {
            const y = topk(x, k, { axis });
            const outShape = shape.map((s, a) => (a === axis ? Math.abs(k) : s));
            expect(y.shape).toEqual(outShape);
            const st = strides(shape);
            const want: Dense = {
              shape: outShape,
              data: Array.from({ length: size(outShape) }, (_, f) => {
                const idx = unravel(f, outShape);
                const line = Array.from(
                  { length: shape[axis] },
                  (_, i) => ref.data[idx.reduce((o, v, a) => o + (a === axis ? i : v) * st[a], 0)],
                ).sort((p, q) => (k > 0 ? q - p : p - q));
                return line[idx[axis]];
              }),
            };
            expectDense(toDense(await y.compute(sync)), want);
          }
        }
      }
    }
    expect(() => topk(fromArray([1, 2]), 3)).toThrow(/k=3 is larger than the length 2 of axis 0/);
  });

  test('diff of orders 1 and 2 along axes; bool gives !=', async () => {
    const { x, ref } = pair([5, 6], 'int16', [2, 4], 10);
    const at = (i: number, j: number) => ref.data[i * 6 + j];
    const d1 = diff(x);
    expectDense(toDense(await d1.compute(sync)), {
      shape: [5, 5],
      data: Array.from(
        { length: 25 },
        (_, f) => at(Math.floor(f / 5), (f % 5) + 1) - at(Math.floor(f / 5), f % 5),
      ),
    });
    const d2 = diff(x, { n: 2, axis: 0 });
    expectDense(toDense(await d2.compute(sync)), {
      shape: [3, 6],
      data: Array.from({ length: 18 }, (_, f) => {
        const [i, j] = [Math.floor(f / 6), f % 6];
        return at(i + 2, j) - 2 * at(i + 1, j) + at(i, j);
      }),
    });
    const b = fromArray([true, true, false, true]);
    expect(Array.from((await diff(b).compute(sync)).data)).toEqual([0, 1, 1]);
    expect(() => diff(x, { n: -1 })).toThrow(/order must be non-negative but got -1/);
  });
});
