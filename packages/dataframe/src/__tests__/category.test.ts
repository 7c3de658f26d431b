// Categoricals (Arrow dictionaries) on the sync scheduler: astype('category'), the cat accessor,
// operators on categories, groupby (tree and shuffle), valueCounts, sortValues, merge, readCsv and
// fromArrow, each checked against the same operation on plain string arrays, with nulls, over
// several partitionings (so partitions hold different dictionaries).
import { afterAll, describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Dictionary,
  Int32,
  Table,
  Utf8,
  makeData,
  makeVector,
  vectorFromArray,
} from 'apache-arrow';
import { col, fromArrow, fromColumns, merge, readCsv } from '../index.js';
import { plain, rng } from './reference.js';

const sync = { scheduler: 'sync' } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-cat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shapes: [number, number][] = [
  [1, 1],
  [12, 3],
  [500, 5],
];
const WORDS = ['pear', 'apple', 'fig', 'Émile', 'kiwi', 'date', 'b', 'a b'];

function sample(n: number, seed: number): { k: (string | null)[]; x: number[] } {
  const r = rng(seed);
  const k: (string | null)[] = [];
  const x: number[] = [];
  for (let i = 0; i < n; i++) {
    // Early rows use few words, later ones more: partitions' dictionaries differ.
    const w = Math.floor(r() * Math.min(WORDS.length, 2 + (i * WORDS.length) / n));
    k.push(r() < 0.1 ? null : WORDS[w]);
    x.push(Math.floor(r() * 100));
  }
  return { k, x };
}

const frame = (p: { k: (string | null)[]; x: number[] }, parts: number) =>
  fromColumns({ k: p.k, x: p.x, i: p.x.map((_, i) => i) }, { npartitions: parts }).astype({
    k: 'category',
  });

