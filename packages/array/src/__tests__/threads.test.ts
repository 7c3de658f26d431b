// The array on the `threads` scheduler (2 workers): workers import the array kernels and the
// ndarray codec by URL (through tsx, from the sources), blocks cross threads as transferred
// buffers, and results equal those of `sync`: a pipeline with broadcasting, a transpose, a slice
// and a reduction (the first workload, small), persist, and an array in a delayed call.
// Needs the built dist of protocol, graph, worker and scheduler (workers run plain Node).
import { afterAll, describe, expect, test } from '@jest/globals';
import { delayed } from '@dask-ts/graph';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { random, where, type NdArray } from '../index.js';
import { expectDense, toDense } from './reference.js';

const threads = createThreadsScheduler({ workers: 2 });
const opts = { scheduler: threads } as const;
const sync = { scheduler: 'sync' } as const;

afterAll(async () => {
  await threads.close?.();
});

describe('array on threads', () => {
  test("x.add(x.T).at('::2, 10:').mean({ axis: 1 }) equals sync", async () => {
    const x = random.random([120, 120], { chunks: 25, seed: 3 });
    const y = x.add(x.T).at('::2, 10:').mean({ axis: 1 });
    expect(y.shape).toEqual([60]);
    expectDense(toDense(await y.compute(opts)), toDense(await y.compute(sync)), 1e-12);
  }, 60_000);

  test('a fused chain over large blocks (transferred) and several reductions', async () => {
    const x = random.normal([400, 300], { chunks: [100, 150], seed: 4 });
    const z = where(x.gt(0), x.sqrt(), x.mul(-1).exp()).astype('float32');
    const full = await z.compute(opts);
    expectDense(toDense(full), toDense(await z.compute(sync)));
    expect(full.data).toBeInstanceOf(Float32Array);
    for (const r of [
      z.sum({ axis: 0 }),
      z.max({ axis: 1, keepdims: true }),
      z.std({ axis: [0, 1], keepdims: true }),
    ]) {
      expectDense(toDense(await r.compute(opts)), toDense(await r.compute(sync)), 1e-6);
    }
  }, 60_000);

  test('persist keeps blocks in the workers; a delayed function gets the whole array', async () => {
    const x = random.random([50, 40], { chunks: 16, seed: 5 });
    const p = await x.mul(10).persist(opts);
    expectDense(
      toDense(await p.add(1).compute(opts)),
      toDense(await x.mul(10).add(1).compute(sync)),
      1e-12,
    );
    const shapeAndFirst = delayed((a: NdArray) => [
      a.shape[0],
      a.shape[1],
      a.get(0, 0),
      a.get(49, 39),
    ]);
    const got = await shapeAndFirst(x).compute(opts);
    const ref = await x.compute(sync);
    expect(got).toEqual([50, 40, ref.get(0, 0), ref.get(49, 39)]);
  }, 60_000);
});
