// The block operations, arg and cumulative reductions, masks and user-function creation on the
// `threads` scheduler (2 workers) equal `sync`: user functions travel as source (a closure names
// what it reads in `scope`) and return typed arrays, which the kernels shape into blocks.
// Needs the built dist of protocol, graph, worker and scheduler (workers run plain Node).
import { afterAll, describe, expect, test } from '@jest/globals';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { delayed } from '@dask-ts/graph';
import {
  blockwise,
  fromDelayed,
  fromFunction,
  histogram,
  random,
  reduction,
  topk,
  unique,
  type NdArray,
} from '../index.js';
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

  test('blockwise, fromDelayed and the counting functions equal sync', async () => {
    const a = random.random([30], { chunks: 7, seed: 10 });
    const b = random.random([20], { chunks: 6, seed: 11 });
    const outer = blockwise(
      (p: NdArray, q: NdArray) => {
        const out = new Float64Array(p.size * q.size);
        for (let i = 0; i < p.size; i++)
          for (let j = 0; j < q.size; j++) out[i * q.size + j] = p.get(i) * q.get(j);
        return out;
      },
      'ij',
      [
        [a, 'i'],
        [b, 'j'],
      ],
    );
    expectDense(toDense(await outer.compute(opts)), toDense(await outer.compute(sync)));
    const made = delayed((n: number) => Float64Array.from({ length: n }, (_, i) => i * i))(6);
    const fd = fromDelayed(made, [2, 3]).add(1);
    expectDense(toDense(await fd.compute(opts)), { shape: [2, 3], data: [1, 2, 5, 10, 17, 26] });
    const x = random
      .random([50, 40], { chunks: [20, 15], seed: 12 })
      .mul(10)
      .floor();
    for (const y of [
      unique(x),
      histogram(x, { bins: 5, range: [0, 10] }).counts,
      topk(x, 3, { axis: 0 }),
    ]) {
      expectDense(toDense(await y.compute(opts)), toDense(await y.compute(sync)));
    }
  }, 60_000);
});
