// The file-system layer against an S3-compatible store: s3rver started on a thread of this
// process on 127.0.0.1 (port 0, a temp directory), reached through @aws-sdk/client-s3 configured
// from the environment (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) or from
// `storageOptions` (on worker threads, which do not see this file's environment). Parquet, CSV, JSON
// lines and Arrow IPC are written to `s3://` prefixes and read back (globs, prefixes as directories,
// hive directories, row-group pruning over range reads), on sync and on threads.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createRequire } from 'node:module';
import { startTestS3, type TestS3 } from '../../../../tooling/test-s3.js';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { col, fromColumns, readArrowIpc, readCsv, readJson, readParquet } from '../index.js';
import { closeS3, writeWhole } from '@dask-ts/graph/fs';
import { pick, plain, rowsWhere, sample } from './reference.js';

const sync = { scheduler: 'sync' } as const;
let threads: ReturnType<typeof createThreadsScheduler> | undefined;
let s3: TestS3 | undefined;

beforeAll(async () => {
  s3 = await startTestS3('test-bucket', createRequire(import.meta.url).resolve('s3rver'));
}, 60_000);

afterAll(async () => {
  await threads?.close?.();
  await closeS3();
  await s3?.stop();
}, 60_000);

const p = sample(2000, 99);
const frame = () =>
  fromColumns(
    {
      a: p.a as (number | null)[],
      b: Int32Array.from(p.b as number[]),
      k: p.k as string[],
      i: Int32Array.from({ length: 2000 }, (_, j) => j),
    },
    { npartitions: 2 },
  );
const withI = { ...p, i: Array.from({ length: 2000 }, (_, j) => j) };
delete (withI as Record<string, unknown>).s;

describe('s3:// paths', () => {
  test('Parquet written to and read from a bucket, with pruning and hive directories', async () => {
    const paths = await frame().toParquet('s3://test-bucket/pq', { rowGroupSize: 250, ...sync });
    expect(paths).toEqual([
      's3://test-bucket/pq/part.0.parquet',
      's3://test-bucket/pq/part.1.parquet',
    ]);
    const all = readParquet('s3://test-bucket/pq');
    expect(all.npartitions).toBe(2);
    expect(plain(await all.compute(sync))).toEqual(withI);
    const q = readParquet('s3://test-bucket/pq/*.parquet', { splitRowGroups: true }).filter(
      col('i').lt(300),
    );
    expect(q.npartitions).toBe(8);
    expect(q.explain()).toContain('2 row groups');
    expect(plain(await q.compute(sync))).toEqual(
      pick(
        withI,
        rowsWhere(2000, (j) => j < 300),
      ),
    );
    await frame().toParquet('s3://test-bucket/hive', { partitionOn: ['k'], ...sync });
    const x = readParquet('s3://test-bucket/hive', { filters: [['k', '==', 'x']], columns: ['i'] });
    const got = (plain(await x.compute(sync)).i as number[]).sort((u, v) => u - v);
    expect(got).toEqual(rowsWhere(2000, (j) => p.k[j] === 'x'));
  }, 120_000);

  test('JSON lines and Arrow IPC in a bucket', async () => {
    await frame().toJson('s3://test-bucket/json', sync);
    const j = readJson('s3://test-bucket/json', { blocksize: 16 << 10 });
    expect(j.npartitions).toBeGreaterThan(4);
    expect(plain(await j.compute(sync))).toEqual(withI);
    await frame().toArrowIpc('s3://test-bucket/ipc', sync);
    expect(plain(await readArrowIpc('s3://test-bucket/ipc').compute(sync))).toEqual(withI);
  }, 120_000);

  test('CSV in a bucket: globs, blocks cut at row boundaries over range reads, dates', async () => {
    const text = (lo: number, hi: number) =>
      [
        'i,a,k,when',
        ...withI.i.slice(lo, hi).map((i) => {
          const a = p.a[i];
          return `${i},${a === null ? '' : String(a)},${String(p.k[i])},2024-01-${String((i % 28) + 1).padStart(2, '0')}`;
        }),
      ].join('\n') + '\n';
    writeWhole('s3://test-bucket/csv/part-0.csv', text(0, 1200));
    writeWhole('s3://test-bucket/csv/part-1.csv', text(1200, 2000));
    const df = readCsv('s3://test-bucket/csv/*.csv', {
      blocksize: 4 << 10,
      dtype: { when: 'date32' },
    });
    expect(df.npartitions).toBeGreaterThan(8);
    expect(df.dtypes).toEqual({ i: 'int32', a: 'float64', k: 'utf8', when: 'date32' });
    const got = plain(await df.compute(sync));
    expect(got.i).toEqual(withI.i);
    expect(got.a).toEqual(p.a);
    expect(got.k).toEqual(p.k);
    expect(got.when).toEqual(withI.i.map((i) => Date.UTC(2024, 0, (i % 28) + 1)));
    const few = plain(await df.filter(col('k').eq('x')).select(['i']).compute(sync)).i;
    expect(few).toEqual(rowsWhere(2000, (j) => p.k[j] === 'x'));
    expect(() => readCsv('s3://test-bucket/csv/*.tsv')).toThrow(/no object matches/);
  }, 120_000);

  test('tasks on worker threads reach the store, configured by storageOptions', async () => {
    threads = createThreadsScheduler({ workers: 2 });
    // Workers see the process's environment, not the one this test file changed: pass the options.
    const storageOptions = {
      endpoint: process.env.AWS_ENDPOINT_URL,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    };
    await frame().toJson('s3://test-bucket/json2', { scheduler: threads, storageOptions });
    const j = readJson('s3://test-bucket/json2', { storageOptions, blocksize: 16 << 10 });
    expect((await j.compute({ scheduler: threads })).numRows).toBe(2000);
    const c = readCsv('s3://test-bucket/csv', { storageOptions, blocksize: 4 << 10 });
    expect(plain(await c.compute({ scheduler: threads })).i).toEqual(withI.i);
    const q = readParquet('s3://test-bucket/pq', { splitRowGroups: true, storageOptions })
      .filter(col('b').ge(50))
      .groupby('k')
      .agg({ b: 'count' });
    const g = plain(await q.compute({ scheduler: threads }));
    const keys = [...new Set(p.k as string[])].sort();
    expect(g.k).toEqual(keys);
    expect(g.b).toEqual(
      keys.map((k) => rowsWhere(2000, (j) => p.k[j] === k && (p.b[j] as number) >= 50).length),
    );
  }, 120_000);

  test('errors name the object', () => {
    expect(() => readParquet('s3://test-bucket/nope/x.parquet')).toThrow(/nope\/x\.parquet/);
    expect(() => readParquet('s3://test-bucket/pq/*.csv')).toThrow(/no object matches/);
    expect(() => readParquet('s3://no-such-bucket/x.parquet')).toThrow(/no-such-bucket/);
  }, 60_000);
});
