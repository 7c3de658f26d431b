// The range groupby: planning from partitions' key ranges (disjoint, touching at a boundary key,
// empty partitions, overlapping everywhere: refused), and a groupby over Parquet files written in
// key order (a key cut across row groups) checked against the tree reduction and plain arrays.
import { afterAll, describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planRanges } from '../groupby-range.js';
import { col, fromColumns, readParquet } from '../index.js';
import { plain, rng } from './reference.js';
import { rowsOf, sortedRows } from './ops-reference.js';

const sync = { scheduler: 'sync' } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-gbr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('planRanges', () => {
  test('disjoint ranges: one piece each, outputs in key order', () => {
    expect(
      planRanges([
        [20, 29],
        [0, 9],
        [10, 19],
      ]),
    ).toEqual({ bounds: [0, 10, 20], reach: [[2], [0], [1]], top: 29 });
  }, 10_000);

  test('a key cut between partitions reaches the next output; empty partitions reach none', () => {
    expect(planRanges([[0, 10], null, [10, 20], [20, 20], [21, 30]])).toEqual({
      bounds: [0, 10, 20, 21],
      reach: [[0, 1], [], [1, 2], [2], [3]],
      top: 30,
    });
  }, 10_000);

  test('ranges that overlap everywhere, or a single range, are refused', () => {
    const all = Array.from({ length: 6 }, (_, i) => [i, 100 + i] as const);
    expect(planRanges(all)).toBeUndefined();
    const three = [
      [0, 29999],
      [1, 29998],
      [2, 29997],
    ] as const;
    expect(planRanges(three)).toBeUndefined();
    // Reaching into the next output by more than a few keys.
    expect(
      planRanges([
        [0, 100],
        [50, 150],
      ]),
    ).toBeUndefined();
    expect(planRanges([[0, 5], null])).toBeUndefined();
  }, 10_000);
});

describe('range groupby over Parquet files in key order', () => {
  test('the same groups as the tree, sorted, with no shuffle', async () => {
    const n = 6000;
    const r = rng(5);
    // Sorted keys, ~3 rows each, so row groups of 500 rows cut some keys in two.
    const key = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 3));
    const x = Array.from({ length: n }, () => (r() < 0.1 ? null : Math.round(r() * 100) / 4));
    const y = Float64Array.from({ length: n }, () => Math.round(r() * 100));
    const out = join(dir, 'sorted');
    await fromColumns({ key, x, y }, { npartitions: 4 }).toParquet(out, {
      ...sync,
      rowGroupSize: 500,
    });
    const pq = readParquet(out, { splitRowGroups: true });
    expect(pq.npartitions).toBeGreaterThan(4);
    const spec = { x: ['sum', 'count', 'mean', 'first'], y: ['max', 'nunique'] } as const;
    const g = pq.groupby('key').agg(spec);
    expect(g.explain()).toMatch(/by key ranges: \d+ partitions .* no shuffle/);
    const got = plain(await g.compute(sync));
    const want = plain(await pq.groupby('key', { shuffle: false }).agg(spec).compute(sync));
    expect(got).toEqual(want);
    // Checked against plain arrays too: the sums per key.
    const sums = new Map<number, number>();
    key.forEach((k, i) => sums.set(k, (sums.get(k) ?? 0) + (x[i] ?? 0)));
    expect(got.key).toEqual([...sums.keys()]);
    expect(got.x_sum).toEqual([...sums.values()]);
    // shuffle: true takes the ranges as well; splitOut shuffles, shuffle: false is the tree.
    expect(pq.groupby('key', { shuffle: true }).agg(spec).explain()).toMatch(/by key ranges/);
    expect(pq.groupby('key', { splitOut: 2 }).agg(spec).explain()).toMatch(/hash shuffle into 2/);
    expect(pq.groupby('key', { shuffle: false }).agg(spec).explain()).toMatch(/tree reduction/);
  }, 60_000);

  test('its outputs key ranges are known: a merge with a file sorted alike is a range join', async () => {
    const n = 6000;
    const r = rng(8);
    const key = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 3));
    const q = Float64Array.from({ length: n }, () => Math.round(r() * 50));
    const items = join(dir, 'items');
    await fromColumns({ key, q }, { npartitions: 3 }).toParquet(items, {
      ...sync,
      rowGroupSize: 500,
    });
    // One row per key, other columns, in key order too, with its own row groups.
    const ok = Int32Array.from({ length: 2000 }, (_, i) => i);
    const price = Float64Array.from({ length: 2000 }, (_, i) => i * 10);
    const orders = join(dir, 'orders');
    await fromColumns({ ok, price }, { npartitions: 2 }).toParquet(orders, {
      ...sync,
      rowGroupSize: 300,
    });
    const big = readParquet(items, { splitRowGroups: true })
      .groupby('key', { shuffle: true })
      .agg({ total: ['q', 'sum'] })
      .filter(col('total').gt(90));
    const o = readParquet(orders, { splitRowGroups: true });
    const joined = big.merge(o, { leftOn: 'key', rightOn: 'ok' });
    expect(joined.explain()).toMatch(/by key ranges/);
    expect(joined.explain()).toContain('range join');
    const totals = new Map<number, number>();
    key.forEach((k, i) => totals.set(k, (totals.get(k) ?? 0) + q[i]));
    const want = [...totals].filter(([, t]) => t > 90).map(([k, t]) => [k, t, k, k * 10]);
    const got = plain(await joined.compute(sync));
    expect(sortedRows(rowsOf(got, ['key', 'total', 'ok', 'price']))).toEqual(sortedRows(want));
    // The same rows as a hash shuffle join (npartitions given).
    const hashed = big.merge(o, { leftOn: 'key', rightOn: 'ok', npartitions: 3 });
    expect(hashed.explain()).not.toContain('range join');
    expect(
      sortedRows(rowsOf(plain(await hashed.compute(sync)), ['key', 'total', 'ok', 'price'])),
    ).toEqual(sortedRows(want));
  }, 60_000);
});
