// Shuffles through disk: with a memory limit several times smaller than the data, groupby (shuffle),
// merge, sortValues, setIndex and dropDuplicates write their pieces as Arrow IPC files and read them
// back, and give the same answers as plain arrays; the spill directory exists while they run and is
// gone afterwards, also when the compute fails or is aborted. On sync, and once on threads (needs
// the built dist of this package and of protocol, graph, worker and scheduler).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from 'apache-arrow';
import { col, configureShuffle, fromColumns, merge, type ShuffleConfig } from '../index.js';
import { plain, rng } from './reference.js';

const sync = { scheduler: 'sync' } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-spill-'));
const LIMIT = 256 << 10;
let before: ShuffleConfig;
const threads = createThreadsScheduler({ workers: 2 });

beforeAll(() => {
  before = configureShuffle({ method: 'auto', memoryLimit: LIMIT, tempDir: dir });
});
afterAll(async () => {
  configureShuffle(before);
  await threads.close?.();
  rmSync(dir, { recursive: true, force: true });
});

/** Files under the spill area (every shuffle's directory). */
function spilled(): number {
  return readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.arrow')).length;
}

const N = 60_000;
function data() {
  const r = rng(5);
  const k = Array.from({ length: N }, () => Math.floor(r() * 20_000));
  const x = Array.from({ length: N }, () => Math.round(r() * 1e6) / 16);
  const s = k.map((v) => `key-${v}-${v % 7}`);
  return { k, x, s, i: k.map((_, i) => i) };
}
const p = data();
const all = fromColumns(p, { npartitions: 12 });
const frame = () => all;

/** A pass-through that records how many spill files exist while the frame's outputs are made. */
function watching(df: ReturnType<typeof frame>, seen: number[]) {
  return df.mapPartitions(
    (t: Table) => {
      seen.push(spilled());
      return t;
    },
    { meta: Object.fromEntries(df.schema) },
  );
}

describe('shuffles through disk under a memory limit', () => {
  test('the data is several times the limit', () => {
    expect(frame().npartitions).toBe(12);
    // float64 x + float64 k + float64 i + utf8 s of ~12 bytes: over 8 times the limit.
    expect(N * (8 * 3 + 12)).toBeGreaterThan(8 * LIMIT);
  });

  test('groupby with a shuffle and merge spill and give the right answers', async () => {
    const seen: number[] = [];
    const g = frame()
      .groupby('k', { splitOut: 4 })
      .agg({ x: 'sum', n: ['x', 'count'] });
    expect(g.explain()).toMatch(/through disk over 262144 bytes/);
    const got = plain(await watching(g, seen).compute(sync));
    expect(Math.max(...seen)).toBeGreaterThan(0);
    // One file per input partition (12), not one per piece (12 × 4).
    expect(Math.max(...seen)).toBeLessThanOrEqual(12);
    expect(spilled()).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    const want = new Map<number, [number, number]>();
    p.k.forEach((k, i) => {
      const w = want.get(k) ?? [0, 0];
      want.set(k, [w[0] + p.x[i], w[1] + 1]);
    });
    expect(got.k).toHaveLength(want.size);
    const ks = got.k as number[];
    expect(ks.filter((k, j) => Math.abs((got.x[j] as number) - want.get(k)![0]) > 1e-6)).toEqual(
      [],
    );
    expect(got.n).toEqual(ks.map((k) => want.get(k)![1]));
    // A merge of two sides that both shuffle.
    const right = fromColumns(
      {
        k: Array.from({ length: 40_000 }, (_, j) => j),
        w: Array.from({ length: 40_000 }, (_, j) => j * 2),
      },
      { npartitions: 5 },
    );
    const m = merge(frame().select(['k', 'i']), right, { on: 'k', how: 'inner' });
    expect(m.explain()).toMatch(/hash shuffle.*through disk/);
    const mt = plain(await m.compute(sync));
    expect(mt.i).toHaveLength(N);
    expect((mt.w as number[]).every((w, j) => w === 2 * (mt.k[j] as number))).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('sortValues, setIndex and dropDuplicates through disk', async () => {
    const seen: number[] = [];
    const sorted = plain(await watching(frame().sortValues(['x', 'i']), seen).compute(sync));
    expect(Math.max(...seen)).toBeGreaterThan(0);
    const order = p.i.slice().sort((a, b) => p.x[a] - p.x[b] || a - b);
    expect(sorted.i).toEqual(order);
    const ix = await frame().setIndex('k', sync);
    expect(ix.explain()).toMatch(/through disk/);
    const byK = plain(await ix.select(['k']).compute(sync)).k as number[];
    expect(byK).toEqual(p.k.slice().sort((a, b) => a - b));
    const d = plain(
      await frame()
        .dropDuplicates({ subset: ['s'] })
        .compute(sync),
    );
    expect(d.s).toHaveLength(new Set(p.s).size);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('the shuffles the optimizer rebuilds (a narrowed merge) leave no files either', async () => {
    const right = fromColumns(
      {
        k: Array.from({ length: 30_000 }, (_, j) => j),
        w: Array.from({ length: 30_000 }, (_, j) => j),
      },
      { npartitions: 4 },
    );
    const m = merge(frame().select(['k', 'i', 'x']), right, { on: 'k', how: 'inner' }).select([
      'w',
    ]);
    const t = plain(await m.compute(sync));
    expect(t.w).toHaveLength(p.k.filter((k) => k < 30_000).length);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('spill files are removed when the compute fails or is aborted', async () => {
    const g = frame().groupby('k', { splitOut: 3 }).agg({ x: 'sum' });
    const failing = g.mapPartitions(
      (t: Table) => {
        if (spilled() > 0) throw new Error('boom after spilling');
        return t;
      },
      { meta: Object.fromEntries(g.schema) },
    );
    await expect(failing.compute(sync)).rejects.toThrow(/boom after spilling/);
    expect(readdirSync(dir)).toEqual([]);
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(g.compute({ ...sync, signal: ac.signal })).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });

  test('on worker threads too', async () => {
    const g = frame().filter(col('x').gt(100)).groupby('k', { splitOut: 3 }).agg({ x: 'sum' });
    const b = plain(await g.sortValues('k').compute(sync));
    // Two computes that share the shuffle, at the same time: both right, the files kept until both end.
    const [a, c] = await Promise.all([
      g.sortValues('k').compute({ scheduler: threads }),
      g.compute({ scheduler: threads }),
    ]);
    expect(plain(a)).toEqual(b);
    expect(c.numRows).toBe(b.k.length);
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);
});
