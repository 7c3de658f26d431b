// Reductions against the plain reference over several shapes, chunkings, axes (one, several, all,
// negative), keepdims, splitEvery (trees of several levels) and dtypes, on `sync`; plus the
// tree's shape and the errors for bad axes.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { daskGraph } from '@dask-ts/protocol';
import { fromArray, mean, sum, type DaskArray, type Dtype, type ReduceOptions } from '../index.js';
import { cast, expectDense, pair, refReduce, toDense } from './reference.js';

const sync = { scheduler: 'sync' } as const;

const mean0 = (v: number[]): number =>
  v.length === 0 ? NaN : v.reduce((a, b) => a + b, 0) / v.length;
const variance = (ddof: number) => (v: number[]) => {
  const m = mean0(v);
  return v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - ddof);
};
const REF: Record<string, (v: number[]) => number> = {
  sum: (v) => v.reduce((a, b) => a + b, 0),
  prod: (v) => v.reduce((a, b) => a * b, 1),
  min: (v) => (v.some(Number.isNaN) ? NaN : Math.min(...v)),
  max: (v) => (v.some(Number.isNaN) ? NaN : Math.max(...v)),
  any: (v) => +v.some((x) => x !== 0),
  all: (v) => +v.every((x) => x !== 0),
  mean: mean0,
  var: variance(0),
  std: (v) => Math.sqrt(variance(0)(v)),
};

function outDtype(op: string, d: Dtype): Dtype {
  if (op === 'min' || op === 'max') return d;
  if (op === 'any' || op === 'all') return 'bool';
  return d === 'float32' ? 'float32' : 'float64';
}

const CASES: [number[], number[], (number | number[] | undefined)[]][] = [
  [[11], [3], [undefined, 0, -1]],
  [
    [7, 9],
    [2, 4],
    [undefined, 0, 1, [0, 1], -2],
  ],
  [
    [4, 5, 6],
    [3, 2, 4],
    [undefined, 1, [0, 2], [1, 2], -1],
  ],
];

describe('reductions', () => {
  test.each(Object.keys(REF))('%s over shapes, chunkings and axes', async (op) => {
    for (const [shape, chunks, axesList] of CASES) {
      for (const d of ['float64', 'int16', 'float32'] as Dtype[]) {
        const { x, ref } = pair(shape, d, chunks, 11);
        for (const axis of axesList) {
          for (const keepdims of [false, true]) {
            for (const splitEvery of [2, 4]) {
              const opts: ReduceOptions = { axis, keepdims, splitEvery };
              const r = (x[op as 'sum'] as (o: ReduceOptions) => DaskArray).call(x, opts);
              const t = outDtype(op, d);
              expect(r.dtype).toBe(t);
              const axes =
                axis === undefined
                  ? shape.map((_, i) => i)
                  : (typeof axis === 'number' ? [axis] : axis).map((a) =>
                      a < 0 ? a + shape.length : a,
                    );
              const want = refReduce(ref, axes, REF[op], keepdims);
              expect(r.shape).toEqual(want.shape);
              const got = toDense(await r.compute(sync));
              // float32 results are rounded once; sums of float32 data accumulate in float64.
              expectDense(
                got,
                { shape: want.shape, data: want.data.map((v) => cast(v, t)) },
                t === 'float32' ? 1e-5 : 1e-9,
              );
            }
          }
        }
      }
    }
  });

  test('bool and unsigned data, ddof, and a full reduction computing to a number', async () => {
    const b = pair([6, 7], 'bool', [4, 3], 12);
    expect(await b.x.any().compute(sync)).toBe(true);
    expect(await b.x.all().compute(sync)).toBe(false);
    expect(await b.x.sum().compute(sync)).toBe(b.ref.data.reduce((p, q) => p + q, 0));
    const u = pair([6, 7], 'uint32', [4, 3], 13);
    expect(await u.x.max().compute(sync)).toBe(Math.max(...u.ref.data));
    const v = await u.x.var({ ddof: 1 }).compute(sync);
    expect(v).toBeCloseTo(variance(1)([...u.ref.data]), 9);
    expect(await sum(u.x, { axis: 1 }).compute(sync)).toBeDefined();
    expect(toDense(await mean(u.x, { axis: 0 }).compute(sync)).shape).toEqual([7]);
  });

  test('is a tree: splitEvery partials per combining task', () => {
    const x = fromArray(new Float64Array(64), { chunks: 1 });
    const g = x.sum({ splitEvery: 4 })[daskGraph]();
    const deps = [...g.values()].map((n) => (n.kind === 'task' ? n.deps.length : 0));
    expect(Math.max(...deps)).toBe(4);
    // 64 blocks, 64 partials, 16 + 4 combines, 1 final (fewer once linear chains are fused).
    expect(g.size).toBeLessThanOrEqual(64 + 64 + 16 + 4 + 1);
    expect(g.size).toBeGreaterThan(64);
  });

  test('bad axes are named when the reduction is built', () => {
    const x = fromArray(new Float64Array(6), { shape: [2, 3] });
    expect(() => x.sum({ axis: 2 })).toThrow(
      'sum: axis 2 is out of bounds for array of dimension 2',
    );
    expect(() => x.mean({ axis: [0, -2] })).toThrow("mean: duplicate value in 'axis': [0, -2]");
    expect(() => fromArray(new Float64Array(0)).min()).toThrow(
      /zero-size array to reduction operation minimum/,
    );
  });
});