const byBytes = (a: string, b: string) =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('categoricals', () => {
  test.each(shapes)('astype, operators, str and isin (%i rows, %i parts)', async (n, parts) => {
    const p = sample(n, n);
    const df = frame(p, parts);
    expect(df.dtypes.k).toBe('category');
    const t = await df
      .assign({
        isPear: col('k').eq('pear'),
        up: col('k').str.upper(),
        some: col('k').isin(['fig', 'kiwi']),
        back: col('k').astype('utf8'),
        filled: col('k').fillna('none'),
      })
      .compute(sync);
    expect(String(t.getChild('k')!.type)).toMatch(/Dictionary<Int32, Utf8>/);
    const got = plain(t);
    expect(got.k).toEqual(p.k);
    expect(got.back).toEqual(p.k);
    expect(got.isPear).toEqual(p.k.map((k) => (k === null ? null : k === 'pear')));
    expect(got.up).toEqual(p.k.map((k) => (k === null ? null : k.toUpperCase())));
    expect(got.some).toEqual(p.k.map((k) => k === 'fig' || k === 'kiwi'));
    expect(got.filled).toEqual(p.k.map((k) => k ?? 'none'));
    // A filter keeps the column a category.
    const f = df.filter(col('k').ge('d'));
    expect(f.dtypes.k).toBe('category');
    expect(plain(await f.compute(sync)).k).toEqual(
      p.k.filter((k): k is string => k !== null && byBytes(k, 'd') >= 0),
    );
  });

  test.each(shapes)('cat.categories and cat.codes (%i rows, %i parts)', async (n, parts) => {
    const p = sample(n, n + 1);
    const s = frame(p, parts).col('k');
    const cats = [...new Set(p.k.filter((k): k is string => k !== null))].sort(byBytes);
    expect([...(await s.cat.categories().compute(sync))]).toEqual(cats);
    const codes = s.cat.codes();
    expect(codes.dtype).toBe('int32');
    expect([...(await codes.compute(sync))]).toEqual(
      p.k.map((k) => (k === null ? -1 : cats.indexOf(k))),
    );
    expect(() => frame(p, parts).col('x').cat).toThrow(/column 'x' is float64/);
  });

  test.each(shapes)(
    'groupby and valueCounts on a category (%i rows, %i parts)',
    async (n, parts) => {
      const p = sample(n, n + 2);
      const df = frame(p, parts);
      const want = new Map<string, { sum: number; count: number }>();
      p.k.forEach((k, i) => {
        if (k === null) return;
        const g = want.get(k) ?? { sum: 0, count: 0 };
        g.sum += p.x[i];
        g.count++;
        want.set(k, g);
      });
      const keys = [...want.keys()].sort(byBytes);
      for (const options of [{}, { splitOut: 3 }]) {
        const g = df
          .groupby('k', options)
          .agg({ x: 'sum', n: ['x', 'count'], u: ['x', 'nunique'] });
        expect(g.dtypes.k).toBe('category');
        const got = plain(await g.compute(sync));
        const order = (got.k as string[])
          .map((k, j) => [k, j] as const)
          .sort((a, b) => byBytes(a[0], b[0]));
        expect(order.map(([k]) => k)).toEqual(keys);
        expect(order.map(([, j]) => got.x[j])).toEqual(keys.map((k) => want.get(k)!.sum));
        expect(order.map(([, j]) => got.n[j])).toEqual(keys.map((k) => want.get(k)!.count));
      }
      const vc = plain(await df.col('k').valueCounts().compute(sync));
      const expected = [...want.entries()]
        .sort((a, b) => b[1].count - a[1].count || byBytes(a[0], b[0]))
        .map(([k, v]) => [k, v.count]);
      expect((vc.k as string[]).map((k, j) => [k, vc.count[j]])).toEqual(expected);
    },
  );

  test.each(shapes)('sortValues and merge on a category (%i rows, %i parts)', async (n, parts) => {
    const p = sample(n, n + 3);
    const df = frame(p, parts);
    const sorted = plain(await df.sortValues(['k', 'i']).compute(sync));
    const idx = p.k.map((_, i) => i);
    const want = idx
      .filter((i) => p.k[i] !== null)
      .sort((a, b) => byBytes(p.k[a]!, p.k[b]!) || a - b)
      .concat(idx.filter((i) => p.k[i] === null));
    expect(sorted.i).toEqual(want);
    const right = fromColumns(
      { k: ['fig', 'pear', 'zzz', 'Émile'], w: [1, 2, 3, 4] },
      { npartitions: 2 },
    ).astype({ k: 'category' });
    const m = plain(
      await merge(df, right, { on: 'k', how: 'inner' }).sortValues('i').compute(sync),
    );
    const w = new Map([
      ['fig', 1],
      ['pear', 2],
      ['Émile', 4],
    ]);
    const rows = idx.filter((i) => p.k[i] !== null && w.has(p.k[i]));
    expect(m.i).toEqual(rows);
    expect(m.w).toEqual(rows.map((i) => w.get(p.k[i]!)));
    expect(m.k).toEqual(rows.map((i) => p.k[i]));
    // A category key meets a utf8 key as strings.
    const plainRight = fromColumns({ k: ['fig', 'pear', 'zzz', 'Émile'], w: [1, 2, 3, 4] });
    const m2 = plain(await merge(df, plainRight, { on: 'k' }).sortValues('i').compute(sync));
    expect(m2.i).toEqual(rows);
  });

  test('readCsv with a category dtype, and fromArrow with an unsorted dictionary', async () => {
    const p = sample(300, 7);
    const path = join(dir, 'cat.csv');
    writeFileSync(path, ['k,x', ...p.k.map((k, i) => `${k ?? ''},${p.x[i]}`)].join('\n') + '\n');
    const df = readCsv(path, { blocksize: 256, dtype: { k: 'category' } });
    expect(df.npartitions).toBeGreaterThan(3);
    expect(df.dtypes.k).toBe('category');
    const got = plain(await df.compute(sync));
    expect(got.k).toEqual(p.k);
    // Arrow dictionary columns come in as categories, whatever their dictionary's order.
    const dict = vectorFromArray(['z', 'a', 'm'], new Utf8());
    const t = new Table({
      c: makeVector(
        makeData({
          type: new Dictionary(new Utf8(), new Int32()),
          length: 5,
          data: Int32Array.from([0, 1, 2, 1, 0]),
          dictionary: dict,
        }),
      ),
    });
    const a = fromArrow(t, { npartitions: 2 });
    expect(a.dtypes.c).toBe('category');
    expect(plain(await a.sortValues('c').compute(sync)).c).toEqual(['a', 'a', 'm', 'z', 'z']);
    expect([...(await a.col('c').cat.codes().compute(sync))]).toEqual([2, 0, 1, 0, 2]);
  });
});
