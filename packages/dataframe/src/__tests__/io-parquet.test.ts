// readParquet and toParquet on the sync scheduler, against plain in-memory references: round trips
// with every compression, one partition per file or per row group, `filters` (row-group pruning
// from min/max statistics plus exact row filtering), the optimizer's projection and predicate
// pushdown into the reader, hive directories from `partitionOn`, and errors naming the culprit.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@dask-ts/scheduler';
import { col, fromColumns, readParquet } from '../index.js';
import { decodeStruct, encodeStruct } from '../io-thrift.js';
import { pick, plain, rowsWhere, sample, type Plain } from './reference.js';

const sync = { scheduler: 'sync' } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The sample with an int32 column `i` = row number (sorted, so row groups have narrow ranges). */
function data(n: number, seed: number): Plain {
  const p = sample(n, seed);
  return { ...p, i: Array.from({ length: n }, (_, j) => j) };
}

function frame(p: Plain, npartitions: number) {
  return fromColumns(
    {
      a: p.a as (number | null)[],
      b: p.b as number[],
      k: p.k as string[],
      s: p.s as string[],
      i: Int32Array.from(p.i as number[]),
      f: (p.b as number[]).map((b) => (b % 3 === 0 ? null : b > 50)),
    },
    { npartitions },
  );
}

const withF = (p: Plain): Plain => ({
  ...p,
  f: (p.b as number[]).map((b) => (b % 3 === 0 ? null : b > 50)),
});

/** Rows as sorted JSON strings (for results whose row order is not defined). */
function rowSet(p: Plain): string[] {
  const names = Object.keys(p).sort();
  const n = p[names[0]].length;
  return Array.from({ length: n }, (_, i) => JSON.stringify(names.map((c) => p[c][i]))).sort();
}

