// The dataframe on the `processes` scheduler (2 child processes): tables cross process
// boundaries through the same Arrow codec (column buffers), and results equal the reference.
// Needs the built dist of protocol, graph, worker and scheduler.
import { afterAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProcessesScheduler } from '@dask-ts/scheduler';
import { col, fromColumns, readCsv } from '../index.js';
import { agg, pick, plain, rowsWhere, sample } from './reference.js';

const procs = createProcessesScheduler({ workers: 2 });
const opts = { scheduler: procs } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-procs-'));

afterAll(async () => {
  await procs.close?.();
  rmSync(dir, { recursive: true, force: true });
});

test('CSV filter and groupby, and a string series, on worker processes', async () => {
  const n = 3000;
  const p = sample(n, 5);
  const lines = ['a,b,k'];
  for (let i = 0; i < n; i++)
    lines.push(`${p.a[i] === null ? '' : String(p.a[i])},${String(p.b[i])},${String(p.k[i])}`);
  writeFileSync(join(dir, 'p.csv'), lines.join('\n') + '\n');
  const df = readCsv(join(dir, 'p.csv'), { blocksize: 8 << 10 });
  const t = plain(await df.filter(col('b').lt(40)).compute(opts));
  expect(t).toEqual(
    pick(
      { a: p.a, b: p.b, k: p.k },
      rowsWhere(n, (i) => (p.b[i] as number) < 40),
    ),
  );
  const g = plain(await df.groupby('k').agg({ b: 'sum' }).compute(opts));
  const keys = [...new Set(p.k as string[])].sort();
  expect(g.k).toEqual(keys);
  keys.forEach((key, j) =>
    expect(g.b[j]).toBe(
      agg(
        pick(
          p,
          rowsWhere(n, (i) => p.k[i] === key),
        ).b,
        'sum',
      ),
    ),
  );
  const s = await fromColumns({ s: ['x', null, 'é'] }, { npartitions: 2 })
    .col('s')
    .compute(opts);
  expect([...s]).toEqual(['x', null, 'é']);
});
