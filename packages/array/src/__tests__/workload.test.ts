// The first workload, `x.add(x.T).at('::2, n/2:').mean({ axis: 1 })`, against the plain
// reference written directly on the whole array, over several sizes and chunkings (square,
// uneven and rectangular blocks), on `sync`; and only the blocks it reads become tasks.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { daskGraph } from '@dask-ts/protocol';
import { fromArray } from '../index.js';
import { expectDense, sample, toDense } from './reference.js';

const sync = { scheduler: 'sync' } as const;

describe("x.add(x.T).at('::2, n/2:').mean({ axis: 1 })", () => {
  test.each([
    [8, 4],
    [12, 5],
    [30, 7],
    [30, [10, 20]],
  ] as [number, number | number[]][])('n = %d, chunks %j', async (n, c) => {
    const data = sample([n, n], 'float64', n);
    const x = fromArray(data, { shape: [n, n], chunks: typeof c === 'number' ? c : [c, c] });
    const y = x
      .add(x.T)
      .at(`::2, ${n / 2}:`)
      .mean({ axis: 1 });
    const want: number[] = [];
    for (let i = 0; i < n; i += 2) {
      let s = 0;
      for (let j = n / 2; j < n; j++) s += data[i * n + j] + data[j * n + i];
      want.push(s / (n - n / 2));
    }
    expect(y.shape).toEqual([n / 2]);
    expectDense(toDense(await y.compute(sync)), { shape: [n / 2], data: want }, 1e-12);
  });

  test('x and x.T cut differently are rechunked to common blocks', async () => {
    const n = 12;
    const data = sample([n, n], 'float64', 99);
    const x = fromArray(data, { shape: [n, n], chunks: [4, 6] });
    const z = x.add(x.T);
    expect(z.chunks).toEqual([
      [4, 2, 2, 4],
      [4, 2, 2, 4],
    ]);
    const want: number[] = [];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) want.push(data[i * n + j] + data[j * n + i]);
    expectDense(toDense(await z.compute(sync)), { shape: [n, n], data: want });
  });

  test('reads only the blocks it needs', () => {
    const x = fromArray(new Float64Array(40 * 40), { shape: [40, 40], chunks: 10 });
    const y = x.add(x.T).at('::2, 30:').mean({ axis: 1 });
    const keys = [...y[daskGraph]().keys()];
    // x's blocks (i, 3) and (3, i): 7 of 16; the add, slice and partials of 4 blocks.
    expect(keys.filter((k) => k.startsWith(`["${x.name}"`))).toHaveLength(7);
    expect(keys.filter((k) => k.startsWith('["add-'))).toHaveLength(4);
  });
});
