// Block operations against the plain reference on `sync`: mapBlocks (one and several arrays,
// broadcasting, dropAxis, newAxis, chunks, a closure with scope, the block's info), blockwise
// (outer products, contracted indices, new axes), mapOverlap (every boundary, depths larger than
// blocks, per-axis depths) and custom reductions (trees of several levels, keepdims), over several
// shapes, chunkings and dtypes; plus the build-time errors naming shapes and axes.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import ndarray from 'ndarray';
import '@dask-ts/scheduler';
import {
  blockwise,
  mapBlocks,
  mapOverlap,
  reduction,
  type Boundary,
  type Dtype,
  type NdArray,
} from '../index.js';
import {
  cast,
  expectDense,
  pair,
  refMap,
  refReduce,
  size,
  strides,
  toDense,
  unravel,
  type Dense,
} from './reference.js';

const sync = { scheduler: 'sync' } as const;

/** The block's elements times two plus its first block coordinate (a block-aware function). */
function twiceCopy(b: NdArray): NdArray {
  const out = ndarray(new Float64Array(b.size), b.shape.slice());
  const d = toDense(b).data;
  d.forEach((v, i) => (out.data[i] = v * 2));
  return out;
}

/** A reference overlap: each element replaced by the sum of its neighbours within `depth`. */
function refNeighbourSum(x: Dense, depth: number[], boundary: Boundary): Dense {
  const n = x.shape;
  const st = strides(n);
  const src = (e: number, len: number): number => {
    if (e >= 0 && e < len) return e;
    if (boundary === 'periodic') return ((e % len) + len) % len;
    if (boundary === 'nearest') return e < 0 ? 0 : len - 1;
    if (boundary === 'reflect') {
      const m = ((e % (2 * len)) + 2 * len) % (2 * len);
      return m < len ? m : 2 * len - 1 - m;
    }
    return -1;
  };
  const data = x.data.map((_, f) => {
    const idx = unravel(f, n);
    let total = 0;
    const walk = (a: number, off: number): void => {
      if (a === n.length) {
        total += off < 0 ? (typeof boundary === 'number' ? boundary : 0) : x.data[off];
        return;
      }
      for (let d = -depth[a]; d <= depth[a]; d++) {
        const s = src(idx[a] + d, n[a]);
        walk(a + 1, off < 0 || s < 0 ? -1 : off + s * st[a]);
      }
    };
    walk(0, 0);
    return total;
  });
  return { shape: n, data };
}

/** The same neighbour sum over one (extended) block, as a block function. */
function neighbourSum(depth: number[]): (b: NdArray) => NdArray {
  return (b) => {
    const shape = b.shape;
    const out = ndarray(new Float64Array(b.size), shape.slice());
    const nd = shape.length;
    const idx = new Array<number>(nd).fill(0);
    for (let f = 0; f < b.size; f++) {
      let r = f;
      for (let a = nd - 1; a >= 0; a--) {
        idx[a] = r % shape[a];
        r = Math.floor(r / shape[a]);
      }
      // Only cells whose whole neighbourhood is inside the extended block matter (the rest are
      // trimmed away or beyond the array's edge with boundary 'none').
      let total = 0;
      const walk = (a: number, off: number): void => {
        if (a === nd) {
          total += b.data[off];
          return;
        }
        for (let d = -depth[a]; d <= depth[a]; d++) {
          const j = idx[a] + d;
          if (j < 0 || j >= shape[a]) continue;
          walk(a + 1, off + j * b.stride[a]);
        }
      };
      walk(0, b.offset);
      out.data[f] = total;
    }
    return out;
  };
}

