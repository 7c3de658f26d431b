// toDelayed: one Delayed per block, in C order of the block indices; each computes to that block
// (checked against the plain reference), the blocks feed delayed functions (their graph culled to
// the block, fused chains included), on `sync` and on worker threads, and back into an array with
// fromDelayed + block.
import { afterAll, describe, expect, test } from '@jest/globals';
import { compute, delayed } from '@dask-ts/graph';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { block, fromDelayed, type NdArray } from '../index.js';
import { pair, toDense } from './reference.js';

const threads = createThreadsScheduler({ workers: 2 });
afterAll(() => threads.close());

describe('toDelayed', () => {
  test('one Delayed per block, in C order, each computing to its block', async () => {
    const { x, ref } = pair([5, 7], 'float64', [2, 3], 3);
    const y = x.mul(2).add(1);
    const parts = y.toDelayed();
    expect(parts).toHaveLength(3 * 3);
    const blocks: NdArray[] = await compute(...parts, { scheduler: 'sync' });
    const rows = [0, 2, 4, 5];
    const cols = [0, 3, 6, 7];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const b = toDense(blocks[i * 3 + j]);
        expect(b.shape).toEqual([rows[i + 1] - rows[i], cols[j + 1] - cols[j]]);
        for (let r = rows[i]; r < rows[i + 1]; r++)
          for (let c = cols[j]; c < cols[j + 1]; c++)
            expect(b.data[(r - rows[i]) * b.shape[1] + (c - cols[j])]).toBeCloseTo(
              ref.data[r * 7 + c] * 2 + 1,
              12,
            );
      }
    }
  });

  test('blocks feed delayed functions on worker threads, and make an array again', async () => {
    const { x, ref } = pair([6, 4], 'float64', [3, 2], 5);
    const parts = x.toDelayed();
    const total = delayed((...bs: NdArray[]) =>
      bs.reduce((s, b) => s + (b.data as Float64Array).reduce((a, v) => a + v, 0), 0),
    )(...parts);
    const [sum] = await compute(total, { scheduler: threads });
    expect(sum).toBeCloseTo(
      ref.data.reduce((a, v) => a + v, 0),
      9,
    );
    const again = block([
      [fromDelayed(parts[0], [3, 2]), fromDelayed(parts[1], [3, 2])],
      [fromDelayed(parts[2], [3, 2]), fromDelayed(parts[3], [3, 2])],
    ]);
    expect(toDense(await again.compute({ scheduler: threads }))).toEqual(ref);
  });
});
