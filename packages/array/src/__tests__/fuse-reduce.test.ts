// Reduction fusion: a reduction of a random array or of an elementwise chain becomes one task per
// block that never makes the block (no `random` or `blockwise` task left in the graph), and gives
// what the same reduction of the materialized values gives, for every reduction, dtype, shape,
// axis choice and chunking tried here; layers read twice are left unfused; the fused tasks run on
// worker threads too (random blocks cross threads as their description).
import { afterAll, describe, expect, test } from '@jest/globals';
import { daskGraph, type GraphNode } from '@dask-ts/protocol';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { fromArray, random, type ArrayValue, type DaskArray } from '../index.js';
import { expectDense, toDense } from './reference.js';

const sync = { scheduler: 'sync' } as const;

/** The kernels the optimized graph of `x` calls, with how many tasks call each. */
function kernelsOf(x: DaskArray<ArrayValue>): Map<string, number> {
  const out = new Map<string, number>();
  for (const node of x[daskGraph]().values() as Iterable<GraphNode>) {
    if (node.kind !== 'task') continue;
    const fn = node.fn as { name?: string };
    const name = fn.name?.replace(/^array\./, '') ?? 'other';
    out.set(name, (out.get(name) ?? 0) + 1);
  }
  return out;
}

/** The reference: the reduction of the materialized values, in plain JS. */
const REF: Record<string, (xs: number[]) => number> = {
  sum: (xs) => xs.reduce((a, b) => a + b, 0),
  mean: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
  min: (xs) => Math.min(...xs),
  max: (xs) => Math.max(...xs),
  var: (xs) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
  },
  nansum: (xs) => xs.filter((v) => v === v).reduce((a, b) => a + b, 0),
  nanmax: (xs) => Math.max(...xs.filter((v) => v === v)),
};

async function reduced(y: DaskArray, op: string): Promise<number> {
  const r = (y as unknown as Record<string, () => DaskArray>)[op]();
  return Number(await r.compute(sync));
}

describe('reduction fusion', () => {
  test('random(...).sum() makes no block: one fused task per block', async () => {
    const x = random.random([1000], { chunks: 100, seed: 3 });
    const k = kernelsOf(x.sum());
    expect(k.get('fusedPartial')).toBe(10);
    expect(k.has('random')).toBe(false);
    const whole = toDense(await x.compute(sync)).data;
    expect(await x.sum().compute(sync)).toBeCloseTo(REF.sum([...whole]), 9);
  }, 30_000);

  test.each(Object.keys(REF))(
    '%s of a chain over random numbers and a chunked input equals the unfused result',
    async (op) => {
      const shape = [13, 9];
      const data = Float64Array.from({ length: 117 }, (_, i) => (i % 7) - 3);
      const a = fromArray(data, { shape, chunks: [5, 4] });
      const x = random.normal(shape, { chunks: [5, 4], seed: 8 });
      const chain = x.mul(2).add(a).sin().abs();
      const y = op.startsWith('nan') ? chain.add(a.sub(1.5).log()) : chain;
      const k = kernelsOf((y as unknown as Record<string, () => DaskArray>)[op]());
      expect(k.get('fusedPartial')).toBe(9);
      expect(k.has('blockwise') || k.has('random')).toBe(false);
      const values = [...toDense(await y.compute(sync)).data];
      const got = await reduced(y, op);
      expect(got).toBeCloseTo(REF[op](values), 9);
    },
    30_000,
  );

  test('float32 chains round as the unfused ones; integer chains are exact', async () => {
    const x = random.random([5000], { chunks: 1200, seed: 2, dtype: 'float32' });
    const y = x.mul(3).add(0.1).sqrt();
    const values = [...toDense(await y.compute(sync)).data];
    // The sum of float32 is float32 (NumPy's): the float64 reference rounded.
    const s32 = Number(await y.sum().compute(sync));
    expect(Math.fround(s32)).toBe(s32);
    expect(Math.abs(s32 - REF.sum(values))).toBeLessThanOrEqual(Math.abs(s32) * 2 ** -23);
    const i = fromArray(
      Int32Array.from({ length: 3000 }, (_, j) => j * 1000),
      { chunks: 700 },
    );
    const j = i.mul(3000).add(7);
    const ints = [...toDense(await j.compute(sync)).data];
    expect(kernelsOf(j.sum()).get('fusedPartial')).toBe(5);
    expect(await j.sum().compute(sync)).toBe(REF.sum(ints));
    expect(await j.max().compute(sync)).toBe(REF.max(ints));
    const big = fromArray(
      BigInt64Array.from({ length: 50 }, (_, n) => BigInt(n) << 40n),
      {
        chunks: 7,
      },
    );
    expect(await big.add(big).sum().compute(sync)).toBe(2n * (1225n << 40n));
  }, 30_000);

  test('reductions along some axes, keepdims and broadcast inputs', async () => {
    const x = random.random([12, 10, 3], { chunks: [5, 4, 3], seed: 4 });
    const b = fromArray(Float64Array.of(1, 2, 3), { shape: [3] });
    const y = x.mul(b).sub(0.5);
    const whole = await y.compute(sync);
    for (const axis of [0, 1, [0, 2], [1, 2]]) {
      const fused = await y.sum({ axis, keepdims: true }).compute(sync);
      const plain = await fromArray(whole).sum({ axis, keepdims: true }).compute(sync);
      expectDense(toDense(fused), toDense(plain), 1e-12);
    }
    expect(await y.mean().compute(sync)).toBeCloseTo(
      Number(await fromArray(whole).mean().compute(sync)),
      12,
    );
  }, 30_000);

  test('a random array read by two reductions is generated by each, never held', async () => {
    const x = random.random([400], { chunks: 100, seed: 6 });
    const both = x.sum().add(x.max());
    const k = kernelsOf(both);
    expect(k.get('fusedPartial')).toBe(8);
    expect(k.has('random')).toBe(false);
    const values = [...toDense(await x.compute(sync)).data];
    expect(await both.compute(sync)).toBeCloseTo(REF.sum(values) + REF.max(values), 9);
  }, 30_000);

  test('an elementwise layer read twice, or a slice, is left unfused and still right', async () => {
    const x = random.random([400], { chunks: 100, seed: 5 });
    const y = x.mul(2);
    const both = y.sum().add(y.max());
    expect(kernelsOf(both).has('fusedPartial')).toBe(false);
    const values = [...toDense(await y.compute(sync)).data];
    expect(await both.compute(sync)).toBeCloseTo(REF.sum(values) + REF.max(values), 9);
    const sliced = x.at('10:250').sum();
    expect(await sliced.compute(sync)).toBeCloseTo(REF.sum(values.slice(10, 250)) / 2, 9);
  }, 30_000);
});

describe('reduction fusion on threads', () => {
  const threads = createThreadsScheduler({ workers: 2 });
  afterAll(async () => {
    await threads.close?.();
  });

  test('fused tasks run in worker threads and give what sync gives', async () => {
    const x = random.random([3000, 40], { chunks: [500, 40], seed: 11 });
    const y = x.mul(2).add(1).sin().abs();
    for (const r of [y.sum(), y.var(), x.max(), y.sum({ axis: 0 })]) {
      expectDense(
        toDense(await r.compute({ scheduler: threads })),
        toDense(await r.compute(sync)),
        1e-12,
      );
    }
  }, 60_000);
});
