// argmin/argmax (and nan forms), the nan reductions and the cumulative operations against the
// plain reference on `sync`, over shapes, chunkings (trees of several levels), axes and dtypes,
// with NaN placed in float data; plus NumPy's errors for empty and all-NaN inputs.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import '@dask-ts/scheduler';
import {
  argmax,
  cumsum,
  fromArray,
  nanmean,
  type DaskArray,
  type Dtype,
  type ReduceOptions,
} from '../index.js';
import {
  expectDense,
  pair,
  refReduce,
  sample,
  size,
  strides,
  toDense,
  unravel,
  type Dense,
} from './reference.js';

const sync = { scheduler: 'sync' } as const;

/** Float data with about a fifth of the elements NaN. */
function withNaN(shape: number[], chunks: number[], seed: number, dtype: Dtype = 'float64') {
  const data = sample(shape, dtype, seed);
  if (dtype.startsWith('float'))
    for (let i = 0; i < data.length; i++) if ((i * 7 + seed) % 5 === 0) data[i] = NaN;
  return {
    x: fromArray(data, { shape, chunks, dtype }),
    ref: { shape, data: Array.from(data) } as Dense,
  };
}

const CASES: [number[], number[]][] = [
  [[13], [3]],
  [[13], [13]],
  [
    [7, 9],
    [2, 4],
  ],
  [
    [4, 5, 6],
    [3, 2, 4],
  ],
];

const argRef =
  (max: boolean, nan: boolean) =>
  (v: number[]): number => {
    let best = -1;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (Number.isNaN(x)) {
        if (nan) continue;
        if (best < 0 || !Number.isNaN(v[best])) best = i;
        if (!nan) return i;
      }
      if (best < 0 || (max ? x > v[best] : x < v[best])) best = i;
    }
    return best;
  };

/** The flat reference of an arg reduction without an axis. */
function flatArg(ref: Dense, f: (v: number[]) => number): Dense {
  return { shape: [], data: [f([...ref.data])] };
}

describe('argmin and argmax', () => {
  test.each([
    ['argmin', false, false],
    ['argmax', true, false],
    ['nanargmin', false, true],
    ['nanargmax', true, true],
  ] as const)(
    '%s over shapes, chunkings, axes and dtypes',
    async (op, max, nan) => {
      for (const [shape, chunks] of CASES) {
        for (const dtype of ['float64', 'int16', 'uint8', 'float32'] as Dtype[]) {
          // NaN only where the nan form leaves a value in every cell.
          const { x, ref } = nan ? pair(shape, dtype, chunks, 3) : withNaN(shape, chunks, 3, dtype);
          const f = argRef(max, nan);
          for (const splitEvery of [2, 4]) {
            const flat = x[op]({ splitEvery });
            expect(flat.dtype).toBe('int32');
            expectDense(toDense(await flat.compute(sync)), flatArg(ref, f));
            for (let axis = -shape.length; axis < shape.length; axis++) {
              for (const keepdims of [false, true]) {
                const r = x[op]({ axis, keepdims, splitEvery });
                const a = axis < 0 ? axis + shape.length : axis;
                expectDense(toDense(await r.compute(sync)), refReduce(ref, [a], f, keepdims));
              }
            }
          }
        }
      }
    },
    60_000,
  );

  test('ties give the first index; errors as NumPy', async () => {
    const x = fromArray([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 9], { chunks: 5 });
    expect(await x.argmin().compute(sync)).toBe(1);
    expect(await argmax(x).compute(sync)).toBe(5);
    const nans = fromArray(new Float64Array([NaN, NaN, 1]), { chunks: 1 });
    expect(await nans.argmax().compute(sync)).toBe(0);
    await expect(
      fromArray(new Float64Array([NaN, NaN]), { chunks: 1 })
        .nanargmax()
        .compute(sync),
    ).rejects.toThrow(/All-NaN slice encountered/);
    expect(() => fromArray(new Float64Array(0)).argmax()).toThrow(
      /attempt to get argmax of an empty sequence/,
    );
    expect(() => x.argmax({ axis: 1 })).toThrow(/axis 1 is out of bounds for array of dimension 1/);
  });
});

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
const noNaN = (v: number[]) => v.filter((x) => !Number.isNaN(x));
const mean = (v: number[]) => (v.length === 0 ? NaN : sum(v) / v.length);
const variance = (ddof: number) => (v: number[]) => {
  const m = mean(v);
  return v.length - ddof <= 0 ? NaN : v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - ddof);
};
const NAN_REF: Record<string, (v: number[]) => number> = {
  nansum: (v) => sum(noNaN(v)),
  nanprod: (v) => noNaN(v).reduce((a, b) => a * b, 1),
  nanmin: (v) => (noNaN(v).length === 0 ? NaN : Math.min(...noNaN(v))),
  nanmax: (v) => (noNaN(v).length === 0 ? NaN : Math.max(...noNaN(v))),
  nanmean: (v) => mean(noNaN(v)),
  nanvar: (v) => variance(0)(noNaN(v)),
  nanstd: (v) => Math.sqrt(variance(0)(noNaN(v))),
};

describe('reduction dtype', () => {
  test('the result is cast to the dtype asked for', async () => {
    const { x, ref } = pair([7, 5], 'int16', [3, 2], 12);
    const s = x.sum({ axis: 0, dtype: 'int32' });
    expect(s.dtype).toBe('int32');
    expectDense(
      toDense(await s.compute(sync)),
      refReduce(ref, [0], (v) => v.reduce((a, b) => a + b, 0)),
    );
    const m = x.mean({ dtype: 'float32' });
    expect(m.dtype).toBe('float32');
    expect(await m.compute(sync)).toBeCloseTo(ref.data.reduce((a, b) => a + b, 0) / 35, 5);
    expect(() => x.sum({ dtype: 'float16' as Dtype })).toThrow(/sum: unsupported dtype "float16"/);
  });
});

