// A fixed set of cases against NumPy 1.24 and dask.array 2022.12 (fixtures/numpy-cases.json,
// made by fixtures/numpy-cases.py from the same inputs): arg and nan reductions, cumulative
// operations, rounding, padding, rolling, tiling, unique, bincount, histogram, take, masks, eye,
// isin, moveaxis, dask's topk, and dask's overlap (the extended blocks mapOverlap hands a
// function, for every boundary).
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import '@dask-ts/scheduler';
import {
  bincount,
  diff,
  digitize,
  eye,
  fromArray,
  histogram,
  isin,
  moveaxis,
  nanargmin,
  topk,
  unique,
  type Boundary,
  type ArrayValue,
  type DaskArray,
  type NdArray,
} from '../index.js';
import { expectDense, toDense, type Dense } from './reference.js';

const sync = { scheduler: 'sync' } as const;
const CASES = JSON.parse(
  readFileSync(new URL('./fixtures/numpy-cases.json', import.meta.url), 'utf8'),
) as Record<string, { shape: number[]; data: (number | null)[] }>;

function want(name: string): Dense {
  const c = CASES[name];
  return { shape: c.shape, data: c.data.map((v) => (v === null ? NaN : v)) };
}

function ints(shape: number[]): Float64Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float64Array.from({ length: n }, (_, k) => ((k * 37 + 11) % 23) - 9);
}

const i = fromArray(Int32Array.from(ints([6, 7])), { shape: [6, 7], chunks: [4, 3] });
const fdata = ints([6, 7]).map((v, k) => (k % 7 === 3 ? NaN : v / 4));
const f = fromArray(fdata, { shape: [6, 7], chunks: [2, 5] });
const g = fromArray(
  ints([5, 6]).map((v) => v / 3),
  { shape: [5, 6], chunks: [2, 4] },
);

async function check(name: string, y: DaskArray<ArrayValue>, rtol = 1e-12): Promise<void> {
  const got = toDense(await y.compute(sync));
  expectDense(got, want(name), rtol);
}

describe('against NumPy and dask.array', () => {
  test('reductions and cumulative operations', async () => {
    await check('argmax_axis1', i.argmax({ axis: 1 }));
    await check('argmin_flat', i.argmin());
    await check('argmax_nan_axis0', f.argmax({ axis: 0 }));
    await check('nanargmin_axis1', nanargmin(f, { axis: 1 }));
    await check('nanmean_axis0', f.nanmean({ axis: 0 }));
    await check('nanstd_axis1_ddof1', f.nanstd({ axis: 1, ddof: 1 }));
    await check('nanmax_flat', f.nanmax());
    await check('cumsum_axis0', i.cumsum({ axis: 0 }));
    await check('cumprod_axis1', g.cumprod({ axis: 1 }));
    await check('nancumsum_flat', f.nancumsum());
  });

  test('elementwise, shape and creation', async () => {
    await check('round_1', g.round(1));
    await check(
      'round_half',
      fromArray(
        Float64Array.from({ length: 13 }, (_, k) => (k - 6) / 2),
        { chunks: 4 },
      ).round(),
    );
    await check('floor_divide', i.floorDivide(4));
    await check('mod_neg', i.mod(-5));
    await check('clip', i.clip(-3, 5));
    await check(
      'pad_edge',
      i.pad(
        [
          [1, 2],
          [0, 3],
        ],
        { mode: 'edge' },
      ),
    );
    await check('pad_const', i.pad(2, { constantValue: 7 }));
    await check('roll_axis1', i.roll(-3, 1));
    await check('roll_flat', i.roll(5));
    await check('tile', i.at(':2, :3').tile([2, 1, 2]));
    await check('repeat_axis0', i.repeat(2, 0));
    await check('diff_2_axis0', diff(i, { n: 2, axis: 0 }));
    await check('eye_k1', eye(4, { m: 6, k: 1, chunks: 3 }));
    await check(
      'moveaxis',
      moveaxis(fromArray(ints([2, 3, 4]), { shape: [2, 3, 4], chunks: 2 }), 0, -1),
    );
  });

  test('counting, indexing and ordering', async () => {
    await check('unique', unique(i));
    await check('bincount', bincount(i.add(9).ravel(), { minlength: 30 }));
    await check('histogram', histogram(g, { bins: 4, range: [-3, 4] }).counts);
    await check('take_axis1', i.at([{}, [6, 0, 0, 3]]));
    await check('mask', i.at(i.gt(2)));
    await check('isin', isin(i, [-9, 0, 5, 13]));
    await check('digitize', digitize(f, [-2, 0, 0.5, 2]));
    await check('digitize_right', digitize(i, [-5, 0, 3, 3, 8], { right: true }));
    await check('topk_3', topk(i, 3));
    await check('topk_m2_axis0', topk(i, -2, { axis: 0 }));
  });

  test.each([
    ['reflect', { 0: 1, 1: 2 }],
    ['periodic', { 0: 1, 1: 2 }],
    ['nearest', { 0: 1, 1: 2 }],
    [-1, 1],
  ] as [Boundary, number | Record<number, number>][])(
    "mapOverlap hands the function dask's overlapped blocks (boundary %p)",
    async (boundary, depth) => {
      // dask rechunks blocks smaller than the depth first: give it (and us) blocks of at least 2.
      const x = fromArray(ints([6, 7]), { shape: [6, 7], chunks: [2, [3, 2, 2]] });
      const seen = new Map<string, NdArray>();
      const y = x.mapOverlap(
        (b, info) => {
          seen.set(info.blockId.join(','), b);
          return b;
        },
        { depth, boundary },
      );
      await y.compute(sync);
      // dask's overlap: the extended blocks laid side by side.
      const name = typeof boundary === 'number' ? 'overlap_const' : `overlap_${boundary}`;
      const w = want(name);
      const rows: number[] = [];
      const cols: number[] = [];
      for (let bi = 0; bi < 3; bi++) rows.push(seen.get(`${bi},0`)!.shape[0]);
      for (let bj = 0; bj < 3; bj++) cols.push(seen.get(`0,${bj}`)!.shape[1]);
      const width = cols.reduce((a, b) => a + b, 0);
      expect(w.shape).toEqual([rows.reduce((a, b) => a + b, 0), width]);
      let r0 = 0;
      for (let bi = 0; bi < 3; bi++) {
        let c0 = 0;
        for (let bj = 0; bj < 3; bj++) {
          const b = seen.get(`${bi},${bj}`)!;
          for (let r = 0; r < b.shape[0]; r++)
            for (let c = 0; c < b.shape[1]; c++)
              expect(b.get(r, c)).toBe(w.data[(r0 + r) * width + c0 + c]);
          c0 += cols[bj];
        }
        r0 += rows[bi];
      }
    },
  );
});