describe('mapBlocks', () => {
  test('over shapes, chunkings and dtypes equals the function on the whole array', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 3 })
          .chain((nd) =>
            fc.tuple(
              fc.array(fc.integer({ min: 1, max: 7 }), { minLength: nd, maxLength: nd }),
              fc.array(fc.integer({ min: 1, max: 4 }), { minLength: nd, maxLength: nd }),
              fc.constantFrom<Dtype>('float64', 'int16', 'uint8', 'float32'),
            ),
          ),
        async ([shape, chunks, dtype]) => {
          const { x, ref } = pair(shape, dtype, chunks, 7);
          const y = x.mapBlocks(twiceCopy, { dtype: 'float64' });
          expect(y.chunks).toEqual(x.chunks);
          expectDense(
            toDense(await y.compute(sync)),
            refMap((v) => v * 2, [ref], 'float64'),
          );
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);

  test('several arrays broadcast, other arguments and a closure with scope', async () => {
    const a = pair([6, 5], 'float64', [4, 2], 1);
    const b = pair([5], 'float64', [3], 2);
    const k = 3;
    const y = mapBlocks(
      (p: NdArray, q: NdArray, c: number) => {
        const out = ndarray(new Float64Array(p.size), p.shape.slice());
        for (let i = 0; i < p.shape[0]; i++)
          for (let j = 0; j < p.shape[1]; j++) out.set(i, j, p.get(i, j) + q.get(j) * c * k);
        return out;
      },
      [a.x, b.x, 2],
      { scope: { k } },
    );
    expect(y.chunks).toEqual([
      [4, 2],
      [2, 1, 1, 1],
    ]);
    expectDense(
      toDense(await y.compute(sync)),
      refMap((p, q) => p + q * 6, [a.ref, b.ref], 'float64'),
    );
  });

  test('dropAxis, newAxis and explicit chunks; the block info', async () => {
    const { x, ref } = pair([6, 8], 'int32', [2, 3], 3);
    const rowSums = x.mapBlocks(
      (b) => {
        const out = ndarray(new Float64Array(b.shape[0]), [b.shape[0]]);
        for (let i = 0; i < b.shape[0]; i++) {
          let s = 0;
          for (let j = 0; j < b.shape[1]; j++) s += b.get(i, j);
          out.set(i, s);
        }
        return out;
      },
      { dropAxis: 1, dtype: 'float64' },
    );
    expect(rowSums.chunks).toEqual([[2, 2, 2]]);
    expectDense(
      toDense(await rowSums.compute(sync)),
      refReduce(ref, [1], (v) => v.reduce((p, q) => p + q, 0)),
    );
    const withAxis = x.mapBlocks((b) => ndarray(b.data, [...b.shape, 1]), { newAxis: 2 });
    expect(withAxis.shape).toEqual([6, 8, 1]);
    expectDense(toDense(await withAxis.compute(sync)), { shape: [6, 8, 1], data: ref.data });
    const starts = x.mapBlocks(
      (b, info) => new Float64Array([info.arrayLocation[0][0], info.arrayLocation[1][0]]),
      { chunks: [1, 2], dtype: 'float64' },
    );
    expect(starts.chunks).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    const got = toDense(await starts.compute(sync));
    // The output's own places (dask's block_info[None]['array-location']).
    expect(got.data).toEqual([0, 0, 0, 2, 0, 4, 1, 0, 1, 2, 1, 4, 2, 0, 2, 2, 2, 4]);
  });

  test('a function that returns its input gets a copy; wrong shapes are named', async () => {
    const { x, ref } = pair([5, 4], 'float64', 2, 4);
    expectDense(
      toDense(
        await x
          .mapBlocks((b) => b)
          .add(1)
          .compute(sync),
      ),
      refMap((v) => v + 1, [ref], 'float64'),
    );
    await expect(
      x.mapBlocks(() => ndarray(new Float64Array(3), [3])).compute(sync),
    ).rejects.toThrow(
      /returned a block of shape \(3,\) for block \[0, 0\], where the output's chunks say \(2, 2\)/,
    );
    expect(() => x.mapBlocks((b) => b, { dropAxis: 2 })).toThrow(
      /dropAxis 2 is out of bounds for array of dimension 2/,
    );
    expect(() => x.mapBlocks((b) => b, { chunks: [[1, 2]] })).toThrow(
      /chunks name 1 axes, but the output has 2/,
    );
  });
});

