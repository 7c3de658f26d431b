// Join key filters pushed into Parquet reads (join-filter.ts): the probe side of an inner or semi
// join, read from Parquet, keeps only the rows whose key the other (filtered) side holds; the
// answers equal the same merges of the same data held in memory, which read no file. Joins that
// keep unmatched probe rows, keys a step computes and an unfiltered other side are not filtered.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@dask-ts/scheduler';
import { col, fromColumns, readParquet, type DataFrame, type MergeOptions } from '../index.js';
import { rng } from './reference.js';
import { sortedRows, type Cell } from './ops-reference.js';

const sync = { scheduler: 'sync' } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-keyfilter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILTERED = 'rows whose';
// Reads of fewer than 50,000 rows are not filtered (join-filter.ts: FEWEST_ROWS).
const N = 60_000;
const r = rng(11);
/** The probe side: random keys in 0..9999 (some null), a value and a string per row. */
const probeCols = {
  k: Array.from({ length: N }, () => (r() < 0.03 ? null : Math.floor(r() * 10_000))),
  v: Array.from({ length: N }, (_, i) => i * 0.25),
  s: Array.from({ length: N }, (_, i) => `p${i % 97}`),
};
/** The other side: keys 0..11999 (a few repeated), a group per key. */
const dimCols = {
  dk: Array.from({ length: 12_100 }, (_, i) => (i < 12_000 ? i : i - 12_000)),
  g: Array.from({ length: 12_100 }, (_, i) => i % 13),
};

const memProbe = (): DataFrame => fromColumns(probeCols, { npartitions: 3 }).astype({ k: 'int32' });
const memDim = (): DataFrame => fromColumns(dimCols).astype({ dk: 'int32', g: 'int32' });
let probe: DataFrame;
let dim: DataFrame;

beforeAll(async () => {
  await memProbe().toParquet(join(dir, 'probe'), sync);
  await memDim().toParquet(join(dir, 'dim'), sync);
  probe = readParquet(join(dir, 'probe'));
  dim = readParquet(join(dir, 'dim'));
}, 60_000);

async function rows(df: DataFrame): Promise<Cell[][]> {
  const records = await df.toRecords(sync);
  return sortedRows(records.map((x) => df.columns.map((c) => x[c])));
}

/** The merge on Parquet and in memory: the same rows, and whether the read was filtered. */
async function check(
  build: (p: DataFrame, d: DataFrame) => DataFrame,
  filtered: boolean,
): Promise<void> {
  const got = build(probe, dim);
  expect(got.explain().includes(FILTERED)).toBe(filtered);
  const want = build(memProbe(), memDim());
  expect(want.explain()).not.toContain(FILTERED);
  const a = await rows(got);
  expect(a).toEqual(await rows(want));
  expect(a.length).toBeGreaterThan(0);
}

const rare = (d: DataFrame): DataFrame => d.filter(col('g').eq(3));

