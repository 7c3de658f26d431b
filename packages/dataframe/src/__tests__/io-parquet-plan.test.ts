// readParquet keeps the footers it parsed by file stamp (path, size, modification time): planning
// again over an unchanged file gives the same plan, and a file rewritten in place is planned from
// its new footer (new columns, new row groups), never from the one kept.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@dask-ts/scheduler';
import { fromColumns, readParquet } from '../index.js';

const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-parquet-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readParquet plans from footers kept by file stamp', () => {
  test('an unchanged file plans alike; a rewritten one from its new footer', async () => {
    const path = join(dir, 'x');
    await fromColumns({ a: [1, 2, 3, 4], b: ['w', 'x', 'y', 'z'] }).toParquet(path, {
      scheduler: 'sync',
    });
    const first = readParquet(path);
    const again = readParquet(path);
    expect(again.columns).toEqual(first.columns);
    expect(again.explain()).toEqual(first.explain());
    expect((await again.compute({ scheduler: 'sync' })).numRows).toBe(4);

    // Rewritten in place with other columns and rows; the modification time moves on.
    await fromColumns({ c: [1.5, 2.5], d: [true, false], e: [7, 8] }).toParquet(path, {
      scheduler: 'sync',
    });
    const later = new Date(Date.now() + 5000);
    for (const f of ['part.0.parquet']) utimesSync(join(path, f), later, later);
    const rewritten = readParquet(path);
    expect(rewritten.columns).toEqual(['c', 'd', 'e']);
    const t = await rewritten.compute({ scheduler: 'sync' });
    expect(t.numRows).toBe(2);
    expect(t.getChild('c')?.toArray()).toEqual(Float64Array.from([1.5, 2.5]));
  }, 60_000);
});
