// The added elementwise functions against the plain reference on `sync`, over dtypes and
// broadcasting: float functions (tan, log1p, expm1...), tests (isnan, isfinite, isinf), logical
// operations, floorDivide, round (half to even, negative decimals), clip and sign, with their
// NumPy result dtypes.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import * as da from '../index.js';
import { fromArray, type DaskArray, type Dtype } from '../index.js';
import { expectDense, pair, refMap, toDense } from './reference.js';

const sync = { scheduler: 'sync' } as const;

const FLOAT_UN: Record<string, (x: number) => number> = {
  tan: Math.tan,
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  log1p: Math.log1p,
  expm1: Math.expm1,
  log2: Math.log2,
  log10: Math.log10,
  floor: Math.floor,
  ceil: Math.ceil,
  trunc: Math.trunc,
};

describe('more elementwise functions', () => {
  test.each(Object.keys(FLOAT_UN))('%s over dtypes', async (op) => {
    for (const [d, t] of [
      ['float64', 'float64'],
      ['float32', 'float32'],
      ['int16', 'float32'],
      ['int32', 'float64'],
    ] as [Dtype, Dtype][]) {
      const { x, ref } = pair([5, 6], d, [2, 4], 3);
      const y = (da[op as 'tan'] as (a: DaskArray) => DaskArray)(
        x.div(d.startsWith('float') ? 20 : 1).astype(d),
      );
      expect(y.dtype).toBe(t);
      const src = d.startsWith('float') ? refMap((v) => v / 20, [ref], d) : ref;
      expectDense(
        toDense(await y.compute(sync)),
        refMap(FLOAT_UN[op], [src], t),
        t === 'float32' ? 1e-6 : 1e-12,
      );
    }
  });

  test('rint rounds half to even, arctan2 takes both signs into account', async () => {
    const x = fromArray(Float64Array.from([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.7, -3.2]), {
      chunks: 3,
    });
    expect(Array.from((await da.rint(x).compute(sync)).data)).toEqual([-2, -2, -0, 0, 2, 2, 4, -3]);
    const { x: a, ref: ra } = pair([4, 5], 'float64', [2, 3], 7);
    const { x: b, ref: rb } = pair([4, 5], 'float64', [3, 2], 8);
    const y = da.arctan2(a.sub(0.5), b.sub(0.5));
    expect(y.dtype).toBe('float64');
    expectDense(
      toDense(await y.compute(sync)),
      refMap((p, q) => Math.atan2(p - 0.5, q - 0.5), [ra, rb], 'float64'),
      1e-12,
    );
    expect(() => da.arctan2(a, fromArray(new Float64Array(3)))).toThrow(/broadcast|shape/i);
  });

  test('isnan, isfinite, isinf, sign, square, logical operations', async () => {
    const x = fromArray(new Float64Array([NaN, 1, -Infinity, 0, -2.5, Infinity]), {
      shape: [2, 3],
      chunks: [1, 2],
    });
    const v = [NaN, 1, -Infinity, 0, -2.5, Infinity];
    const data = async (y: DaskArray) => toDense(await y.compute(sync)).data;
    expect(x.isnan().dtype).toBe('bool');
    expect(await data(x.isnan())).toEqual(v.map((a) => +Number.isNaN(a)));
    expect(await data(x.isfinite())).toEqual(v.map((a) => +Number.isFinite(a)));
    expect(await data(x.isinf())).toEqual(v.map((a) => +(Math.abs(a) === Infinity)));
    expect(await data(x.sign())).toEqual(v.map(Math.sign));
    expect(await data(x.square())).toEqual(v.map((a) => a * a));
    const p = x.gt(0);
    const q = x.isnan().logicalNot();
    expect(await data(p.logicalAnd(q))).toEqual(v.map((a) => +(a > 0 && !Number.isNaN(a))));
    expect(await data(da.logicalOr(p, x.isnan()))).toEqual(
      v.map((a) => +(a > 0 || Number.isNaN(a))),
    );
    expect(await data(da.logicalXor(p, q))).toEqual(v.map((a) => +(a > 0 !== !Number.isNaN(a))));
  });

  test('floorDivide, round, clip over dtypes and broadcasting', async () => {
    for (const d of ['float64', 'int16', 'uint8', 'float32'] as Dtype[]) {
      const a = pair([4, 5], d, [3, 2], 5);
      const b = pair([5], d, [2], 6);
      const t = d;
      expectDense(
        toDense(await a.x.floorDivide(b.x).compute(sync)),
        refMap((p, q) => Math.floor(p / q), [a.ref, b.ref], t),
      );
      expectDense(
        toDense(await da.floorDivide(a.x, 3).compute(sync)),
        refMap((p) => Math.floor(p / 3), [a.ref], t),
      );
      expectDense(
        toDense(await a.x.clip(-3, 20).compute(sync)),
        refMap((p) => Math.min(20, Math.max(-3, p)), [a.ref], t),
      );
      expectDense(
        toDense(await da.clip(a.x, null, b.x).compute(sync)),
        refMap((p, q) => Math.min(p, q), [a.ref, b.ref], t),
      );
    }
    const r = fromArray(new Float64Array([0.5, 1.5, 2.5, -0.5, -1.5, 1.2345, 125, -135]), {
      chunks: 3,
    });
    expect(Array.from((await r.round().compute(sync)).data)).toEqual([
      0, 2, 2, -0, -2, 1, 125, -135,
    ]);
    expect(Array.from((await da.round(r, 2).compute(sync)).data)).toEqual([
      0.5, 1.5, 2.5, -0.5, -1.5, 1.23, 125, -135,
    ]);
    expect(Array.from((await r.round(-1).compute(sync)).data)).toEqual([
      0, 0, 0, -0, -0, 0, 120, -140,
    ]);
    expect(() => r.round(0.5)).toThrow(/decimals must be an integer/);
    expect(() => r.clip(null, null)).toThrow(/one of min and max must be given/);
  });
});
