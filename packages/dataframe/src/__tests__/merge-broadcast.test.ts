// The automatic broadcast join: a side read from Parquet in several partitions is broadcast when
// its row estimate (from the footers) is small, through filters and earlier broadcast joins, and
// the answer is the shuffled join's; `broadcast: false` shuffles. Sync scheduler; int32 keys take
// the build-and-probe path, whose broadcast build is cached across the streamed partitions.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@dask-ts/scheduler';
import { col, fromColumns, readParquet, type DataFrame } from '../index.js';

const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-broadcast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sync = { scheduler: 'sync' } as const;

/** Rows of a computed frame as sorted strings (join output order is not specified). */
async function rows(df: DataFrame): Promise<string[]> {
  const t = await df.compute(sync);
  const names = t.schema.fields.map((f) => f.name).sort();
  const out: string[] = [];
  for (let i = 0; i < t.numRows; i++)
    out.push(names.map((n) => `${n}=${String(t.getChild(n)?.get(i))}`).join(','));
  return out.sort();
}

describe('automatic broadcast joins', () => {
  test('a small multi-partition Parquet side is broadcast, with the shuffled answer', async () => {
    const n = 600;
    const facts = fromColumns(
      {
        k: Int32Array.from({ length: n }, (_, i) => (i * 7) % 150),
        v: Float64Array.from({ length: n }, (_, i) => i / 4),
      },
      { npartitions: 3 },
    );
    const dims = fromColumns(
      {
        id: Int32Array.from({ length: 120 }, (_, i) => i),
        name: Array.from({ length: 120 }, (_, i) => `d${i % 17}`),
      },
      { npartitions: 1 },
    );
    await facts.toParquet(join(dir, 'facts'), { rowGroupSize: 100, ...sync });
    await dims.toParquet(join(dir, 'dims'), { rowGroupSize: 30, ...sync });
    const f = readParquet(join(dir, 'facts'), { splitRowGroups: true });
    const d = readParquet(join(dir, 'dims'), { splitRowGroups: true });
    expect(f.npartitions).toBeGreaterThan(3);
    expect(d.npartitions).toBe(4);
    const small = d.filter(col('id').lt(100));
    const auto = f.merge(small, { leftOn: 'k', rightOn: 'id' });
    expect(auto.explain()).toMatch(/broadcast right/);
    const left = small.merge(f, { leftOn: 'id', rightOn: 'k' });
    expect(left.explain()).toMatch(/broadcast left/);
    const shuffled = f.merge(small, { leftOn: 'k', rightOn: 'id', broadcast: false });
    expect(shuffled.explain()).toMatch(/hash shuffle/);
    const want = await rows(shuffled);
    expect(want.length).toBe(400);
    expect(await rows(auto)).toEqual(want);
    expect(await rows(left)).toEqual(want);
    // A broadcast join's result keeps the streamed side's estimate: joined again, it is the
    // larger side, and the small side is broadcast.
    const again = auto.merge(
      d
        .select(['id'])
        .assign({ id2: col('id') })
        .select(['id2']),
      {
        leftOn: 'k',
        rightOn: 'id2',
      },
    );
    expect(again.explain()).toMatch(/broadcast right/);
    expect((await rows(again)).length).toBe(400);
  }, 60_000);
});