describe('nan reductions', () => {
  test.each(Object.keys(NAN_REF))(
    '%s over shapes, chunkings and axes',
    async (op) => {
      for (const [shape, chunks] of CASES) {
        for (const dtype of ['float64', 'float32', 'int16'] as Dtype[]) {
          // A float32 product of 120 numbers overflows where the float64 reference does not.
          if (op === 'nanprod' && dtype === 'float32' && size(shape) > 20) continue;
          const { x, ref } = withNaN(shape, chunks, 4, dtype);
          const axesList = [undefined, 0, shape.length - 1, shape.map((_, i) => i)];
          for (const axis of axesList) {
            for (const keepdims of [false, true]) {
              const opts: ReduceOptions = { axis, keepdims, splitEvery: 3 };
              const r = (x[op as 'nansum'] as (o: ReduceOptions) => DaskArray).call(x, opts);
              const axes =
                axis === undefined
                  ? shape.map((_, i) => i)
                  : typeof axis === 'number'
                    ? [axis]
                    : axis;
              const want = refReduce(ref, axes, NAN_REF[op], keepdims);
              const rtol = dtype === 'float32' || op === 'nanprod' ? 1e-5 : 1e-9;
              expectDense(toDense(await r.compute(sync)), want, rtol);
            }
          }
        }
      }
    },
    60_000,
  );

  test('an all-NaN cell gives NaN (0 for nansum), and nanvar takes ddof', async () => {
    const x = fromArray(new Float64Array([NaN, NaN, 1, 2, NaN, 4]), { shape: [3, 2], chunks: 1 });
    expectDense(toDense(await nanmean(x, { axis: 1 }).compute(sync)), {
      shape: [3],
      data: [NaN, 1.5, 4],
    });
    expectDense(toDense(await x.nansum({ axis: 1 }).compute(sync)), {
      shape: [3],
      data: [0, 3, 4],
    });
    expect(await x.nanvar({ ddof: 1 }).compute(sync)).toBeCloseTo(variance(1)([1, 2, 4]), 12);
  });
});

/** Running `f` along `axis` of the whole array (the flattened array without one). */
function refScan(
  x: Dense,
  axis: number | undefined,
  f: (acc: number, v: number) => number,
  id: number,
): Dense {
  if (axis === undefined) return refScan({ shape: [size(x.shape)], data: x.data }, 0, f, id);
  const st = strides(x.shape);
  const out = x.data.slice();
  for (let k = 0; k < out.length; k++) {
    const idx = unravel(k, x.shape);
    if (idx[axis] !== 0) continue;
    let acc = id;
    for (let i = 0; i < x.shape[axis]; i++) {
      const o = k + i * st[axis];
      acc = f(acc, x.data[o]);
      out[o] = acc;
    }
  }
  return { shape: x.shape, data: out };
}

describe('cumulative', () => {
  const OPS = {
    cumsum: [(a: number, v: number) => a + v, 0],
    cumprod: [(a: number, v: number) => a * v, 1],
    nancumsum: [(a: number, v: number) => (Number.isNaN(v) ? a : a + v), 0],
    nancumprod: [(a: number, v: number) => (Number.isNaN(v) ? a : a * v), 1],
  } as const;
  test.each(Object.keys(OPS))(
    '%s over shapes, chunkings, axes and dtypes',
    async (op) => {
      const [f, id] = OPS[op as keyof typeof OPS];
      await fc.assert(
        fc.asyncProperty(
          fc
            .integer({ min: 1, max: 3 })
            .chain((nd) =>
              fc.tuple(
                fc.array(fc.integer({ min: 1, max: 7 }), { minLength: nd, maxLength: nd }),
                fc.array(fc.integer({ min: 1, max: 3 }), { minLength: nd, maxLength: nd }),
                fc.constantFrom<Dtype>('float64', 'int16', 'float32', 'bool'),
                fc.integer({ min: -1, max: 2 }),
              ),
            ),
          async ([shape, chunks, dtype, ax]) => {
            const { x, ref } = withNaN(shape, chunks, 6, dtype);
            const axis = ax < 0 || ax >= shape.length ? undefined : ax;
            const r = x[op as 'cumsum']({ axis });
            expect(r.dtype).toBe(dtype === 'float32' ? 'float32' : 'float64');
            // float32 keeps every running value in float32 (NumPy too): a product past its range
            // is Infinity there, whatever float64 would hold.
            const step = dtype === 'float32' ? (a: number, v: number) => Math.fround(f(a, v)) : f;
            const want = refScan(ref, axis, step, id);
            // float32 stores every running value rounded: compare with a relative tolerance.
            expectDense(
              toDense(await r.compute(sync)),
              want,
              dtype === 'float32' || op.endsWith('prod') ? 1e-4 : 1e-12,
            );
          },
        ),
        { numRuns: 30 },
      );
    },
    60_000,
  );

  test('only the blocks a slice needs are computed, and the function form', async () => {
    const { x, ref } = pair([20, 6], 'float64', [3, 2], 2);
    const c = cumsum(x, { axis: 0 });
    const last = c.at('15:17, 3');
    expectDense(
      toDense(await last.compute(sync)),
      {
        shape: [2],
        data: [15, 16].map((i) => refScan(ref, 0, (a, v) => a + v, 0).data[i * 6 + 3]),
      },
      1e-12,
    );
    expect(() => x.cumsum({ axis: 2 })).toThrow(/axis 2 is out of bounds for array of dimension 2/);
  });
});
