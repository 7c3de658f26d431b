// Advanced indexing against the plain reference on `sync`: integer arrays on one axis (with basic
// items around them), boolean masks (elements in NumPy's C order, rows along axis 0) with unknown
// chunk sizes and computeChunkSizes, vindex, and assignment through slices (steps, negative
// steps, integers, broadcast array values) and masks; over random shapes, chunkings and dtypes.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import '@dask-ts/scheduler';
import { fromArray, slice, unique, type Dtype } from '../index.js';
import {
  cast,
  expectDense,
  pair,
  size,
  strides,
  toDense,
  unravel,
  type Dense,
} from './reference.js';

const sync = { scheduler: 'sync' } as const;

const at = (x: Dense, idx: readonly number[]): number => {
  const st = strides(x.shape);
  return x.data[idx.reduce((o, i, a) => o + i * st[a], 0)];
};
const build = (shape: readonly number[], f: (idx: number[]) => number): Dense => ({
  shape,
  data: Array.from({ length: size(shape) }, (_, k) => f(unravel(k, shape))),
});

const arb = fc
  .integer({ min: 1, max: 3 })
  .chain((nd) =>
    fc.tuple(
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: nd, maxLength: nd }),
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: nd, maxLength: nd }),
      fc.constantFrom<Dtype>('float64', 'int16', 'uint8', 'bool'),
      fc.integer({ min: 0, max: 10_000 }),
    ),
  );

describe('integer arrays and take', () => {
  test('x.at with one integer array among slices, and take', async () => {
    await fc.assert(
      fc.asyncProperty(arb, async ([shape, chunks, dtype, r]) => {
        const { x, ref } = pair(shape, dtype, chunks, r);
        const a = r % shape.length;
        const n = shape[a];
        const ix = Array.from({ length: (r % 9) + 1 }, (_, k) => ((k * 7 + r) % (2 * n)) - n);
        const norm = ix.map((i) => (i < 0 ? i + n : i));
        const want = build(
          shape.map((s, b) => (b === a ? ix.length : s)),
          (i) =>
            at(
              ref,
              i.map((v, b) => (b === a ? norm[v] : v)),
            ),
        );
        const items = shape.map((_, b) => (b === a ? ix : slice()));
        const y = x.at(items);
        expect(y.shape).toEqual([...want.shape]);
        expectDense(toDense(await y.compute(sync)), want);
        expectDense(toDense(await x.take(Int32Array.from(ix), a).compute(sync)), want);
      }),
      { numRuns: 30 },
    );
  }, 60_000);

  test('an integer array after an integer and an ellipsis; errors', async () => {
    const { x, ref } = pair([4, 5, 6], 'float64', [3, 2, 4], 2);
    const y = x.at([1, '...', [5, 0, 0]]);
    expectDense(
      toDense(await y.compute(sync)),
      build([5, 3], ([j, k]) => at(ref, [1, j, [5, 0, 0][k]])),
    );
    const cols = [true, false, false, true, true];
    expectDense(
      toDense(await x.at([{}, cols, 2]).compute(sync)),
      build([4, 3], ([i, k]) => at(ref, [i, [0, 3, 4][k], 2])),
    );
    expect(() => x.at([{}, [true, false]])).toThrow(
      /boolean index did not match indexed array along dimension 1; dimension is 5 but corresponding boolean dimension is 2/,
    );
    expect(() => x.at([[0, 9]])).toThrow(/index 9 is out of bounds for axis 0 with size 4/);
    expect(() => x.at([[0], [1]])).toThrow(/only one integer array index is supported; use vindex/);
  });
});

