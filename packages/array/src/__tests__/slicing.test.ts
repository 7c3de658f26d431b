// Slicing against the plain reference (Python's slice semantics written directly): random shapes,
// chunkings and indices (steps, negative steps, integers, new axes, an ellipsis), the string and
// the explicit forms; slice pushdown (a slice of a 10,000 x 10,000-block array makes tasks for
// the blocks it touches only); and the errors.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import '@dask-ts/scheduler';
import { daskGraph } from '@dask-ts/protocol';
import {
  fromArray,
  newaxis,
  parseIndex,
  random,
  slice,
  zeros,
  type IndexItem,
  type Slice,
} from '../index.js';
import { expectDense, pair, size, strides, toDense, unravel, type Dense } from './reference.js';

const sync = { scheduler: 'sync' } as const;

/** Python's positions of a slice over an axis of length n. */
function positions(s: Slice, n: number): number[] {
  const step = s.step ?? 1;
  let start: number;
  let stop: number;
  const adj = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v < 0 ? v + n : v));
  if (step > 0) {
    start = s.start == null ? 0 : adj(s.start, 0, n);
    stop = s.stop == null ? n : adj(s.stop, 0, n);
  } else {
    start = s.start == null ? n - 1 : adj(s.start, -1, n - 1);
    stop = s.stop == null ? -1 : adj(s.stop, -1, n - 1);
  }
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

/** The reference: index `x` by items (no ellipsis). */
function refIndex(x: Dense, items: readonly (number | Slice | null)[]): Dense {
  const full = [...items];
  const used = full.filter((i) => i !== null).length;
  for (let k = used; k < x.shape.length; k++) full.push({});
  const perAxis: number[][] = [];
  const outShape: number[] = [];
  const map: ({ kind: 'in'; axis: number; pos: number[] } | { kind: 'new' })[] = [];
  let axis = 0;
  const fixed: (number | null)[] = [];
  for (const it of full) {
    if (it === null) {
      outShape.push(1);
      map.push({ kind: 'new' });
      continue;
    }
    const n = x.shape[axis];
    if (typeof it === 'number') {
      fixed[axis] = it < 0 ? it + n : it;
    } else {
      const pos = positions(it, n);
      perAxis[axis] = pos;
      fixed[axis] = null;
      outShape.push(pos.length);
      map.push({ kind: 'in', axis, pos });
    }
    axis++;
  }
  const st = strides(x.shape);
  const data: number[] = [];
  for (let f = 0; f < size(outShape); f++) {
    const o = unravel(f, outShape);
    let k = 0;
    fixed.forEach((v, a) => v !== null && v !== undefined && (k += v * st[a]));
    map.forEach((m, j) => {
      if (m.kind === 'in') k += m.pos[o[j]] * st[m.axis];
    });
    data.push(x.data[k]);
  }
  return { shape: outShape, data };
}

const bound = fc.option(fc.integer({ min: -12, max: 12 }), { nil: null });
const sliceArb = fc.record({
  start: bound,
  stop: bound,
  step: fc.option(fc.constantFrom(1, 2, 3, -1, -2, -3), { nil: null }),
});

describe('slicing', () => {
  test('random indices on random shapes and chunkings give the reference', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.oneof(sliceArb, fc.constant(null), fc.integer({ min: -1, max: 0 })), {
          maxLength: 4,
        }),
        async (shape, chunkSizes, raw) => {
          // At most one item per axis (new axes aside).
          const items: (number | Slice | null)[] = [];
          let axes = 0;
          for (const it of raw) {
            if (it !== null && axes >= shape.length) continue;
            if (it !== null) axes++;
            items.push(it);
          }
          const { x, ref } = pair(shape, 'int32', chunkSizes.slice(0, shape.length), 21);
          const want = refIndex(ref, items);
          const y = x.at(items);
          expect(y.shape).toEqual(want.shape);
          expectDense(toDense(await y.compute(sync)), want);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);

  test('the string form, an ellipsis and the explicit form agree', async () => {
    const { x, ref } = pair([6, 7, 5], 'float64', [4, 3, 2], 22);
    expect(parseIndex('1:, ::-2, None, -1')).toEqual([
      { start: 1, stop: null, step: null },
      { start: null, stop: null, step: -2 },
      null,
      -1,
    ]);
    const a = toDense(await x.at('1:, ::-2, None, -1').compute(sync));
    const b = toDense(await x.at([slice(1), slice(null, null, -2), newaxis, -1]).compute(sync));
    expectDense(a, refIndex(ref, [{ start: 1 }, { step: -2 }, null, -1]));
    expectDense(b, a);
    const e = toDense(await x.at('..., 2').compute(sync));
    expectDense(e, refIndex(ref, [{}, {}, 2]));
    expect(toDense(await x.at([0, '...', 0] as IndexItem[]).compute(sync)).shape).toEqual([7]);
    expect(x.at(':, :, :')).toBe(x);
    expect(await x.at('1, 2, 3').compute(sync)).toBe(ref.data[1 * 35 + 2 * 5 + 3]);
  });

  test('only the blocks a slice touches become tasks (10,000 x 10,000 blocks)', () => {
    const big = random.random([1_000_000, 1_000_000], { chunks: 100, seed: 1 });
    expect(big.numblocks).toEqual([10_000, 10_000]);
    const y = big.add(1).at('150:350, 1000:1100:7');
    expect(y.numblocks).toEqual([3, 1]);
    const g = y[daskGraph]();
    // 3 random blocks, 3 fused add blocks, 3 slices (the last two fuse linearly at most).
    expect(g.size).toBeLessThanOrEqual(9);
    expect(g.size).toBeGreaterThanOrEqual(3 + 3);
    const z = big.at('::-1000000, 5');
    expect(z.shape).toEqual([1]);
    expect(z[daskGraph]().size).toBeLessThanOrEqual(2);
  });

  test('errors name the index, the axis and the shape', () => {
    const x = zeros([3, 4]);
    expect(() => x.at('0, 0, 0')).toThrow(
      'at: too many indices for array: array of shape (3, 4) is 2-dimensional, but 3 were indexed',
    );
    expect(() => x.at('5')).toThrow('at: index 5 is out of bounds for axis 0 with size 3');
    expect(() => x.at('::0')).toThrow('at: slice step along axis 0 cannot be 0');
    expect(() => x.at('a:b')).toThrow('at: cannot parse "a" in index "a:b"');
    expect(() => x.at('..., ...')).toThrow(/single ellipsis/);
    expect(fromArray([1, 2, 3]).at('::-1').shape).toEqual([3]);
  });
});