describe('blockwise', () => {
  test('an outer product, a contracted index and a new axis', async () => {
    const a = pair([5], 'float64', [2], 1);
    const b = pair([4], 'int16', [3], 2);
    const outer = blockwise(
      (p: NdArray, q: NdArray) => {
        const out = ndarray(new Float64Array(p.size * q.size), [p.size, q.size]);
        for (let i = 0; i < p.size; i++)
          for (let j = 0; j < q.size; j++) out.set(i, j, p.get(i) * q.get(j));
        return out;
      },
      'ij',
      [
        [a.x, 'i'],
        [b.x, 'j'],
      ],
      { dtype: 'float64' },
    );
    expect(outer.chunks).toEqual([
      [2, 2, 1],
      [3, 1],
    ]);
    const want = {
      shape: [5, 4],
      data: a.ref.data.flatMap((p) => b.ref.data.map((q) => p * q)),
    };
    expectDense(toDense(await outer.compute(sync)), want);
    // Contracting j: the function sees whole rows of x.
    const m = pair([4, 6], 'float64', [2, 4], 3);
    const rows = blockwise(
      (p: NdArray) => {
        expect(p.shape[1]).toBe(6);
        const out = ndarray(new Float64Array(p.shape[0]), [p.shape[0]]);
        for (let i = 0; i < p.shape[0]; i++) {
          let s = 0;
          for (let j = 0; j < 6; j++) s += p.get(i, j);
          out.set(i, s);
        }
        return out;
      },
      'i',
      [[m.x, 'ij']],
    );
    expectDense(
      toDense(await rows.compute(sync)),
      refReduce(m.ref, [1], (v) => v.reduce((p, q) => p + q, 0)),
      1e-12,
    );
    const lifted = blockwise(
      (p: NdArray) => ndarray(p.data.slice(), [p.shape[0], 1]),
      'ik',
      [[a.x, 'i']],
      {
        newAxes: { k: 1 },
      },
    );
    expect(lifted.shape).toEqual([5, 1]);
    expect(() => blockwise((p: NdArray) => p, 'ij', [[a.x, 'ij']])).toThrow(
      /index "ij" of argument 0 names 2 axes, but the array has shape \(5,\)/,
    );
    expect(() =>
      blockwise((p: NdArray) => p, 'i', [
        [a.x, 'i'],
        [b.x, 'i'],
      ]),
    ).toThrow(/index 'i' has length 5 \(argument 0 axis 0\) and 4/);
  });
});

describe('mapOverlap', () => {
  const BOUNDARIES: Boundary[] = ['reflect', 'periodic', 'nearest', 'none', 0, 2.5];
  test.each(BOUNDARIES.map((b) => [b]))(
    'a neighbour sum with boundary %p over shapes, chunkings and depths',
    async (boundary) => {
      const cases: [number[], (number | number[])[], number[]][] = [
        [[10], [3], [1]],
        [[10], [[1, 2, 4, 3]], [3]],
        [
          [7, 6],
          [3, 2],
          [1, 2],
        ],
        [
          [5, 4, 3],
          [2, 3, 2],
          [1, 1, 0],
        ],
      ];
      for (const [shape, chunks, depth] of cases) {
        for (const dtype of ['float64', 'int16'] as Dtype[]) {
          const { x, ref } = pair(shape, dtype, chunks, 5);
          const y = x.mapOverlap(neighbourSum(depth), { depth, boundary, dtype: 'float64' });
          expect(y.chunks).toEqual(x.chunks);
          // A constant is stored in the array's dtype first.
          const fill = typeof boundary === 'number' ? cast(boundary, dtype) : boundary;
          const want = refNeighbourSum(ref, depth, fill);
          expectDense(toDense(await y.compute(sync)), want, 1e-12);
        }
      }
    },
    60_000,
  );

  test('several arrays: each extended block is handed over, chunks unified', async () => {
    const a = pair([9, 8], 'float64', [4, 3], 11);
    const b = pair([9, 8], 'int16', [2, 5], 12);
    const sum = neighbourSum([1, 1]);
    const y = mapOverlap(
      (p: NdArray, q: NdArray) => {
        expect(q.shape).toEqual(p.shape);
        const s = sum(p);
        for (let i = 0; i < s.data.length; i++) s.data[i] += 10 * q.data[i];
        return s;
      },
      [a.x, b.x],
      { depth: 1, boundary: 'nearest', dtype: 'float64' },
    );
    const want = refNeighbourSum(a.ref, [1, 1], 'nearest');
    expectDense(
      toDense(await y.compute(sync)),
      { shape: want.shape, data: want.data.map((v, k) => v + 10 * b.ref.data[k]) },
      1e-12,
    );
    expect(() => mapOverlap((p: NdArray) => p, [a.x, b.x.at('1:')], { depth: 1 })).toThrow(
      /array 0 has shape \(9, 8\) and array 1 has shape \(8, 8\)/,
    );
  });

  test('depth by axis, the function form, and errors', async () => {
    const { x, ref } = pair([6, 6], 'float64', 2, 6);
    const y = mapOverlap(neighbourSum([0, 1]), x, { depth: { 1: 1 }, boundary: 'periodic' });
    expectDense(toDense(await y.compute(sync)), refNeighbourSum(ref, [0, 1], 'periodic'), 1e-12);
    expect(() => x.mapOverlap((b) => b, { depth: [1] })).toThrow(
      /depth names 1 axes, but the array has 2/,
    );
    expect(() => x.mapOverlap((b) => b, { depth: 1, boundary: 'wrap' as Boundary })).toThrow(
      /unknown boundary "wrap" along axis 0/,
    );
  });
});

