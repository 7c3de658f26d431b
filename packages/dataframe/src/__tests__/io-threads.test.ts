// The readers and writers on the `threads` scheduler (2 workers): workers import the IO kernels
// (and parquet-wasm) by URL, read and write the files, and results equal the plain reference.
// Needs the built dist of this package and of protocol, graph, worker and scheduler.
import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delayed } from '@dask-ts/graph';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import type { Table } from 'apache-arrow';
import { col, fromColumns, fromDelayed, readArrowIpc, readJson, readParquet } from '../index.js';
import { agg, pick, plain, rowsWhere, sample, type Plain } from './reference.js';

const threads = createThreadsScheduler({ workers: 2 });
const opts = { scheduler: threads } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-io-threads-'));

afterAll(async () => {
  await threads.close?.();
  rmSync(dir, { recursive: true, force: true });
});

function frame(p: Plain, npartitions: number) {
  return fromColumns(
    {
      a: p.a as (number | null)[],
      b: Int32Array.from(p.b as number[]),
      k: p.k as string[],
      s: p.s as string[],
    },
    { npartitions },
  );
}

describe('IO on threads', () => {
  test('Parquet written and read by workers, pruned, filtered and grouped', async () => {
    const n = 4000;
    const p = sample(n, 77);
    p.i = Array.from({ length: n }, (_, j) => j);
    const df = fromColumns(
      {
        a: p.a as (number | null)[],
        b: Int32Array.from(p.b as number[]),
        k: p.k as string[],
        i: Int32Array.from(p.i as number[]),
      },
      { npartitions: 4 },
    );
    const out = join(dir, 'pq');
    const paths = await df.toParquet(out, { compression: 'zstd', rowGroupSize: 250, ...opts });
    expect(paths.every((x) => existsSync(x))).toBe(true);
    const q = readParquet(out, { splitRowGroups: true }).filter(col('i').ge(3000));
    expect(q.npartitions).toBe(16);
    expect(q.explain()).toContain('4 row groups');
    const rows = rowsWhere(n, (j) => j >= 3000);
    const kept = pick(p, rows);
    const g = plain(
      await q
        .groupby('k')
        .agg({ a: ['sum', 'count'] })
        .compute(opts),
    );
    const keys = [...new Set(kept.k as string[])].sort();
    expect(g.k).toEqual(keys);
    keys.forEach((key, j) => {
      const sub = rowsWhere(rows.length, (r) => kept.k[r] === key).map((r) => kept.a[r]);
      expect(g.a_sum[j]).toBeCloseTo(agg(sub, 'sum'), 6);
      expect(g.a_count[j]).toBe(agg(sub, 'count'));
    });
    // Hive directories written by workers read back.
    const hive = join(dir, 'hive');
    await df.toParquet(hive, { partitionOn: ['k'], ...opts });
    const x = readParquet(hive, { filters: [['k', '==', 'x']], columns: ['i'] });
    const xs = plain(await x.compute(opts)).i as number[];
    expect(xs.sort((u, v) => u - v)).toEqual(rowsWhere(n, (j) => p.k[j] === 'x'));
  });

  test('Arrow IPC and JSON lines written and read by workers', async () => {
    const p = sample(3000, 31);
    const df = frame(p, 3);
    await df.toArrowIpc(join(dir, 'ipc'), opts);
    expect(plain(await readArrowIpc(join(dir, 'ipc')).compute(opts))).toEqual(p);
    await df.toJson(join(dir, 'json'), opts);
    const j = readJson(join(dir, 'json'), { blocksize: 8 << 10 });
    expect(j.npartitions).toBeGreaterThan(6);
    const q = j.filter(col('k').ne('x')).select(['s', 'b']);
    const rows = rowsWhere(3000, (i) => p.k[i] !== 'x');
    expect(plain(await q.compute(opts))).toEqual({ s: pick(p, rows).s, b: pick(p, rows).b });
    expect(await j.toRecords(opts)).toHaveLength(3000);
  });

  test('toDelayed partitions feed delayed functions on workers; fromDelayed reads them back', async () => {
    const p = sample(1000, 3);
    const df = frame(p, 4).filter(col('b').lt(50));
    const sizes = df.toDelayed().map((d) => delayed((t: Table) => t.numRows)(d));
    const total = (await Promise.all(sizes.map((s) => s.compute(opts)))).reduce((a, b) => a + b, 0);
    const rows = rowsWhere(1000, (i) => (p.b[i] as number) < 50);
    expect(total).toBe(rows.length);
    const back = fromDelayed(df.toDelayed(), { schema: df.schema });
    expect(plain(await back.compute(opts))).toEqual(pick(p, rows));
  });
});
