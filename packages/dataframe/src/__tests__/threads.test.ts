// The dataframe on the `threads` scheduler (2 workers): workers import the kernels (and with them
// the Arrow codec) by URL, partitions cross threads as transferred column buffers, and results
// equal the plain reference. Needs the built dist of protocol, graph, worker and scheduler.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { delayed } from '@dask-ts/graph';
import { decodeValue, encodeValue } from '@dask-ts/protocol';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import type { Table } from 'apache-arrow';
import { col, fromColumns, readCsv } from '../index.js';
import { agg, pick, plain, rowsWhere, sample } from './reference.js';

const threads = createThreadsScheduler({ workers: 2 });
const opts = { scheduler: threads } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-threads-'));

afterAll(async () => {
  await threads.close?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('Arrow codec', () => {
  test('a table crosses a MessagePort as its transferred buffers', async () => {
    const p = sample(1000, 1);
    const t = await fromColumns({
      a: p.a as (number | null)[],
      k: p.k as string[],
      f: p.b.map((b) => (b as number) > 5),
    }).compute({
      scheduler: 'sync',
    });
    const before = plain(t);
    const values = t.getChild('a')!.data[0].values;
    const { payload, transfer } = encodeValue(t, { transfer: true });
    expect(transfer).toContain(values.buffer);
    const { port1, port2 } = new MessageChannel();
    try {
      const got = new Promise<unknown>((resolve) => port2.once('message', resolve));
      port1.postMessage(payload, transfer);
      expect(values.buffer.byteLength).toBe(0); // moved, not copied
      const back = decodeValue(await got) as Table;
      expect(plain(back)).toEqual(before);
    } finally {
      port1.close();
      port2.close();
    }
  });
});

describe('dataframe on threads', () => {
  test('CSV blocks, filter, assign and groupby equal the reference', async () => {
    const n = 5000;
    const p = sample(n, 42);
    const lines = ['a,b,k,s'];
    for (let i = 0; i < n; i++) {
      const s = String(p.s[i]);
      lines.push(
        `${p.a[i] === null ? '' : String(p.a[i])},${String(p.b[i])},${String(p.k[i])},${/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s}`,
      );
    }
    writeFileSync(join(dir, 'data.csv'), lines.join('\n') + '\n');
    const df = readCsv(join(dir, 'data.csv'), { blocksize: 16 << 10 });
    expect(df.npartitions).toBeGreaterThan(4);
    const q = df.filter(col('b').ge(20)).assign({ c: col('a').add(col('b')) });
    const rows = rowsWhere(n, (i) => (p.b[i] as number) >= 20);
    const kept = pick(p, rows);
    const t = plain(await q.compute(opts));
    expect(t.c).toEqual(
      kept.a.map((a, j) => (a === null ? null : (a as number) + (kept.b[j] as number))),
    );
    expect(t.s).toEqual(kept.s);
    const g = plain(
      await q
        .groupby('k')
        .agg({ c: ['sum', 'count'] })
        .compute(opts),
    );
    const keys = [...new Set(kept.k as string[])].sort();
    expect(g.k).toEqual(keys);
    keys.forEach((key, j) => {
      const sub = rowsWhere(rows.length, (i) => kept.k[i] === key).map((i) =>
        kept.a[i] === null ? null : (kept.a[i] as number) + (kept.b[i] as number),
      );
      expect(g.c_sum[j]).toBeCloseTo(agg(sub, 'sum'), 6);
      expect(g.c_count[j]).toBe(agg(sub, 'count'));
    });
    expect(await df.col('a').mean().compute(opts)).toBeCloseTo(agg(p.a, 'mean'), 9);
  });

  test('in-memory partitions, series and delayed functions run on workers', async () => {
    const p = sample(2000, 7);
    const df = fromColumns({ a: p.a as (number | null)[], k: p.k as string[] }, { npartitions: 6 });
    const v = await df.col('a').mul(3).compute(opts);
    expect([...v]).toEqual(p.a.map((a) => (a === null ? null : (a as number) * 3)));
    const sums = await df.sum().compute(opts);
    expect(sums.a).toBeCloseTo(agg(p.a, 'sum'), 6);
    // The delayed function runs on a worker, receiving the finalized Arrow table.
    const numRows = delayed((t: Table) => t.numRows)(df.filter(col('k').eq('x')));
    expect(await numRows.compute(opts)).toBe(p.k.filter((k) => k === 'x').length);
    const held = await df.filter(col('a').gt(0)).persist(opts);
    expect(await held.col('a').count().compute(opts)).toBe(
      p.a.filter((a) => a !== null && (a as number) > 0).length,
    );
  });
});
