// The newer operations on the threads scheduler (2 workers; kernels and codecs load by URL from
// the built dist): the rechunk's split pieces, FFT, the blocked LU's steps (plain objects of typed
// arrays crossing threads), and int64 chunks (BigInt64Array buffers, and the partials of their
// reductions and scans) all give what sync gives.
import { afterAll, describe, expect, test } from '@jest/globals';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { eye, fft, fromArray, linalg, random, unique, type DaskArray } from '../index.js';
import { expectDense, toDense } from './reference.js';

const threads = createThreadsScheduler({ workers: 2 });
const opts = { scheduler: threads } as const;
const sync = { scheduler: 'sync' } as const;

afterAll(async () => {
  await threads.close?.();
});

async function same(x: DaskArray, rtol = 0): Promise<void> {
  expectDense(toDense(await x.compute(opts)), toDense(await x.compute(sync)), rtol);
}

describe('on threads', () => {
  test('rechunk, fft, lu, solve, det', async () => {
    const x = random.normal([60, 48], { chunks: [7, 48], seed: 1 });
    await same(x.rechunk([60, 5]));
    await same(fft.fft(x).pairs, 1e-12);
    await same(fft.irfft(fft.rfft(x.rechunk([-1, 10]), { axis: 0 }), { axis: 0, n: 60 }), 1e-12);
    const a = random.normal([30, 30], { chunks: 8, seed: 2 }).add(eye(30, { chunks: 8 }).mul(5));
    const [p, l, u] = linalg.lu(a);
    for (const f of [p, l, u, linalg.solve(a, x.at(':30, :3')), linalg.inv(a)])
      await same(f, 1e-12);
    expect(await linalg.det(a).compute(opts)).toBeCloseTo(await linalg.det(a).compute(sync), 6);
    const [w, v] = linalg.eig(a.at(':12, :12'));
    for (const z of [w.pairs, v.pairs, linalg.eigvals(a).pairs]) await same(z, 1e-12);
  }, 60_000);

  test('int64 chunks cross threads', async () => {
    const b = fromArray(
      BigInt64Array.from({ length: 40 }, (_, i) => BigInt(i) * 2n ** 40n),
      {
        chunks: 7,
      },
    );
    const y = b.mul(3).add(b);
    const got = await y.compute(opts);
    expect(Array.from(got.data as unknown as ArrayLike<bigint>)).toEqual(
      Array.from({ length: 40 }, (_, i) => BigInt(i) * 2n ** 42n),
    );
    expect(await y.sum().compute(opts)).toBe(780n * 2n ** 42n);
    // Partials of 64-bit integers cross threads too: arg reductions, scans, unique, products.
    const big = fromArray(
      BigInt64Array.from({ length: 40 }, (_, i) => 2n ** 60n + BigInt((i * 7) % 40)),
      { shape: [8, 5], chunks: [3, 2] },
    );
    const bigValues = async (z: DaskArray, o: typeof opts | typeof sync): Promise<unknown[]> =>
      Array.from((await z.compute(o)).data as unknown as ArrayLike<unknown>);
    for (const z of [
      big.argmax({ axis: 0 }),
      big.cumsum({ axis: 0 }),
      big.prod({ axis: 1 }),
      unique(big),
      big.matmul(big.T),
      big.floorDivide(7),
    ]) {
      expect(await bigValues(z, opts)).toEqual(await bigValues(z, sync));
    }
  }, 60_000);
});
