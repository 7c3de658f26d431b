// toZarr with zstd compression: the metadata names the codec, compressible data takes fewer
// bytes on disk than raw, and fromZarr (and zarrita) read back exactly what was written, for
// several dtypes (int64 too), chunkings and both schedulers; a bad level or codec is named.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zarr from 'zarrita';
import FileSystemStore from '@zarrita/storage/fs';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { arange, fromArray, fromZarr, toZarr, type Dtype } from '../index.js';
import { expectDense, pair, toDense } from './reference.js';

const sync = { scheduler: 'sync' } as const;
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dask-ts-zstd-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function bytesOnDisk(root: string): number {
  let n = 0;
  for (const e of readdirSync(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    n += e.isDirectory() ? bytesOnDisk(p) : e.name === 'zarr.json' ? 0 : statSync(p).size;
  }
  return n;
}

describe('toZarr with zstd', () => {
  test.each(['float64', 'float32', 'int16', 'uint8', 'bool'] as Dtype[])(
    '%s round trips',
    async (dtype) => {
      const { x, ref } = pair([13, 7], dtype, [5, 3], 3);
      const path = join(dir, `z-${dtype}.zarr`);
      const written = await x.toZarr(path, { ...sync, compression: 'zstd', level: 5 });
      expect(written).toBeGreaterThan(0);
      const meta = JSON.parse(readFileSync(join(path, 'zarr.json'), 'utf8')) as {
        codecs: { name: string }[];
      };
      expect(meta.codecs.map((c) => c.name)).toEqual(['bytes', 'zstd']);
      expectDense(toDense(await fromZarr(path, { chunks: [4, 7] }).compute(sync)), ref);
      const arr = await zarr.open.v3(zarr.root(new FileSystemStore(path)), { kind: 'array' });
      const got = await zarr.get(arr);
      expect(Array.from(got.data as ArrayLike<number>, Number)).toEqual(ref.data);
    },
    60_000,
  );

  test('compresses, and int64 round trips', async () => {
    const x = arange(0, 200_000, 1, { chunks: 50_000 }).astype('int32').mul(0);
    const raw = join(dir, 'raw.zarr');
    const packed = join(dir, 'packed.zarr');
    await toZarr(x, raw, sync);
    await toZarr(x, packed, { ...sync, compression: 'zstd' });
    expect(bytesOnDisk(packed) * 20).toBeLessThan(bytesOnDisk(raw));
    const big = fromArray(BigInt64Array.from([1n, -(2n ** 63n), 2n ** 62n, 7n]), { chunks: 3 });
    const p = join(dir, 'big.zarr');
    await big.toZarr(p, { ...sync, compression: 'zstd' });
    const back = await fromZarr(p).compute(sync);
    expect(Array.from(back.data as unknown as ArrayLike<bigint>)).toEqual([
      1n,
      -(2n ** 63n),
      2n ** 62n,
      7n,
    ]);
  }, 60_000);

  test('on threads', async () => {
    const threads = createThreadsScheduler({ workers: 2 });
    try {
      const { x, ref } = pair([40, 30], 'float64', [10, 15], 9);
      const path = join(dir, 'threads.zarr');
      await x.toZarr(path, { scheduler: threads, compression: 'zstd' });
      expectDense(toDense(await fromZarr(path).compute({ scheduler: threads })), ref);
    } finally {
      await threads.close?.();
    }
  }, 60_000);

  test('bad options are named', async () => {
    const { x } = pair([4], 'float64', 2, 1);
    await expect(
      x.toZarr(join(dir, 'bad.zarr'), { compression: 'gzip' as 'zstd' }),
    ).rejects.toThrow(/compression "gzip" is not written here; use 'zstd' or 'none'/);
    await expect(
      x.toZarr(join(dir, 'bad2.zarr'), { compression: 'zstd', level: 99 }),
    ).rejects.toThrow(/zstd level 99 must be an integer from -7 to 22/);
  });
});