describe('custom reduction', () => {
  const chunkMaxAbs = (b: NdArray, { axis }: { axis: readonly number[] }): NdArray => {
    const shape = b.shape.map((s, a) => (axis.includes(a) ? 1 : s));
    const out = ndarray(new Float64Array(shape.reduce((p, q) => p * q, 1)).fill(-Infinity), shape);
    const st = strides(shape);
    for (let f = 0; f < b.size; f++) {
      const idx = unravel(f, b.shape);
      let o = 0;
      idx.forEach((i, a) => (o += (axis.includes(a) ? 0 : i) * st[a]));
      let p = b.offset;
      idx.forEach((i, a) => (p += i * b.stride[a]));
      out.data[o] = Math.max(out.data[o], Math.abs(b.data[p]));
    }
    return out;
  };

  test('max |x| over axes, keepdims and splitEvery equals the reference', async () => {
    for (const [shape, chunks] of [
      [[11], [2]],
      [
        [7, 9],
        [2, 3],
      ],
      [
        [4, 5, 6],
        [1, 2, 2],
      ],
    ] as [number[], number[]][]) {
      const { x, ref } = pair(shape, 'int16', chunks, 8);
      const axesList: (number | number[] | undefined)[] = [
        undefined,
        0,
        shape.length > 1 ? [0, shape.length - 1] : -1,
      ];
      for (const axis of axesList) {
        for (const keepdims of [false, true]) {
          for (const splitEvery of [2, 5]) {
            const r = reduction(x, chunkMaxAbs, chunkMaxAbs, {
              axis,
              keepdims,
              splitEvery,
              dtype: 'float64',
            });
            const ax =
              axis === undefined
                ? shape.map((_, i) => i)
                : (typeof axis === 'number' ? [axis] : axis).map((a) =>
                    a < 0 ? a + shape.length : a,
                  );
            const want = refReduce(ref, ax, (v) => Math.max(...v.map(Math.abs)), keepdims);
            expect(r.shape).toEqual(want.shape);
            expectDense(toDense(await r.compute(sync)), want);
          }
        }
      }
    }
  }, 60_000);

  test('partials longer than one (top two per row, then the largest)', async () => {
    const { x, ref } = pair([3, 10], 'float64', [3, 3], 9);
    const topTwo = (b: NdArray): NdArray => {
      const out = ndarray(new Float64Array(b.shape[0] * 2), [b.shape[0], 2]);
      for (let i = 0; i < b.shape[0]; i++) {
        const row = Array.from({ length: b.shape[1] }, (_, j) => b.get(i, j)).sort((p, q) => q - p);
        out.set(i, 0, row[0]);
        out.set(i, 1, row[1] ?? row[0]);
      }
      return out;
    };
    const best = (b: NdArray): NdArray => {
      const out = ndarray(new Float64Array(b.shape[0]), [b.shape[0], 1]);
      for (let i = 0; i < b.shape[0]; i++) {
        let m = -Infinity;
        for (let j = 0; j < b.shape[1]; j++) m = Math.max(m, b.get(i, j));
        out.set(i, 0, m);
      }
      return out;
    };
    const r = reduction(x, topTwo, best, { axis: 1, combine: topTwo, splitEvery: 2 });
    expectDense(
      toDense(await r.compute(sync)),
      refReduce(ref, [1], (v) => Math.max(...v)),
    );
    expect(size(r.shape)).toBe(3);
  });
});
