// The readers and writers on the `processes` scheduler (2 child processes): the processes import
// the IO kernels (and parquet-wasm) by URL, write and read the files, and results equal the plain
// reference. Needs the built dist of protocol, graph, worker and scheduler.
import { afterAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProcessesScheduler } from '@dask-ts/scheduler';
import { col, fromColumns, readArrowIpc, readJson, readParquet } from '../index.js';
import { pick, plain, rowsWhere, sample } from './reference.js';

const procs = createProcessesScheduler({ workers: 2 });
const opts = { scheduler: procs } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-io-procs-'));

afterAll(async () => {
  await procs.close?.();
  rmSync(dir, { recursive: true, force: true });
});

test('Parquet, JSON lines and Arrow IPC written and read by worker processes', async () => {
  const n = 2000;
  const p = sample(n, 8);
  const df = fromColumns(
    { a: p.a as (number | null)[], b: Int32Array.from(p.b as number[]), k: p.k as string[] },
    { npartitions: 3 },
  );
  const ref = { a: p.a, b: p.b, k: p.k };
  const rows = rowsWhere(n, (i) => (p.b[i] as number) < 40);
  await df.toParquet(join(dir, 'pq'), { rowGroupSize: 300, ...opts });
  const q = readParquet(join(dir, 'pq'), { splitRowGroups: true }).filter(col('b').lt(40));
  expect(plain(await q.compute(opts))).toEqual(pick(ref, rows));
  await df.toJson(join(dir, 'json'), opts);
  const j = readJson(join(dir, 'json'), { blocksize: 8 << 10 }).filter(col('b').lt(40));
  expect(plain(await j.compute(opts))).toEqual(pick(ref, rows));
  await df.toArrowIpc(join(dir, 'ipc'), { format: 'stream', ...opts });
  expect(plain(await readArrowIpc(join(dir, 'ipc')).compute(opts))).toEqual(ref);
}, 120_000);