describe('boolean masks', () => {
  test('x.at(mask) keeps elements in C order; chunk sizes unknown until computed', async () => {
    await fc.assert(
      fc.asyncProperty(arb, async ([shape, chunks, dtype, r]) => {
        const { x, ref } = pair(shape, dtype, chunks, r);
        const m = pair(
          shape,
          'bool',
          chunks.map((c) => c + 1),
          r + 1,
        );
        const y = x.at(m.x);
        expect(y.ndim).toBe(1);
        expect(y.shape[0]).toBeNaN();
        const want = ref.data.filter((_, k) => m.ref.data[k] !== 0);
        expectDense(toDense(await y.compute(sync)), { shape: [want.length], data: want });
        expect(await y.sum().compute(sync)).toBeCloseTo(
          want.reduce((p, q) => p + q, 0),
          9,
        );
        const known = await y.computeChunkSizes({ scheduler: 'sync' });
        expect(known.shape).toEqual([want.length]);
        expectDense(toDense(await known.at('::-1').compute(sync)), {
          shape: [want.length],
          data: [...want].reverse(),
        });
      }),
      { numRuns: 25 },
    );
  }, 60_000);

  test('a 1-d mask keeps rows; unknown sizes are refused where they matter', async () => {
    const { x, ref } = pair([6, 4], 'int16', [4, 3], 5);
    const rowMask = fromArray([true, false, true, true, false, true], { chunks: 2 });
    const y = x.mask(rowMask);
    expect(y.chunks[0].every(Number.isNaN)).toBe(true);
    const rows = [0, 2, 3, 5];
    expectDense(
      toDense(await y.compute(sync)),
      build([4, 4], ([i, j]) => at(ref, [rows[i], j])),
    );
    expect(() => y.at('0')).toThrow(
      /chunk sizes are unknown \(NaN, after a boolean mask\); call x.computeChunkSizes\(\) first/,
    );
    expect(() => y.rechunk(2)).toThrow(/computeChunkSizes/);
    expect(() => y.flip(0)).toThrow(/flip: the array's chunk sizes are unknown/);
    expect(() => y.pad(1)).toThrow(/pad: the array's chunk sizes are unknown/);
    expect(() => y.add(x)).toThrow(
      /shapes \(NaN, 4\) \(6, 4\) \(NaN: chunk sizes unknown after a boolean mask; call x.computeChunkSizes\(\) first\)/,
    );
    expectDense(
      toDense(await y.add(y).compute(sync)),
      build([4, 4], ([i, j]) => 2 * at(ref, [rows[i], j])),
    );
    // What needs no lengths works on unknown sizes: reductions, elementwise, unique.
    expect(await y.sum().compute(sync)).toBeCloseTo(
      [0, 2, 3, 5].reduce(
        (s, r) => s + ref.data.slice(r * 4, r * 4 + 4).reduce((p, q) => p + q, 0),
        0,
      ),
      9,
    );
    expectDense(toDense(await unique(x.at(x.gt(0))).compute(sync)), {
      shape: [new Set(ref.data.filter((v) => v > 0)).size],
      data: [...new Set(ref.data.filter((v) => v > 0))].sort((p, q) => p - q),
    });
    expect(() => x.mask(fromArray([true, false]))).toThrow(
      /dimension is 6 but corresponding boolean dimension is 2/,
    );
    const known = await y.computeChunkSizes({ scheduler: 'sync' });
    // x is cut as the mask is (2 rows a block): 1, 2 and 1 rows are kept.
    expect(known.chunks).toEqual([
      [1, 2, 1],
      [3, 1],
    ]);
  });
});

describe('vindex', () => {
  test('points over shapes and chunkings', async () => {
    await fc.assert(
      fc.asyncProperty(arb, async ([shape, chunks, dtype, r]) => {
        const { x, ref } = pair(shape, dtype, chunks, r);
        const n = (r % 11) + 1;
        const pts = shape.map((s, a) =>
          Array.from({ length: n }, (_, k) => ((k * 5 + r + a) % (2 * s)) - s),
        );
        const y = x.vindex(pts);
        const want = Array.from({ length: n }, (_, k) =>
          at(
            ref,
            pts.map((p, a) => (p[k] < 0 ? p[k] + shape[a] : p[k])),
          ),
        );
        expectDense(toDense(await y.compute(sync)), { shape: [n], data: want });
      }),
      { numRuns: 25 },
    );
    const { x } = pair([3, 3], 'float64', 2);
    expect(() => x.vindex([[0, 1]])).toThrow(
      /one integer array per axis is needed: got 1 for an array of shape \(3, 3\)/,
    );
    expect(() => x.vindex([[0, 1], [1]])).toThrow(
      /could not be broadcast together with shapes \(2,\) and \(1,\)/,
    );
  });
});

describe('assignment', () => {
  test('x.set(slices, number | array) over shapes, steps and chunkings', async () => {
    await fc.assert(
      fc.asyncProperty(
        arb,
        fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0),
        async ([shape, chunks, dtype, r], step) => {
          const { x, ref } = pair(shape, dtype, chunks, r);
          const a = r % shape.length;
          const n = shape[a];
          const start = step > 0 ? r % n : n - 1 - (r % n);
          // The region: a slice along axis a, everything along the others.
          const sel: number[] = [];
          for (let i = start; step > 0 ? i < n : i >= 0; i += step) sel.push(i);
          const items = shape.map((_, b) => (b === a ? { start, step } : {}));
          const y = x.set(items, 3);
          const inRegion = (i: number[]) => sel.includes(i[a]);
          expectDense(
            toDense(await y.compute(sync)),
            build(shape, (i) => (inRegion(i) ? cast(3, dtype) : at(ref, i))),
          );
          // An array value broadcast along the region's last axis.
          const vshape = shape.map((s, b) => (b === a ? sel.length : s));
          const last = vshape[vshape.length - 1];
          const v = pair([last], dtype, 2, r + 3);
          const z = x.set(items, v.x);
          expectDense(
            toDense(await z.compute(sync)),
            build(shape, (i) =>
              inRegion(i)
                ? v.ref.data[a === shape.length - 1 ? sel.indexOf(i[a]) : i[i.length - 1]]
                : at(ref, i),
            ),
          );
        },
      ),
      { numRuns: 30 },
    );
  }, 60_000);

  test('integers in the index, masks, and a string index', async () => {
    const { x, ref } = pair([5, 6], 'float64', [2, 4], 8);
    const row = pair([6], 'float64', 3, 9);
    const y = x.set([2], row.x);
    expectDense(
      toDense(await y.compute(sync)),
      build([5, 6], ([i, j]) => (i === 2 ? row.ref.data[j] : at(ref, [i, j]))),
    );
    const z = x.set(x.lt(0), 0);
    expect(z.dtype).toBe('float64');
    expectDense(toDense(await z.compute(sync)), {
      shape: [5, 6],
      data: ref.data.map((v) => (v < 0 ? 0 : v)),
    });
    const w = x.set('1:3, ::-2', -1);
    expectDense(
      toDense(await w.compute(sync)),
      build([5, 6], ([i, j]) => (i >= 1 && i < 3 && j % 2 === 1 ? -1 : at(ref, [i, j]))),
    );
    expect(() => x.set([null], 1)).toThrow(/new axes \(null\) cannot be assigned to/);
    expect(() => x.set('7', 1)).toThrow(/index 7 is out of bounds for axis 0 with size 5/);
  });
});
