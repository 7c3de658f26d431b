// Zarr v3 arrays under `s3://` prefixes of an S3-compatible store (s3rver on a thread of this
// process; the tasks get the endpoint and credentials through `storage`, since tasks may run
// where jest's copy of the environment is not seen): toZarr writes the metadata and chunk
// objects, fromZarr reads them back exactly (missing chunks are the fill value), with zstd and
// without, on `sync` and on worker threads; a prefix without an array is named.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createRequire } from 'node:module';
import { startTestS3, type TestS3 } from '../../../../tooling/test-s3.js';
import { closeS3, exists, readWhole, type StorageOptions } from '@dask-ts/graph/fs';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { fromZarr, zeros, type Dtype } from '../index.js';
import { expectDense, pair, toDense } from './reference.js';

const sync = { scheduler: 'sync' } as const;
let threads: ReturnType<typeof createThreadsScheduler> | undefined;
let storage: StorageOptions = {};
let s3: TestS3 | undefined;

beforeAll(async () => {
  s3 = await startTestS3('zarr-bucket', createRequire(import.meta.url).resolve('s3rver'));
  storage = s3.storage;
}, 60_000);

afterAll(async () => {
  await threads?.close?.();
  await closeS3();
  await s3?.stop();
}, 60_000);

describe('Zarr on s3://', () => {
  test.each([
    ['float64', 'none'],
    ['int32', 'zstd'],
    ['bool', 'zstd'],
  ] as [Dtype, 'none' | 'zstd'][])(
    '%s (%s) round trips through a bucket',
    async (dtype, compression) => {
      const { x, ref } = pair([11, 7], dtype, [4, 3], 5);
      const path = `s3://zarr-bucket/${dtype}-${compression}.zarr`;
      expect(await x.toZarr(path, { ...sync, compression, storage })).toBeGreaterThan(0);
      const meta = JSON.parse(new TextDecoder().decode(readWhole(`${path}/zarr.json`))) as {
        shape: number[];
        data_type: string;
      };
      expect(meta).toMatchObject({ shape: [11, 7], data_type: dtype });
      expect(exists(`${path}/c/0/0`)).toBe(true);
      const back = fromZarr(path, { storage });
      expect(back.chunks).toEqual([
        [4, 4, 3],
        [3, 3, 1],
      ]);
      expectDense(toDense(await back.compute(sync)), ref);
    },
    60_000,
  );

  test('written and read on worker threads; chunks never written are the fill value', async () => {
    threads ??= createThreadsScheduler({ workers: 2 });
    const { x, ref } = pair([20, 6], 'float64', [5, 6], 9);
    const path = 's3://zarr-bucket/threads.zarr';
    await x.toZarr(path, { scheduler: threads, storage });
    expectDense(
      toDense(await fromZarr(path, { chunks: [10, 3], storage }).compute({ scheduler: threads })),
      ref,
    );
    // An array whose blocks are all zero still reads back (no chunk is required to exist).
    const empty = 's3://zarr-bucket/zeros.zarr';
    await zeros([4, 4], { chunks: 2 }).toZarr(empty, { ...sync, storage });
    const got = toDense(await fromZarr(empty, { storage }).compute(sync));
    expect([...got.data].every((v) => v === 0)).toBe(true);
  }, 90_000);

  test('a prefix without an array is named', () => {
    expect(() => fromZarr('s3://zarr-bucket/nothing-here.zarr', { storage })).toThrow(
      /s3:\/\/zarr-bucket\/nothing-here\.zarr has no zarr\.json/,
    );
  }, 60_000);
});