describe('readParquet / toParquet', () => {
  test.each(['snappy', 'zstd', 'gzip', 'brotli', 'lz4', 'uncompressed'] as const)(
    'a %s round trip equals the data',
    async (compression) => {
      const p = data(700, 3);
      const out = join(dir, `rt-${compression}`);
      const paths = await frame(p, 3).toParquet(out, { compression, ...sync });
      expect(paths).toEqual([0, 1, 2].map((i) => `${out}/part.${i}.parquet`));
      const df = readParquet(out);
      expect(df.npartitions).toBe(3);
      expect(df.dtypes).toEqual({
        a: 'float64',
        b: 'float64',
        k: 'utf8',
        s: 'utf8',
        i: 'int32',
        f: 'bool',
      });
      expect(plain(await df.compute(sync))).toEqual(withF(p));
    },
  );

  test('one partition per row group, columns in the order asked', async () => {
    const p = data(1000, 5);
    const out = join(dir, 'groups');
    await frame(p, 2).toParquet(out, { rowGroupSize: 100, ...sync });
    expect(readParquet(out).npartitions).toBe(2);
    const df = readParquet(`${out}/*.parquet`, { splitRowGroups: true, columns: ['s', 'i'] });
    expect(df.npartitions).toBe(10);
    expect(df.columns).toEqual(['s', 'i']);
    expect(plain(await df.compute(sync))).toEqual({ s: p.s, i: p.i });
  });

  test('filters prune row groups by statistics and filter rows exactly', async () => {
    const p = data(1000, 9);
    const out = join(dir, 'filters');
    await frame(p, 1).toParquet(out, { rowGroupSize: 100, ...sync });
    const cases: [Parameters<typeof readParquet>[1], (j: number) => boolean, number][] = [
      [{ filters: [['i', '>=', 750]] }, (j) => j >= 750, 3],
      [
        {
          filters: [
            ['i', '>', 99],
            ['i', '<', 300],
          ],
        },
        (j) => j > 99 && j < 300,
        2,
      ],
      [{ filters: [[['i', '<', 50]], [['i', '>=', 950]]] }, (j) => j < 50 || j >= 950, 2],
      [{ filters: [['i', 'in', [5, 505, 5000]]] }, (j) => j === 5 || j === 505, 2],
      [
        {
          filters: [
            ['k', '==', 'x'],
            ['i', '<=', 199],
          ],
        },
        (j) => p.k[j] === 'x' && j <= 199,
        2,
      ],
      [{ filters: [['i', '!=', 3]] }, (j) => j !== 3, 10],
      [{ filters: [['i', '>', 5000]] }, () => false, 1],
    ];
    for (const [opts, pred, parts] of cases) {
      const df = readParquet(out, { splitRowGroups: true, ...opts });
      expect(df.npartitions).toBe(parts);
      expect(plain(await df.compute(sync))).toEqual(pick(withF(p), rowsWhere(1000, pred)));
    }
    // A filter column left out of `columns` is read for the filter, then dropped.
    const df = readParquet(out, { columns: ['a'], filters: [['i', '<', 10]] });
    expect(plain(await df.compute(sync))).toEqual({ a: p.a.slice(0, 10) });
  });

  test('the optimizer pushes projections and filters into the reader', async () => {
    const p = data(1000, 11);
    const out = join(dir, 'pushdown');
    await frame(p, 1).toParquet(out, { rowGroupSize: 100, ...sync });
    for (const split of [true, false]) {
      const q = readParquet(out, { splitRowGroups: split })
        .filter(col('i').lt(150).and(col('b').ge(10)))
        .assign({ c: col('a').mul(2) })
        .select(['c', 'k']);
      const plan = q.explain();
      expect(plan).toContain('readParquet');
      expect(plan).toMatch(/columns=a, b, k, i /);
      expect(plan).toContain('2 row groups');
      expect(plan.split('\n')).toHaveLength(1);
      const rows = rowsWhere(1000, (j) => j < 150 && (p.b[j] as number) >= 10);
      const kept = pick(p, rows);
      expect(plain(await q.compute(sync))).toEqual({
        c: kept.a.map((a) => (a === null ? null : (a as number) * 2)),
        k: kept.k,
      });
    }
    // A filter on a column assigned before it is not pushed (its values are not the file's).
    const q = readParquet(out, { splitRowGroups: true })
      .assign({ i: col('b') })
      .filter(col('i').gt(1000));
    expect(q.explain()).toContain('10 row groups');
    expect((await q.compute(sync)).numRows).toBe(0);
  });

  test('projections reach the readers under a merge followed by fused steps and a groupby', async () => {
    const p = data(600, 13);
    const out = join(dir, 'under-merge');
    const out2 = join(dir, 'under-merge-2');
    await frame(p, 2).toParquet(out, { rowGroupSize: 100, ...sync });
    await frame(p, 3).toParquet(out2, { rowGroupSize: 100, ...sync });
    const left = readParquet(out, { splitRowGroups: true })
      .filter(col('i').lt(300))
      .select(['i', 'b']);
    const right = readParquet(out2, { splitRowGroups: true })
      .filter(col('b').ge(20))
      .select(['i', 'k']);
    const q = left
      .merge(right, { on: 'i' })
      .assign({ c: col('b').mul(2) })
      .select(['k', 'c'])
      .groupby('k')
      .agg({ total: ['c', 'sum'] });
    // Both readers read only what the steps above them use (fused with their filter and select).
    const reads = q
      .explain()
      .split('\n')
      .filter((l) => l.includes('readParquet'));
    expect(reads).toHaveLength(2);
    expect(reads[0]).toMatch(/columns=b, i \| filter \| select/);
    expect(reads[1]).toMatch(/columns=b, k, i \| filter \| select/);
    const want = new Map<string, number>();
    for (let j = 0; j < 300; j++)
      if ((p.b[j] as number) >= 20) {
        const k = p.k[j] as string;
        want.set(k, (want.get(k) ?? 0) + 2 * (p.b[j] as number));
      }
    const got = plain(await q.sortValues('k').compute(sync));
    expect(got.k).toEqual([...want.keys()].sort());
    expect(got.total).toEqual((got.k as string[]).map((k) => want.get(k)));
  });

  test('a reader shared by two branches reads the union of the columns they use', async () => {
    const p = data(500, 17);
    const out = join(dir, 'shared-reader');
    await frame(p, 2).toParquet(out, { rowGroupSize: 100, ...sync });
    const t = readParquet(out, { splitRowGroups: true });
    const big = t.filter(col('b').ge(50)).select(['i', 'k']);
    const sums = t.groupby('k').agg({ total: ['a', 'sum'] });
    const q = big.merge(sums, { on: 'k' });
    const reads = q
      .explain()
      .split('\n')
      .filter((l) => l.includes('readParquet'));
    expect(reads.length).toBeGreaterThan(0);
    for (const r of reads) expect(r).toMatch(/columns=a, b, k, i \(/);
    const totals = new Map<string, number>();
    p.k.forEach((k, j) => {
      const a = p.a[j] as number | null;
      totals.set(k as string, (totals.get(k as string) ?? 0) + (a ?? 0));
    });
    const got = plain(await q.sortValues('i').compute(sync));
    const rows = rowsWhere(500, (j) => (p.b[j] as number) >= 50);
    expect(got.i).toEqual(rows.map((j) => p.i[j]));
    expect(got.total).toEqual(rows.map((j) => totals.get(p.k[j] as string)));
  });

  test('projections pass through merges (nested, with clashing names) into the readers', async () => {
    const p = data(400, 19);
    const dirs = ['m-a', 'm-b', 'm-c'].map((d) => join(dir, d));
    for (const [j, d] of dirs.entries())
      await frame(p, j + 1).toParquet(d, { rowGroupSize: 100, ...sync });
    const [a, b, c] = dirs.map((d) => readParquet(d, { splitRowGroups: true }));
    // a and b both have a, b, k, s, f besides the key i: they clash and get suffixes.
    const q = a
      .merge(b, { on: 'i' })
      .merge(c.select(['i', 'k']).rename({ k: 'kc' }), { on: 'i' })
      .filter(col('b_x').ge(30))
      .groupby('kc')
      .agg({ total: ['a_y', 'sum'], n: ['i', 'count'] });
    const reads = q
      .explain()
      .split('\n')
      .filter((l) => l.includes('readParquet'));
    expect(reads).toHaveLength(3);
    // a keeps b (filtered on) and a (partner of a_y); b keeps a and b (partners); c keeps k.
    expect(reads.some((l) => /columns=a, b, i \|/.test(l))).toBe(true);
    expect(reads.some((l) => /columns=k, i \|/.test(l))).toBe(true);
    for (const l of reads) expect(l).not.toMatch(/\bs\b|, f/);
    const want = new Map<string, [number, number]>();
    for (let j = 0; j < 400; j++) {
      if ((p.b[j] as number) < 30) continue;
      const k = p.k[j] as string;
      const [t, n] = want.get(k) ?? [0, 0];
      want.set(k, [t + ((p.a[j] as number | null) ?? 0), n + 1]);
    }
    const got = plain(await q.sortValues('kc').compute(sync));
    expect(got.kc).toEqual([...want.keys()].sort());
    expect(got.total).toEqual((got.kc as string[]).map((k) => want.get(k)![0]));
    expect(got.n).toEqual((got.kc as string[]).map((k) => want.get(k)![1]));
  });

  test('a reduction reads the partitions directly (read tasks inlined into the reduction)', async () => {
    const p = data(900, 17);
    const out = join(dir, 'reduce');
    await frame(p, 1).toParquet(out, { rowGroupSize: 200, ...sync });
    const df = readParquet(out, { splitRowGroups: true });
    const g = plain(await df.groupby('k').agg({ b: 'sum' }).compute(sync));
    const keys = [...new Set(p.k as string[])].sort();
    expect(g.k).toEqual(keys);
    expect(g.b).toEqual(
      keys.map((k) => (p.b as number[]).filter((_, j) => p.k[j] === k).reduce((x, y) => x + y, 0)),
    );
    expect(await df.col('i').sum().compute(sync)).toBe((899 * 900) / 2);
  });

  test('partitionOn writes hive directories that read back as columns', async () => {
    const p = data(600, 13);
    const out = join(dir, 'hive');
    const paths = await frame(p, 2).toParquet(out, { partitionOn: ['k'], ...sync });
    expect(paths).toContain(`${out}/k=x/part.0.parquet`);
    const df = readParquet(out);
    expect(df.columns).toEqual(['a', 'b', 's', 'i', 'f', 'k']);
    expect(df.dtypes.k).toBe('utf8');
    expect(rowSet(plain(await df.compute(sync)))).toEqual(rowSet(withF(p)));
    const onlyX = readParquet(out, { filters: [['k', '==', 'x']] });
    expect(onlyX.npartitions).toBe(2);
    const xs = rowsWhere(600, (j) => p.k[j] === 'x');
    expect(rowSet(plain(await onlyX.compute(sync)))).toEqual(rowSet(pick(withF(p), xs)));
    // Numbers in directory names come back as numbers.
    const q = fromColumns({ y: [2020, 2021, 2020, null], v: [1, 2, 3, 4] });
    await q.toParquet(join(dir, 'years'), { partitionOn: ['y'], ...sync });
    const back = readParquet(join(dir, 'years'));
    expect(back.dtypes).toEqual({ v: 'float64', y: 'int32' });
    expect(rowSet(plain(await back.compute(sync)))).toEqual(
      rowSet({ v: [1, 2, 3, 4], y: [2020, 2021, 2020, null] }),
    );
  });

  test('a footer decodes and encodes back to the same bytes (the row-group cutter relies on it)', async () => {
    const out = join(dir, 'thrift');
    await frame(data(3000, 2), 1).toParquet(out, {
      rowGroupSize: 500,
      compression: 'zstd',
      ...sync,
    });
    const bytes = readFileSync(join(out, 'part.0.parquet'));
    const n = bytes.length;
    const len = bytes.readUInt32LE(n - 8);
    const meta = new Uint8Array(bytes.subarray(n - 8 - len, n - 8));
    expect(encodeStruct(decodeStruct(meta))).toEqual(meta);
  });

  test('bad input: errors name the file, the column or the option', async () => {
    expect(() => readParquet(join(dir, 'missing.parquet'))).toThrow(/missing\.parquet/);
    expect(() => readParquet(join(dir, 'nothing-*.parquet'))).toThrow(/no file matches/);
    const bad = join(dir, 'bad.parquet');
    writeFileSync(bad, 'not a parquet file at all');
    expect(() => readParquet(bad)).toThrow(/bad\.parquet.*not a Parquet file/);
    const out = join(dir, 'errs');
    await frame(data(10, 1), 1).toParquet(out, sync);
    expect(() => readParquet(out, { columns: ['nope'] })).toThrow(/unknown column 'nope'.*'a'/);
    expect(() => readParquet(out, { filters: [['nope', '>', 1]] })).toThrow(
      /unknown column 'nope'/,
    );
    expect(() => readParquet(out, { filters: [['a', '~', 1] as never] })).toThrow(/operator '~'/);
    expect(() => frame(data(10, 1), 1).toParquet(out, { partitionOn: ['zz'] })).toThrow(/'zz'/);
    expect(() => frame(data(10, 1), 1).toParquet(out, { compression: 'lzo' as never })).toThrow(
      /compression 'lzo'/,
    );
    // A file whose footer is fine but whose pages are damaged fails when read, naming it.
    const p = join(out, 'part.0.parquet');
    const bytes = new Uint8Array(await import('node:fs').then((fs) => fs.readFileSync(p)));
    bytes.fill(7, 4, 200);
    writeFileSync(join(dir, 'damaged.parquet'), bytes);
    await expect(readParquet(join(dir, 'damaged.parquet')).compute(sync)).rejects.toThrow(
      /damaged\.parquet/,
    );
  });
});