describe('join key filters in Parquet reads', () => {
  test.each<[string, MergeOptions['how'], boolean]>([
    ['inner', 'inner', true],
    ['semi', 'semi', true],
    ['left (keeps unmatched rows)', 'left', false],
    ['anti (keeps unmatched rows)', 'anti', false],
  ])(
    'a broadcast %s join',
    async (_name, how, filtered) => {
      await check((p, d) => p.merge(rare(d), { leftOn: 'k', rightOn: 'dk', how }), filtered);
    },
    60_000,
  );

  test('the filtered side on the left, the Parquet side on the right', async () => {
    await check((p, d) => rare(d).merge(p, { leftOn: 'dk', rightOn: 'k' }), true);
  }, 60_000);

  test("the probe's own filter runs too, and a renamed key is traced to its file column", async () => {
    await check(
      (p, d) =>
        p
          .filter(col('v').gt(100))
          .rename({ k: 'key' })
          .merge(rare(d), { leftOn: 'key', rightOn: 'dk' }),
      true,
    );
  }, 60_000);

  test('a key computed by a step, or an unfiltered other side, is not filtered', async () => {
    await check(
      (p, d) => p.assign({ k: col('k').add(1) }).merge(rare(d), { leftOn: 'k', rightOn: 'dk' }),
      false,
    );
    await check((p, d) => p.merge(d, { leftOn: 'k', rightOn: 'dk' }), false);
    // A read of few rows costs less than waiting for the other side.
    await memDim().toParquet(join(dir, 'small'), sync);
    const small = readParquet(join(dir, 'small')).rename({ dk: 'k' });
    expect(small.merge(rare(dim), { leftOn: 'k', rightOn: 'dk' }).explain()).not.toContain(
      FILTERED,
    );
  }, 60_000);

  test('a range join: each probe read keeps the keys of the partitions it meets', async () => {
    const n = 52_000;
    const sorted = (from: number, tag: string) => ({
      key: Array.from({ length: n }, (_, i) => from + Math.floor(i / 2)),
      w: Array.from({ length: n }, (_, i) => (i * 7) % 10),
      t: Array.from({ length: n }, (_, i) => `${tag}${i}`),
    });
    const a = sorted(0, 'a');
    const b = sorted(9000, 'b');
    const mem = (x: typeof a, parts: number): DataFrame =>
      fromColumns(x, { npartitions: parts }).astype({ key: 'int32', w: 'int32' });
    await mem(a, 6).toParquet(join(dir, 'sorted-a'), sync);
    await mem(b, 4).toParquet(join(dir, 'sorted-b'), sync);
    const pa = readParquet(join(dir, 'sorted-a'));
    const pb = readParquet(join(dir, 'sorted-b')).filter(col('w').eq(3));
    const joined = pa.merge(pb, { on: 'key' });
    expect(joined.explain()).toContain('range join');
    expect(joined.explain()).toContain(FILTERED);
    const want = mem(a, 2).merge(mem(b, 3).filter(col('w').eq(3)), { on: 'key' });
    const got = await rows(joined);
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(await rows(want));
  }, 60_000);

  test("a groupby's input is filtered by the keys of the side its result is joined with", async () => {
    const sums = (p: DataFrame): DataFrame =>
      p
        .filter(col('v').gt(50))
        .groupby('k')
        .agg({ total: ['v', 'sum'], n: ['v', 'size'] });
    // The groupby's one partition is broadcast, and the other side read from no file: the filter
    // goes under the groupby, into its read.
    await check((p) => rare(memDim()).merge(sums(p), { leftOn: 'dk', rightOn: 'k' }), true);
    await check(
      (p, d) => sums(p).merge(rare(d), { leftOn: 'k', rightOn: 'dk', how: 'semi' }),
      true,
    );
    const plan = rare(memDim()).merge(sums(probe), { leftOn: 'dk', rightOn: 'k' }).explain();
    expect(plan).toMatch(/groupby\(k\)[\s\S]*readParquet.*rows whose k is a dk/);
    // A groupby that does not keep the key, or a read with fewer partitions than the other side
    // (it would wait for all of them), is not filtered.
    await check(
      (p, d) =>
        rare(d).merge(p.groupby('s').agg({ k: ['k', 'max'] }), { leftOn: 'dk', rightOn: 'k' }),
      false,
    );
    const wide = (): DataFrame =>
      rare(fromColumns(dimCols, { npartitions: 4 }).astype({ dk: 'int32', g: 'int32' }));
    await check((p) => wide().merge(sums(p), { leftOn: 'dk', rightOn: 'k' }), false);
  }, 60_000);

  test('an other side with no row leaves no probe row', async () => {
    const none = probe.merge(dim.filter(col('g').gt(100)), { leftOn: 'k', rightOn: 'dk' });
    expect(none.explain()).toContain(FILTERED);
    expect(await rows(none)).toEqual([]);
  }, 60_000);
});

describe('isin on numbers', () => {
  test('long lists, negative and fractional values, nulls', async () => {
    const xs = [-5, -1, 0, 1, 2.5, 3, 1000, 70000, null, 7, 2 ** 31 - 1];
    const df = fromColumns({ x: xs });
    const many = Array.from({ length: 50 }, (_, i) => i * 3 - 6);
    const got = await df.filter(col('x').isin(many)).toRecords(sync);
    expect(got.map((o) => o.x)).toEqual([0, 3]);
    const wide = [...many, 2.5, 70000, 2 ** 31 - 1];
    const got2 = await df.filter(col('x').isin(wide)).toRecords(sync);
    expect(got2.map((o) => o.x)).toEqual([0, 2.5, 3, 70000, 2 ** 31 - 1]);
    const ints = fromColumns({ x: [-3, 0, 4, null, 9] }).astype({ x: 'int32' });
    const got3 = await ints.filter(col('x').isin(many)).toRecords(sync);
    expect(got3.map((o) => o.x)).toEqual([-3, 0, 9]);
  }, 60_000);
});
