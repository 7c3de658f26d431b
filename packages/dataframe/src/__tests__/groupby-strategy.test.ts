// Groupby strategy and quantiles on the sync scheduler: tree reduction or hash shuffle chosen from
// the group count of a sample (in-memory data, a CSV head, after row-wise steps), overridden by
// splitOut / shuffle, and said by explain(); quantiles other than the median in groupby.agg; the
// approximate frame-level quantile within its stated rank error. Each checked against plain arrays.
import { afterAll, describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { col, fromColumns, readCsv, readParquet } from '../index.js';
import { plain, rng } from './reference.js';

const sync = { scheduler: 'sync' } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-gb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function data(n: number, seed: number) {
  const r = rng(seed);
  const few = Array.from({ length: n }, () => Math.floor(r() * 6));
  const many = Array.from({ length: n }, (_, i) => (i * 7919) % n);
  const x = Array.from({ length: n }, () => (r() < 0.05 ? null : Math.round(r() * 1000) / 8));
  return { few, many, x };
}

/** Per key, the sum of x (nulls skipped), keys sorted. */
function sums(keys: number[], x: (number | null)[]): [number[], number[]] {
  const m = new Map<number, number>();
  keys.forEach((k, i) => m.set(k, (m.get(k) ?? 0) + (x[i] ?? 0)));
  const ks = [...m.keys()].sort((a, b) => a - b);
  return [ks, ks.map((k) => m.get(k)!)];
}

async function sortedSums(df: ReturnType<typeof fromColumns>, key: string) {
  const got = plain(await df.compute(sync));
  const rows = (got[key] as number[]).map((k, i) => [k, got.x[i] as number] as const);
  rows.sort((a, b) => a[0] - b[0]);
  return [rows.map(([k]) => k), rows.map(([, v]) => v)];
}

describe('groupby strategy', () => {
  test('few groups in the sample: tree; many: shuffle; the reason in explain()', async () => {
    const p = data(30000, 1);
    const df = fromColumns(p, { npartitions: 4 });
    const few = df.groupby('few').agg({ x: 'sum' });
    expect(few.npartitions).toBe(1);
    expect(few.explain()).toMatch(/tree reduction: 6 groups in a 7500-row sample: few groups/);
    expect(await sortedSums(few, 'few')).toEqual(sums(p.few, p.x));
    const many = df.filter(col('x').notNull()).groupby('many').agg({ x: 'sum' });
    expect(many.npartitions).toBe(4);
    expect(many.explain()).toMatch(
      /hash shuffle into 4: \d+ groups in a \d+-row sample: many groups/,
    );
    const keep = p.x.map((v, i) => (v === null ? -1 : i)).filter((i) => i >= 0);
    expect(await sortedSums(many, 'many')).toEqual(
      sums(
        keep.map((i) => p.many[i]),
        keep.map((i) => p.x[i]),
      ),
    );
    // Overrides.
    expect(df.groupby('many', { shuffle: false }).agg({ x: 'sum' }).explain()).toMatch(
      /tree reduction: shuffle: false/,
    );
    const two = df.groupby('few', { splitOut: 2 }).agg({ x: 'sum' });
    expect(two.npartitions).toBe(2);
    expect(two.explain()).toMatch(/hash shuffle into 2: splitOut given/);
    expect(await sortedSums(two, 'few')).toEqual(sums(p.few, p.x));
    expect(() => df.groupby('few', { splitOut: 0 }).agg({ x: 'sum' })).toThrow(/splitOut must be/);
  });

  test('a CSV head is the sample; a Parquet source has none and keeps the tree', async () => {
    const p = data(20000, 2);
    const path = join(dir, 'g.csv');
    writeFileSync(
      path,
      ['few,many,x', ...p.few.map((f, i) => `${f},${p.many[i]},${p.x[i] ?? ''}`)].join('\n') + '\n',
    );
    const csv = readCsv(path, { blocksize: 64 << 10 });
    expect(csv.npartitions).toBeGreaterThan(1);
    const g = csv.groupby('many').agg({ x: 'sum' });
    expect(g.explain()).toMatch(/hash shuffle into \d+: .*many groups/);
    expect(await sortedSums(g, 'many')).toEqual(sums(p.many, p.x));
    expect(csv.groupby('few').agg({ x: 'sum' }).explain()).toMatch(/tree reduction: 6 groups/);
    const out = join(dir, 'pq');
    await fromColumns(p, { npartitions: 2 }).toParquet(out, sync);
    expect(readParquet(out).groupby('many').agg({ x: 'sum' }).explain()).toMatch(
      /tree reduction: no sample at hand; pass splitOut for many groups/,
    );
  });
});

/** pandas' linear-interpolation quantile. */
function quantile(xs: number[], q: number): number {
  const v = [...xs].sort((a, b) => a - b);
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(v.length - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

describe('quantiles', () => {
  test.each([
    [50, 1],
    [3000, 5],
  ])('groupby quantiles other than the median (%i rows, %i parts)', async (n, k) => {
    const p = data(n, n);
    const df = fromColumns(p, { npartitions: k });
    const g = df.groupby('few').agg({
      p10: { column: 'x', aggfunc: 'quantile', q: 0.1 },
      p90: { column: 'x', aggfunc: 'quantile', q: 0.9 },
      med: ['x', 'median'],
    });
    expect(g.dtypes.p90).toBe('float64');
    const got = plain(await g.compute(sync));
    const keys = [...new Set(p.few)].sort((a, b) => a - b);
    const vals = (key: number) => p.x.filter((v, i): v is number => v !== null && p.few[i] === key);
    expect(got.few).toEqual(keys);
    keys.forEach((key, j) => {
      expect(got.p10[j]).toBeCloseTo(quantile(vals(key), 0.1), 9);
      expect(got.p90[j]).toBeCloseTo(quantile(vals(key), 0.9), 9);
      expect(got.med[j]).toBeCloseTo(quantile(vals(key), 0.5), 9);
    });
    const q = plain(await df.groupby('few').quantile(0.25, ['x']).compute(sync));
    keys.forEach((key, j) => expect(q.x[j]).toBeCloseTo(quantile(vals(key), 0.25), 9));
    expect(() =>
      df.groupby('few').agg({ bad: { column: 'x', aggfunc: 'quantile', q: 2 } }),
    ).toThrow(/q of 'bad' must be a number in \[0, 1\]/);
  });

  test('the frame-level quantile is approximate by default, within its stated rank error', async () => {
    const r = rng(9);
    const n = 40000;
    const a = Array.from({ length: n }, () => r() ** 3 * 1000);
    const b = Array.from({ length: n }, (_, i) => (i % 97 === 0 ? null : Math.floor(r() * 50)));
    const df = fromColumns({ a, b, s: a.map(String) }, { npartitions: 8 });
    const qs = [0.01, 0.25, 0.5, 0.9, 0.999];
    const got = await df.quantile(qs).compute(sync);
    expect(Object.keys(got)).toEqual(['a', 'b']);
    const rankOk = (xs: number[], v: number, q: number) => {
      const below = xs.filter((x) => x < v).length / xs.length;
      const upTo = xs.filter((x) => x <= v).length / xs.length;
      // The value's rank range [below, upTo] comes within 1/200 (plus a row) of q.
      expect(q).toBeGreaterThanOrEqual(below - 1 / 200 - 1 / xs.length);
      expect(q).toBeLessThanOrEqual(upTo + 1 / 200 + 1 / xs.length);
    };
    qs.forEach((q, j) => rankOk(a, got.a[j], q));
    const bs = b.filter((x): x is number => x !== null);
    qs.forEach((q, j) => rankOk(bs, got.b[j], q));
    expect(df.col('a').quantile(0.5, { method: 'approx' }).layer).toBeDefined();
    const one = await df.col('a').quantile(0.5, { method: 'approx' }).compute(sync);
    rankOk(a, one, 0.5);
    const exact = await df.quantile(0.5, { method: 'exact' }).compute(sync);
    expect(exact.a).toBeCloseTo(quantile(a, 0.5), 9);
    expect(exact.b).toBeCloseTo(quantile(bs, 0.5), 9);
    expect(() => df.quantile(1.5)).toThrow(/q must be in \[0, 1\]/);
  });
});
