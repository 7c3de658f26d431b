// The rechunk plan and its stages against the plain reference: many shapes, cuttings and dtypes;
// an output block reads only the pieces it overlaps (split tasks, then a gather per output
// block); large changes of cutting go through an intermediate cutting whose blocks stay under
// the limit; sync and threads agree.
import { describe, expect, test } from '@jest/globals';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { daskGraph } from '@dask-ts/protocol';
import { compute } from '@dask-ts/graph';
import { DTYPES, rechunkPlan, type Dtype } from '../index.js';
import { expectDense, pair, toDense } from './reference.js';

const sync = { scheduler: 'sync' } as const;

type Cut = number | readonly (number | readonly number[])[];

const cases: [number[], Cut, Cut][] = [
  [[13], 4, 5],
  [[13], [[13]], [[1, 5, 7]]],
  [
    [9, 10],
    [2, 3],
    [4, 10],
  ],
  [
    [9, 10],
    [9, 1],
    [1, -1],
  ],
  [
    [9, 10],
    [1, -1],
    [-1, 1],
  ],
  [
    [16, 16],
    [3, 5],
    [5, 3],
  ],
  [
    [16, 16],
    [
      [4, 12],
      [12, 4],
    ],
    [
      [12, 4],
      [4, 12],
    ],
  ],
  [
    [4, 5, 6],
    [3, 2, 4],
    [[1, 3], 5, 2],
  ],
  [
    [6, 7, 8],
    [1, 7, 8],
    [6, 7, 1],
  ],
  [
    [0, 5],
    [1, 2],
    [1, 5],
  ],
  [
    [5, 0],
    [2, 1],
    [5, 1],
  ],
];

describe('rechunk against the reference', () => {
  test.each(cases)(
    '%j from %j to %j',
    async (shape, from, to) => {
      for (const dtype of ['float64', 'int16', 'uint8', 'bool'] as Dtype[]) {
        const { x, ref } = pair(shape, dtype, from, shape.length + 3);
        const y = x.rechunk(to);
        expect(y.dtype).toBe(dtype);
        expectDense(toDense(await y.compute(sync)), ref);
        // tight limits force intermediate stages where the plan allows them
        const z = x.rechunk(to, { threshold: 1, blockSizeLimit: 1 });
        expect(z.chunks).toEqual(y.chunks);
        expectDense(toDense(await z.compute(sync)), ref);
      }
    },
    60_000,
  );

  test('every dtype, rows to columns with an intermediate stage, sync and threads', async () => {
    for (const dtype of DTYPES) {
      const { x, ref } = pair([24, 24], dtype, [1, 24], 7);
      const y = x.rechunk([24, 1], { threshold: 4, blockSizeLimit: 48 * 8 });
      expectDense(toDense(await y.compute(sync)), ref);
    }
    const { x, ref } = pair([24, 24], 'float64', [1, 24], 8);
    const y = x.rechunk([24, 1], { threshold: 4, blockSizeLimit: 48 * 8 });
    const threads = createThreadsScheduler({ workers: 2 });
    try {
      expectDense(toDense(await y.compute({ scheduler: threads })), ref);
      // the input and its pieces (views of it) requested together: the input is copied, never
      // transferred away from under its pieces
      const big = pair([512, 2048], 'float64', [64, 2048], 9);
      const [a, b] = await compute(big.x, big.x.rechunk([512, 256]), { scheduler: threads });
      expectDense(toDense(a), big.ref);
      expectDense(toDense(b), big.ref);
      const kept = await big.x.persist({ scheduler: threads });
      expectDense(toDense(await kept.rechunk([512, 256]).compute({ scheduler: threads })), big.ref);
      expectDense(toDense(await kept.compute({ scheduler: threads })), big.ref);
    } finally {
      await threads.close?.();
    }
  }, 60_000);
});

describe('the graph of a rechunk', () => {
  test('each output block reads only the pieces it overlaps', () => {
    const { x } = pair([8, 8], 'float64', [2, 8], 1); // 4 row bands
    const y = x.rechunk([8, 2]); // 4 column bands: 16 pieces
    const g = y[daskGraph]();
    // 4 inputs + 16 split pieces + 4 gathers
    expect(g.size).toBe(4 + 16 + 4);
  });

  test('merging whole blocks gathers them without splits; one-piece outputs are sliced', () => {
    const { x } = pair([8, 8], 'float64', [2, 2], 1);
    expect(x.rechunk([4, 4])[daskGraph]().size).toBe(16 + 4);
    expect(x.rechunk([1, 2])[daskGraph]().size).toBe(16 + 32);
  });

  test('slicing a rechunked array makes only the pieces it needs', () => {
    const { x } = pair([8, 8], 'float64', [2, 8], 1);
    const y = x.rechunk([8, 2]).at(':, 0:2');
    // 4 inputs, 4 pieces, 1 gather, 1 slice
    expect(y[daskGraph]().size).toBe(4 + 4 + 1 + 1);
  });
});

describe('rechunkPlan', () => {
  test('one stage when the pieces are few', () => {
    const rows = [Array(8).fill(128), [1024]];
    const cols = [[1024], Array(8).fill(128)];
    expect(rechunkPlan(rows, cols, 8)).toEqual([cols]);
  });

  test('an intermediate cutting when the fan-in is large, its blocks under the limit', () => {
    const rows = [Array(100).fill(10), [1000]];
    const cols = [[1000], Array(100).fill(10)];
    expect(rechunkPlan(rows, cols, 8)).toEqual([cols]); // 10,000 pieces: 50 per block
    const plan = rechunkPlan(rows, cols, 8, { threshold: 4, blockSizeLimit: 100 * 1000 * 8 });
    expect(plan).toHaveLength(2);
    const [mid] = plan;
    expect(mid[0]).toEqual(Array(10).fill(100));
    expect(mid[1]).toEqual([1000]);
    expect(plan[1]).toEqual(cols);
    // without room to merge (limit = the largest block), a single stage
    expect(rechunkPlan(rows, cols, 8, { threshold: 4, blockSizeLimit: 8 })).toEqual([cols]);
    // 1,000 single rows to 1,000 single columns: a million pieces, one merged block between
    const thin = [Array(1000).fill(1), [1000]];
    const tall = [[1000], Array(1000).fill(1)];
    expect(rechunkPlan(thin, tall, 8)).toEqual([[[1000], [1000]], tall]);
  });

  test('bad options name themselves', () => {
    expect(() => rechunkPlan([[2, 2], [4]], [[4], [2, 2]], 8, { threshold: 0 })).toThrow(
      /threshold \(0\)/,
    );
  });
});
