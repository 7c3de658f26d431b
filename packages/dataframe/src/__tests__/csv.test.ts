// readCsv on the sync scheduler: files written to a temp dir (removed after), parsed into typed
// columns, split into blocks at row boundaries, with quoted fields, dtype and usecols, and the
// optimizer's projection pushdown (the reader parses only the columns a query uses).
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@dask-ts/scheduler';
import { daskGraph } from '@dask-ts/protocol';
import { compute, optimizeCollections } from '@dask-ts/graph';
import { col, readCsv } from '../index.js';
import { agg, pick, plain, rowsWhere, sample, type Plain } from './reference.js';

const sync = { scheduler: 'sync' } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function quote(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function writeCsv(path: string, p: Plain, eol = '\n'): void {
  const names = Object.keys(p);
  const n = p[names[0]].length;
  const lines = [names.join(',')];
  for (let i = 0; i < n; i++)
    lines.push(names.map((c) => (p[c][i] === null ? '' : quote(String(p[c][i])))).join(','));
  writeFileSync(path, lines.join(eol) + eol);
}

describe('readCsv', () => {
  test.each([
    [50, 1 << 20],
    [400, 512],
    [2000, 4096],
    [3000, 100_000],
  ])('%i rows in blocks of %i bytes equal the written data', async (n, blocksize) => {
    const p = sample(n, n);
    const path = join(dir, `s${n}.csv`);
    writeCsv(path, p);
    const df = readCsv(path, { blocksize });
    expect(df.dtypes).toEqual({ a: 'float64', b: 'int32', k: 'utf8', s: 'utf8' });
    expect(df.npartitions).toBe(Math.ceil(statSync(path).size / blocksize));
    expect(plain(await df.compute(sync))).toEqual(p);
  });

  test('globs, CRLF, quoted commas / quotes / newlines, missing fields, dtype and usecols', async () => {
    writeFileSync(join(dir, 'g1.csv'), 'id,name,score\r\n1,"Smith, J",1.5\r\n2,"say ""hi""",\r\n');
    writeFileSync(join(dir, 'g2.csv'), 'id,name,score\n3,"two\nlines",-2e3\n4,plain\n');
    const df = readCsv(join(dir, 'g?.csv'), { dtype: { id: 'utf8' } });
    expect(df.dtypes).toEqual({ id: 'utf8', name: 'utf8', score: 'float64' });
    expect(df.npartitions).toBe(2);
    expect(plain(await df.compute(sync))).toEqual({
      id: ['1', '2', '3', '4'],
      name: ['Smith, J', 'say "hi"', 'two\nlines', 'plain'],
      score: [1.5, null, -2000, null],
    });
    const only = readCsv([join(dir, 'g1.csv'), join(dir, 'g2.csv')], { usecols: ['score'] });
    expect(only.columns).toEqual(['score']);
    expect(plain(await only.compute(sync))).toEqual({ score: [1.5, null, -2000, null] });
  });

  test('bad input names the culprit', async () => {
    expect(() => readCsv(join(dir, 'none-*.csv'))).toThrow(/no file matches/);
    writeFileSync(join(dir, 'bad.csv'), 'x,y\n1,2\n3,4\n');
    expect(() => readCsv(join(dir, 'bad.csv'), { usecols: ['z'] })).toThrow(
      "readCsv: unknown column 'z'; the columns are 'x', 'y'",
    );
    writeFileSync(join(dir, 'late.csv'), 'x,y\n1,2\n' + 'oops,4\n');
    const late = readCsv(join(dir, 'late.csv'), { dtype: { x: 'int32' } });
    await expect(late.compute(sync)).rejects.toThrow(/column 'x' is int32 but row 2 holds "oops"/);
  });

  test('projection pushdown: only the used columns are parsed, in one task per block', async () => {
    const n = 2000;
    const p = sample(n, 77);
    const path = join(dir, 'push.csv');
    writeCsv(path, p);
    const df = readCsv(path, { blocksize: 8192 });
    const q = df
      .filter(col('b').gt(50))
      .assign({ c: col('a').mul(2) })
      .select(['c']);
    const plan = q.explain();
    expect(plan).toMatch(
      /^readCsv\[\d+ blocks, 1 files\] usecols=a, b \| filter \| assign\(c\) \| select\(c\)$/,
    );
    // The tasks name the columns they parse.
    const graph = q[daskGraph]();
    expect(graph.size).toBe(df.npartitions);
    for (const node of graph.values()) {
      const [block] = (node as unknown as { args: [{ usecols: string[] }] }).args;
      expect(block.usecols).toEqual(['a', 'b']);
    }
    const rows = rowsWhere(n, (i) => (p.b[i] as number) > 50);
    const kept = pick(p, rows);
    expect(plain(await q.compute(sync))).toEqual({
      c: kept.a.map((a) => (a === null ? null : (a as number) * 2)),
    });
    // Aggregations read only their columns too.
    expect(df.col('b').sum().explain()).toMatch(/usecols=b \|/);
    expect(await df.col('b').sum().compute(sync)).toBe(agg(p.b, 'sum'));
    const g = df.groupby('k').agg({ a: 'mean' });
    expect(g.explain()).toMatch(/usecols=a, k \|/);
    const t = plain(await g.compute(sync));
    const keys = [...new Set(p.k as string[])].sort();
    expect(t.k).toEqual(keys);
    keys.forEach((key, j) =>
      expect(t.a[j]).toBeCloseTo(
        agg(
          pick(
            p,
            rowsWhere(n, (i) => p.k[i] === key),
          ).a,
          'mean',
        ),
        9,
      ),
    );
  });

  test('any blocksize, down to one byte, gives the same rows (CRLF and quotes at block edges)', async () => {
    const text = 'n,s\r\n1,"a,b"\r\n2,\r\n3,"x""y"\r\n\r\n4,last\r\n5,"q"';
    const path = join(dir, 'edges.csv');
    writeFileSync(path, text);
    const want = { n: [1, 2, 3, 4, 5], s: ['a,b', null, 'x"y', 'last', 'q'] };
    for (const blocksize of [1, 2, 3, 5, 7, 11, 16, 1000]) {
      const df = readCsv(path, { blocksize });
      expect(plain(await df.compute(sync))).toEqual(want);
    }
  });

  test('numbers round-trip exactly through text', async () => {
    const xs: number[] = [];
    let seed = 3;
    for (let i = 0; i < 5000; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const u = seed / 2 ** 32;
      xs.push(
        i % 4 === 0
          ? u
          : i % 4 === 1
            ? (u - 0.5) * 1e6
            : i % 4 === 2
              ? Math.round(u * 1e4) / 100
              : (u - 0.5) * 1e-12,
      );
    }
    xs.push(1e300, -2.5e-300, 123456789012345680000, 0.1, 1 / 3);
    const path = join(dir, 'nums.csv');
    writeFileSync(path, 'x\n' + xs.map(String).join('\n') + '\n');
    const got = [...(await readCsv(path, { blocksize: 4096 }).compute(sync)).getChild('x')!];
    expect(got).toEqual(xs);
  });

  test('projection pushdown sees through rename and drop', () => {
    writeFileSync(join(dir, 'r.csv'), 'a,b,c\n1,2,3\n');
    const df = readCsv(join(dir, 'r.csv'));
    const q = df.rename({ a: 'x' }).drop(['b']).select(['x']);
    expect(q.explain()).toMatch(/^readCsv\[1 blocks, 1 files\] usecols=a \|/);
    // The whole query is the reader: one line, one layer.
    expect(df.select(['c', 'a']).explain()).toBe(
      'readCsv[1 blocks, 1 files] usecols=a, c | select(c, a)',
    );
  });

  test('a reader two queries share is read once, not fused into either', async () => {
    const n = 600;
    const p = sample(n, 12);
    const path = join(dir, 'shared.csv');
    writeCsv(path, p);
    const df = readCsv(path, { blocksize: 4096 });
    const a = df.filter(col('b').lt(10));
    const b = df.select(['k']);
    const roots = [...optimizeCollections([a, b], true).values()].flat();
    expect(roots.map((r) => r.deps[0]?.name)).toEqual([df.layer.name, df.layer.name]);
    const [ta, tb] = await compute(a, b, sync);
    expect(plain(ta)).toEqual(
      pick(
        p,
        rowsWhere(n, (i) => (p.b[i] as number) < 10),
      ),
    );
    expect(plain(tb)).toEqual({ k: p.k });
  });
});
