// Shape operations, joins and the new creation functions against the plain reference on `sync`:
// each output element is read from the whole input by NumPy's index rule, over random shapes,
// chunkings and dtypes (fast-check); plus NumPy's errors naming shapes and axes.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import ndarray from 'ndarray';
import '@dask-ts/scheduler';
import { delayed } from '@dask-ts/graph';
import {
  block,
  broadcastTo,
  concatenate,
  eye,
  fromDelayed,
  fromFunction,
  moveaxis,
  pad,
  stack,
  type DaskArray,
  type Dtype,
} from '../index.js';
import { expectDense, pair, size, strides, toDense, unravel, type Dense } from './reference.js';

const sync = { scheduler: 'sync' } as const;

/** A Dense of `shape` whose element at `idx` is `f(idx)`. */
function build(shape: readonly number[], f: (idx: number[]) => number): Dense {
  return { shape, data: Array.from({ length: size(shape) }, (_, k) => f(unravel(k, shape))) };
}

/** The element of `x` at `idx`. */
function at(x: Dense, idx: readonly number[]): number {
  const st = strides(x.shape);
  return x.data[idx.reduce((o, i, a) => o + i * st[a], 0)];
}

const arb = fc
  .integer({ min: 1, max: 3 })
  .chain((nd) =>
    fc.tuple(
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: nd, maxLength: nd }),
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: nd, maxLength: nd }),
      fc.constantFrom<Dtype>('float64', 'int8', 'uint16', 'bool', 'float32'),
      fc.integer({ min: 0, max: 1000 }),
    ),
  );

async function check(y: DaskArray, want: Dense): Promise<void> {
  expect(y.shape).toEqual([...want.shape]);
  expectDense(toDense(await y.compute(sync)), want);
}

describe('shape operations', () => {
  test('flip, roll, swapaxes, moveaxis, expandDims, squeeze, ravel', async () => {
    await fc.assert(
      fc.asyncProperty(arb, async ([shape, chunks, dtype, r]) => {
        const { x, ref } = pair(shape, dtype, chunks, r);
        const nd = shape.length;
        const a = r % nd;
        await check(
          x.flip(a),
          build(shape, (i) =>
            at(
              ref,
              i.map((v, b) => (b === a ? shape[b] - 1 - v : v)),
            ),
          ),
        );
        await check(
          x.flip(),
          build(shape, (i) =>
            at(
              ref,
              i.map((v, b) => shape[b] - 1 - v),
            ),
          ),
        );
        const s = (r % 7) - 3;
        await check(
          x.roll(s, a),
          build(shape, (i) =>
            at(
              ref,
              i.map((v, b) => (b === a ? (((v - s) % shape[b]) + shape[b]) % shape[b] : v)),
            ),
          ),
        );
        const n = size(shape);
        await check(x.roll(s), {
          shape,
          data: ref.data.map((_, k) => ref.data[(((k - s) % n) + n) % n]),
        });
        const b2 = (a + 1) % nd;
        const swapped = shape.map((v, b) => (b === a ? shape[b2] : b === b2 ? shape[a] : v));
        await check(
          x.swapaxes(a, b2),
          build(swapped, (i) =>
            at(
              ref,
              i.map((_, b) => (b === a ? i[b2] : b === b2 ? i[a] : i[b])),
            ),
          ),
        );
        const moved = moveaxis(x, a, -1);
        const perm = [...shape.keys()].filter((b) => b !== a).concat([a]);
        await check(
          moved,
          build(
            perm.map((p) => shape[p]),
            (i) => {
              const src = new Array<number>(nd);
              perm.forEach((p, k) => (src[p] = i[k]));
              return at(ref, src);
            },
          ),
        );
        const e = x.expandDims([0, -1]);
        expect(e.shape).toEqual([1, ...shape, 1]);
        await check(e.squeeze([0, -1]), ref);
        await check(x.ravel(), { shape: [n], data: ref.data });
      }),
      { numRuns: 20 },
    );
  }, 60_000);

  test('repeat, tile, pad, broadcastTo', async () => {
    await fc.assert(
      fc.asyncProperty(arb, async ([shape, chunks, dtype, r]) => {
        const { x, ref } = pair(shape, dtype, chunks, r);
        const nd = shape.length;
        const a = r % nd;
        const k = (r % 3) + 1;
        await check(
          x.repeat(k, a),
          build(
            shape.map((v, b) => (b === a ? v * k : v)),
            (i) =>
              at(
                ref,
                i.map((v, b) => (b === a ? Math.floor(v / k) : v)),
              ),
          ),
        );
        await check(x.repeat(2), {
          shape: [size(shape) * 2],
          data: ref.data.flatMap((v) => [v, v]),
        });
        const reps = [2, ...shape.map((_, b) => (b === a ? k : 1))];
        await check(
          x.tile(reps),
          build([2, ...shape.map((v, b) => (b === a ? v * k : v))], (i) =>
            at(
              ref,
              i.slice(1).map((v, b) => v % shape[b]),
            ),
          ),
        );
        const w = shape.map((_, b) => [b % 2, (b + r) % 3] as const);
        const padded = shape.map((v, b) => v + w[b][0] + w[b][1]);
        const cv = dtype === 'bool' ? 1 : 7;
        await check(
          x.pad(w, { constantValue: cv }),
          build(padded, (i) => {
            const src = i.map((v, b) => v - w[b][0]);
            return src.some((v, b) => v < 0 || v >= shape[b]) ? cv : at(ref, src);
          }),
        );
        await check(
          pad(x, w, { mode: 'edge' }),
          build(padded, (i) =>
            at(
              ref,
              i.map((v, b) => Math.min(shape[b] - 1, Math.max(0, v - w[b][0]))),
            ),
          ),
        );
        const row = x.at([...shape.slice(0, -1).map(() => 0), {}]);
        const target = [3, ...shape];
        await check(
          broadcastTo(row, target),
          build(target, (i) => at(ref, [...shape.slice(0, -1).map(() => 0), i[i.length - 1]])),
        );
      }),
      { numRuns: 20 },
    );
  }, 60_000);

  test('errors in NumPy words', () => {
    const { x } = pair([3, 4], 'float64', 2);
    expect(() => x.squeeze(0)).toThrow(
      /cannot select an axis to squeeze out which has size not equal to one \(axis 0 of shape \(3, 4\)\)/,
    );
    expect(() => x.swapaxes(0, 2)).toThrow(/axis 2 is out of bounds for array of dimension 2/);
    expect(() => x.broadcastTo([3, 5])).toThrow(/\(3, 4\) and requested shape \(3, 5\)/);
    expect(() => x.pad([[1, 1]])).toThrow(/one pair for each of the 2 axes/);
    expect(() => x.repeat(-1)).toThrow(/repeats must be a non-negative integer/);
  });
});

