// The block operations, arg and cumulative reductions, masks and user-function creation on the
// `threads` scheduler (2 workers) equal `sync`: user functions travel as source (a closure names
// what it reads in `scope`) and return typed arrays, which the kernels shape into blocks.
// Needs the built dist of protocol, graph, worker and scheduler (workers run plain Node).
import { afterAll, describe, expect, test } from '@jest/globals';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { fromFunction, random, reduction, type NdArray } from '../index.js';
import { expectDense, toDense } from './reference.js';

const threads = createThreadsScheduler({ workers: 2 });
const opts = { scheduler: threads } as const;
const sync = { scheduler: 'sync' } as const;

afterAll(async () => {
  await threads.close?.();
});

describe('array operations on threads', () => {
  test('mapBlocks with scope, mapOverlap and a custom reduction equal sync', async () => {
    const x = random.random([90, 70], { chunks: [25, 30], seed: 8 });
    const k = 3;
    const scaled = x.mapBlocks(
      (b: NdArray) => {
        const out = new Float64Array(b.size);
        for (let i = 0; i < b.shape[0]; i++)
          for (let j = 0; j < b.shape[1]; j++) out[i * b.shape[1] + j] = b.get(i, j) * k;
        return out;
      },
      { scope: { k } },
    );
    expectDense(toDense(await scaled.compute(opts)), toDense(await scaled.compute(sync)));
    const smooth = x.mapOverlap(
      (b: NdArray) => {
        const [n, m] = b.shape;
        const out = new Float64Array(n * m);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < m; j++) {
            let s = 0;
            for (let d = -1; d <= 1; d++) s += b.get(Math.min(n - 1, Math.max(0, i + d)), j);
            out[i * m + j] = s / 3;
          }
        return out;
      },
      { depth: [1, 0], boundary: 'reflect' },
    );
    expectDense(toDense(await smooth.compute(opts)), toDense(await smooth.compute(sync)), 1e-12);
    const maxAbs = (b: NdArray, info: { axis: readonly number[] }) => {
      const [n, m] = b.shape;
      const rows = info.axis.includes(0);
      const out = new Float64Array(rows ? m : n).fill(-Infinity);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < m; j++) {
          const o = rows ? j : i;
          out[o] = Math.max(out[o], Math.abs(b.get(i, j)));
        }
      return out;
    };
    const r = reduction(x, maxAbs, maxAbs, { axis: 0, splitEvery: 2 });
    expectDense(toDense(await r.compute(opts)), toDense(await r.compute(sync)));
  }, 60_000);

  test('argmax, cumsum, nanmean, masks and fromFunction equal sync', async () => {
    const x = random.normal([80, 60], { chunks: [20, 25], seed: 9 });
    for (const y of [
      x.argmax({ axis: 1 }),
      x.argmin(),
      x.cumsum({ axis: 0 }),
      x.nanmean({ axis: 0 }),
      x.at([{}, [3, 59, 0]]),
      x.set('10:30, ::3', 0),
      x.pad(2, { mode: 'edge' }),
      x.roll(5, 1),
    ]) {
      expectDense(toDense(await y.compute(opts)), toDense(await y.compute(sync)), 1e-12);
    }
    const pos = x.mask(x.gt(1));
    const known = await pos.computeChunkSizes(opts);
    const got = toDense(await known.compute(opts));
    expect(got.shape).toEqual(known.shape);
    expectDense(got, toDense(await pos.compute(sync)));
    const f = fromFunction((i, j) => i * 1000 + j, [30, 40], { chunks: 16 });
    expectDense(toDense(await f.compute(opts)), toDense(await f.compute(sync)));
  }, 60_000);
});
