// The pre-aggregating groupby shuffle against the tree reduction and plain arrays: every
// aggregation (running ones, first / last, nunique, median, size) over keys with nulls, int and
// string keys, two keys, through the in-memory shuffle and through disk; and the strategy chosen
// from Parquet statistics of int32 keys (a narrow key range: tree; a wide one: shuffle).
import { afterAll, describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureShuffle, fromColumns, readParquet } from '../index.js';
import { plain, rng } from './reference.js';

const sync = { scheduler: 'sync' } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-gbs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function frame(n: number, seed: number, parts: number) {
  const r = rng(seed);
  const k = Int32Array.from({ length: n }, () => Math.floor(r() * 40) - 20);
  const s = Array.from({ length: n }, () => (r() < 0.05 ? null : `s${Math.floor(r() * 9)}`));
  const x = Array.from({ length: n }, () => (r() < 0.1 ? null : Math.round(r() * 1000) / 8));
  const y = Int32Array.from({ length: n }, () => Math.floor(r() * 5));
  return fromColumns({ k, s, x, y }, { npartitions: parts });
}

const spec = {
  x: ['sum', 'mean', 'min', 'max', 'count', 'std', 'var', 'first', 'last', 'median'],
  y: ['nunique', 'sum'],
  n: ['x', 'size'],
} as const;

/** Rows of a result as sorted strings (the shuffle's partitions are sorted only within). */
async function rows(df: ReturnType<typeof frame>): Promise<string[]> {
  const got = plain(await df.compute(sync));
  const names = Object.keys(got);
  const n = (got[names[0]] as unknown[]).length;
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify(
      names.map((c) => {
        const v = got[c][i];
        return typeof v === 'number' ? Number(v.toPrecision(10)) : v;
      }),
    ),
  ).sort();
}

describe('pre-aggregating groupby shuffle', () => {
  test.each([
    [['k'], 3000, 4],
    [['s'], 3000, 3],
    [['k', 's'], 5000, 5],
    [['k'], 10, 4],
  ])(
    'keys %j, %i rows in %i partitions: the same groups as the tree',
    async (keys, n, parts) => {
      const df = frame(n, n + parts, parts);
      const tree = df.groupby(keys, { shuffle: false }).agg(spec);
      const shuffled = df.groupby(keys, { splitOut: 3 }).agg(spec);
      expect(shuffled.npartitions).toBe(3);
      expect(shuffled.explain()).toMatch(/hash shuffle into 3/);
      const want = await rows(tree);
      expect(await rows(shuffled)).toEqual(want);
      const before = configureShuffle({ method: 'disk', tempDir: dir });
      try {
        expect(await rows(df.groupby(keys, { splitOut: 2 }).agg(spec))).toEqual(want);
      } finally {
        configureShuffle(before);
      }
    },
    60_000,
  );

  test('sums by a plain reference', async () => {
    const df = frame(4000, 5, 4);
    const got = plain(await df.groupby('k', { splitOut: 3 }).agg({ x: 'sum' }).compute(sync));
    const all = plain(await df.compute(sync));
    const want = new Map<number, number>();
    (all.k as number[]).forEach((key, i) =>
      want.set(key, (want.get(key) ?? 0) + ((all.x[i] as number | null) ?? 0)),
    );
    expect((got.k as number[]).length).toBe(want.size);
    (got.k as number[]).forEach((key, i) => expect(got.x[i]).toBeCloseTo(want.get(key)!, 6));
  }, 60_000);
});

describe('strategy from Parquet statistics', () => {
  test('a narrow int32 key range takes the tree, a wide one the shuffle', async () => {
    const n = 30000;
    const r = rng(3);
    const few = Int32Array.from({ length: n }, () => Math.floor(r() * 50));
    const many = Int32Array.from({ length: n }, (_, i) => (i * 7919) % n);
    const x = Float64Array.from({ length: n }, () => Math.round(r() * 100));
    const out = join(dir, 'pq');
    await fromColumns({ few, many, x }, { npartitions: 3 }).toParquet(out, sync);
    const pq = readParquet(out);
    const a = pq.groupby('few').agg({ x: 'sum' });
    expect(a.explain()).toMatch(/tree reduction: at most 50 groups by the keys' ranges/);
    const b = pq.groupby('many').agg({ x: 'sum' });
    // As many outputs as ~100,000 groups each need (at least 2), not one per input partition.
    expect(b.explain()).toMatch(/hash shuffle into 2: at most 30000 groups by the keys' ranges/);
    const got = plain(await b.compute(sync));
    expect((got.many as number[]).length).toBe(n);
    const total = (got.x as number[]).reduce((s, v) => s + v, 0);
    expect(total).toBe(x.reduce((s, v) => s + v, 0));
    // Two keys: the product of their spans (50 x 30000) says little of the groups: the tree.
    const c = pq.groupby(['few', 'many']).agg({ x: 'sum' });
    expect(c.explain()).toMatch(
      /tree reduction: at most 1500000 groups by the keys' ranges \(Parquet statistics\), a product of 2 keys' spans/,
    );
    expect(((plain(await c.compute(sync)).x as number[]) ?? []).reduce((s, v) => s + v, 0)).toBe(
      total,
    );
  }, 60_000);
});