describe('joins', () => {
  test('concatenate, stack and block over chunkings and dtypes', async () => {
    const a = pair([4, 3], 'int16', [3, 2], 1);
    const b = pair([2, 3], 'float32', [1, 3], 2);
    const c = concatenate([a.x, b.x]);
    expect(c.dtype).toBe('float32');
    expect(c.chunks).toEqual([
      [3, 1, 1, 1],
      [2, 1],
    ]);
    await check(c, { shape: [6, 3], data: [...a.ref.data, ...b.ref.data] });
    const d = pair([4, 5], 'float64', [4, 2], 3);
    await check(
      concatenate([a.x, d.x], { axis: -1 }),
      build([4, 8], ([i, j]) => (j < 3 ? at(a.ref, [i, j]) : at(d.ref, [i, j - 3]))),
    );
    const e = pair([4, 3], 'uint8', [2, 3], 4);
    await check(
      stack([a.x, e.x], { axis: 1 }),
      build([4, 2, 3], ([i, k, j]) => at(k === 0 ? a.ref : e.ref, [i, j])),
    );
    await check(
      block([
        [a.x, d.x],
        [e.x, d.x],
      ]),
      build([8, 8], ([i, j]) => {
        const top = i < 4;
        const r = top ? i : i - 4;
        return j < 3 ? at(top ? a.ref : e.ref, [r, j]) : at(d.ref, [r, j - 3]);
      }),
    );
    expect(() => concatenate([a.x, d.x])).toThrow(
      /along dimension 1, the array at index 0 has size 3 and the array at index 1 has size 5/,
    );
    expect(() => stack([a.x, d.x])).toThrow(
      /the array at index 0 has shape \(4, 3\) and the array at index 1 has shape \(4, 5\)/,
    );
    expect(() => block([[a.x], a.x])).toThrow(/list depths are mismatched/);
  });
});

describe('creation', () => {
  test('eye, fromFunction and fromDelayed', async () => {
    for (const [n, m, k, ch] of [
      [5, 5, 0, 2],
      [4, 7, 2, 3],
      [6, 3, -1, 4],
    ]) {
      await check(
        eye(n, { m, k, chunks: ch }),
        build([n, m], ([i, j]) => (j - i === k ? 1 : 0)),
      );
    }
    const scale = 10;
    const f = fromFunction((i, j) => i * scale + j, [5, 4], {
      chunks: [2, 3],
      dtype: 'int32',
      scope: { scale },
    });
    await check(
      f,
      build([5, 4], ([i, j]) => i * 10 + j),
    );
    const made = delayed((n: number) =>
      ndarray(
        new Float64Array(n * 2).map((_, i) => i),
        [n, 2],
      ),
    )(3);
    const fd = fromDelayed(made, [3, 2]);
    await check(
      fd.add(1),
      build([3, 2], ([i, j]) => i * 2 + j + 1),
    );
    await expect(fromDelayed(made, [2, 3]).compute(sync)).rejects.toThrow(
      /returned a block of shape \(3, 2\)|shape \(2, 3\)/,
    );
    expect(() => fromDelayed(5, [1])).toThrow(/expected a Delayed value/);
  });
});
