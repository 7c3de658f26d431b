// DataFrame on the sync scheduler, checked against the same operations done on plain arrays,
// across several sizes and partitionings.
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { compute, cull, delayed, layeredGraph } from '@dask-ts/graph';
import { daskGraph, daskKeys } from '@dask-ts/protocol';
import { tableFromArrays, type Table } from 'apache-arrow';
import { col, fromArrow, fromColumns, fromRecords, lit, type DataFrame } from '../index.js';
import { agg, pick, plain, rowsWhere, sample } from './reference.js';

const sync = { scheduler: 'sync' } as const;
const shapes: [number, number][] = [
  [3, 5],
  [1, 1],
  [7, 3],
  [100, 1],
  [1000, 7],
  [2500, 16],
];

function frameOf(n: number, parts: number, seed = n): DataFrame {
  const p = sample(n, seed);
  return fromColumns(
    { a: p.a as (number | null)[], b: p.b as number[], k: p.k as string[], s: p.s as string[] },
    { npartitions: parts },
  );
}

describe('creation and schema', () => {
  test('fromColumns keeps values, nulls and types; schema known without computing', async () => {
    const df = fromColumns(
      {
        a: [1.5, null, 3],
        b: ['x', null, 'é"'],
        c: [true, false, null],
        d: Int32Array.from([1, 2, 3]),
      },
      { npartitions: 2 },
    );
    expect(df.columns).toEqual(['a', 'b', 'c', 'd']);
    expect(df.dtypes).toEqual({ a: 'float64', b: 'utf8', c: 'bool', d: 'int32' });
    expect(df.npartitions).toBe(2);
    const t = await df.compute(sync);
    expect(plain(t)).toEqual({
      a: [1.5, null, 3],
      b: ['x', null, 'é"'],
      c: [true, false, null],
      d: [1, 2, 3],
    });
  });

  test('fromRecords and fromArrow round-trip over partitionings', async () => {
    for (const [n, k] of shapes) {
      const p = sample(n, 3);
      const rows = Array.from({ length: n }, (_, i) => ({ a: p.a[i], k: p.k[i] }));
      const t = await fromRecords(rows, { npartitions: k }).compute(sync);
      if (n > 0) expect(plain(t)).toEqual({ a: p.a, k: p.k });
      const arrow = tableFromArrays({ x: Float64Array.from(p.b as number[]) });
      const back = await fromArrow(arrow, { npartitions: k }).compute(sync);
      expect(back.numRows).toBe(n);
      expect([...back.getChild('x')!]).toEqual(p.b);
    }
  });

  test('bad input is refused with the culprit named', () => {
    expect(() => fromColumns({ a: [1, 'x'] as unknown as number[] })).toThrow(
      /column 'a' mixes number and string/,
    );
    expect(() => fromColumns({ a: [1], b: [1, 2] })).toThrow(/column 'b' has 2 values/);
    // An accessor's field passed uncalled (pandas' .dt.year is a property) says to call it.
    expect(() =>
      fromColumns({ a: [1] }).assign({ y: col('a').dt.year as unknown as number }),
    ).toThrow(/got a function: call it .*dt\.year\(\)/);
    expect(() => fromColumns({ a: [1] }, { npartitions: 0 })).toThrow(/npartitions/);
    // An option these constructors do not take is named (JavaScript callers get no type error).
    const typo = { nPartitions: 2 } as never;
    expect(() => fromColumns({ a: [1] }, typo)).toThrow(
      /fromColumns: unknown option 'nPartitions'/,
    );
    expect(() => fromRecords([{ a: 1 }], { dtypes: { a: 'int32' } } as never)).toThrow(
      /fromRecords: unknown option 'dtypes'.*astype/,
    );
    const t = tableFromArrays({ a: Float64Array.from([1]) });
    expect(() => fromArrow(t, typo)).toThrow(/fromArrow: unknown option 'nPartitions'/);
  });
});

describe('columns and rows against plain arrays', () => {
  test.each(shapes)(
    'select / assign / filter / drop / rename with %i rows in %i partitions',
    async (n, k) => {
      const p = sample(n, n + 1);
      const df = frameOf(n, k, n + 1);
      const out = df
        .filter(col('a').gt(0).and(col('k').ne('z')).or(col('b').eq(7)))
        .assign({ c: col('a').mul(2).add(col('b')), big: col('b').ge(50) })
        .drop(['s'])
        .rename({ k: 'key' })
        .select(['key', 'c', 'big', 'a']);
      expect(out.columns).toEqual(['key', 'c', 'big', 'a']);
      expect(out.dtypes).toEqual({ key: 'utf8', c: 'float64', big: 'bool', a: 'float64' });
      const rows = rowsWhere(n, (i) => {
        const a = p.a[i] as number | null;
        const cond = a === null ? null : a > 0 && p.k[i] !== 'z';
        return cond === true || p.b[i] === 7;
      });
      const kept = pick(p, rows);
      const expected = {
        key: kept.k,
        c: kept.a.map((a, j) => (a === null ? null : (a as number) * 2 + (kept.b[j] as number))),
        big: kept.b.map((b) => (b as number) >= 50),
        a: kept.a,
      };
      expect(plain(await out.compute(sync))).toEqual(expected);
    },
  );

  test('comparisons on strings and null handling follow the reference', async () => {
    const n = 500;
    const p = sample(n, 9);
    const df = frameOf(n, 4, 9);
    const t = await df.filter(col('s').ge('v5').and(col('a').isNull().not())).compute(sync);
    const rows = rowsWhere(n, (i) => (p.s[i] as string) >= 'v5' && p.a[i] !== null);
    expect(plain(t)).toEqual(pick(p, rows));
    const w = await df.where(col('k').eq('x')).select(['k']).compute(sync);
    expect(w.numRows).toBe(p.k.filter((x) => x === 'x').length);
  });

  test('Series arithmetic between columns and scalars', async () => {
    const p = sample(300, 5);
    const df = frameOf(300, 3, 5);
    const s = df.col('b').mul(2).sub(df.get('a')).div(4);
    expect(s.dtype).toBe('float64');
    const v = await s.compute(sync);
    expect([...v]).toEqual(
      p.b.map((b, i) => (p.a[i] === null ? null : ((b as number) * 2 - (p.a[i] as number)) / 4)),
    );
    const flags = await df.col('k').eq('y').compute(sync);
    expect([...flags]).toEqual(p.k.map((x) => x === 'y'));
    const t = await df
      .assign({ t: df.col('b').add(1), one: lit(1) })
      .select(['t', 'one'])
      .compute(sync);
    expect(plain(t)).toEqual({ t: p.b.map((b) => (b as number) + 1), one: p.b.map(() => 1) });
  });

  test('head touches only the partitions it needs', async () => {
    const p = sample(100, 2);
    const df = frameOf(100, 5, 2);
    const h = df.filter(col('b').lt(90)).head(3);
    expect(h.npartitions).toBe(1);
    expect(plain(await h.compute(sync))).toEqual(
      pick(p, rowsWhere(100, (i) => (p.b[i] as number) < 90).slice(0, 3)),
    );
    // After culling, only partition 0 of the input is computed.
    const graph = cull(h[daskGraph](), h[daskKeys]());
    const inputs = [...graph.keys()].filter((k) => k.includes('from-columns'));
    expect(inputs).toEqual([expect.stringMatching(/,0\]$/)]);
    const two = await df.head(30, { npartitions: 2 }).compute(sync);
    expect(plain(two).b).toEqual(p.b.slice(0, 30));
  });

  test('a head shorter than asked warns and says how to read on; npartitions -1 reads them all', () => {
    // In a child process: jest gives tests a copy of \`process\`, and kernels warn on Node's own.
    const script = `
      import '@dask-ts/scheduler';
      import { fromColumns } from '@dask-ts/dataframe';
      process.on('warning', (w) => console.log('WARNING ' + w.code + ' ' + w.message));
      const df = fromColumns({ b: Float64Array.from({ length: 100 }, (_, i) => i) }, { npartitions: 5 });
      const rows = async (d) => (await d.compute({ scheduler: 'sync' })).numRows;
      console.log('short', await rows(df.head(30)));
      console.log('all', await rows(df.head(30, { npartitions: -1 })));
      console.log('whole', await rows(df.head(500, { npartitions: -1 })));
    `;
    const r = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual([
      'short 20',
      'all 30',
      'whole 100',
      'WARNING DASK_TS_SHORT_HEAD head(30) found only 20 rows in the first 1 of 5 partitions; pass { npartitions: -1 } (all) or a larger npartitions to read on',
    ]);
  });
});

describe('aggregations against plain arrays', () => {
  test.each(shapes)(
    'sum / mean / min / max / count with %i rows in %i partitions',
    async (n, k) => {
      const p = sample(n, n + 2);
      const df = frameOf(n, k, n + 2);
      for (const how of ['sum', 'mean', 'min', 'max', 'count'] as const) {
        const r = await df[how]().compute(sync);
        const cols = how === 'count' ? ['a', 'b', 'k', 's'] : ['a', 'b'];
        expect(Object.keys(r)).toEqual(cols);
        for (const c of cols) {
          const want = agg(p[c], how);
          if (Number.isNaN(want)) expect(r[c]).toBeNaN();
          else expect(r[c]).toBeCloseTo(want, 6);
        }
        const s = await df.col('a')[how]().compute(sync);
        const want = agg(p.a, how);
        if (Number.isNaN(want)) expect(s).toBeNaN();
        else expect(s).toBeCloseTo(want, 6);
      }
    },
  );

  test('a tree reduction over many partitions', async () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const df = fromColumns({ x: xs }, { npartitions: 100 });
    expect(await df.col('x').sum().compute(sync)).toBe(499500);
    const g = df.col('x').sum()[daskGraph]();
    // 100 partials, 13 + 2 combines, 1 final (plus the data).
    expect([...g.keys()].filter((key) => /-agg"/.test(key)).length).toBe(15);
  });

  test.each(shapes)('groupby agg with %i rows in %i partitions', async (n, k) => {
    const p = sample(n, n + 3);
    const df = frameOf(n, k, n + 3);
    const g = df.groupby('k').agg({ a: ['sum', 'mean', 'count'], b: 'max' });
    expect(g.columns).toEqual(['k', 'a_sum', 'a_mean', 'a_count', 'b']);
    expect(g.dtypes).toEqual({
      k: 'utf8',
      a_sum: 'float64',
      a_mean: 'float64',
      a_count: 'int32',
      b: 'float64',
    });
    const t = plain(await g.compute(sync));
    const keys = [...new Set(p.k as string[])].sort();
    expect(t.k).toEqual(keys);
    keys.forEach((key, j) => {
      const rows = rowsWhere(n, (i) => p.k[i] === key);
      const sub = pick(p, rows);
      expect(t.a_sum[j]).toBeCloseTo(agg(sub.a, 'sum'), 6);
      const mean = agg(sub.a, 'mean');
      if (Number.isNaN(mean)) expect(t.a_mean[j]).toBeNull();
      else expect(t.a_mean[j]).toBeCloseTo(mean, 6);
      expect(t.a_count[j]).toBe(agg(sub.a, 'count'));
      expect(t.b[j]).toBe(agg(sub.b, 'max'));
    });
  });

  test('groupby on two keys, numeric and string, many groups', async () => {
    const n = 3000;
    const p = sample(n, 11);
    const df = frameOf(n, 9, 11);
    const t = plain(await df.groupby(['b', 'k']).agg({ a: 'sum' }).compute(sync));
    const ref = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const key = `${String(p.b[i])}|${String(p.k[i])}`;
      ref.set(key, (ref.get(key) ?? 0) + ((p.a[i] as number | null) ?? 0));
    }
    expect(t.b.length).toBe(ref.size);
    const sortedKeys = [...ref.keys()].sort((x, y) => {
      const [bx, kx] = x.split('|');
      const [by, ky] = y.split('|');
      return Number(bx) - Number(by) || (kx < ky ? -1 : kx > ky ? 1 : 0);
    });
    expect(t.b.map((b, j) => `${String(b)}|${String(t.k[j])}`)).toEqual(sortedKeys);
    sortedKeys.forEach((key, j) => expect(t.a[j]).toBeCloseTo(ref.get(key)!, 6));
  });
});

describe('errors when the expression is built', () => {
  const df = fromColumns({ a: [1, 2], s: ['x', 'y'] });
  test('unknown columns are named, with the existing ones listed', () => {
    expect(() => df.select(['a', 'nope'])).toThrow(
      "DataFrame.select: unknown column 'nope'; the columns are 'a', 's'",
    );
    expect(() => df.filter(col('zz').gt(1))).toThrow(
      /unknown column 'zz'; the columns are 'a', 's'/,
    );
    expect(() => df.col('q')).toThrow(/unknown column 'q'/);
    expect(() => df.groupby('q')).toThrow(/unknown column 'q'/);
    expect(() => df.groupby('s').agg({ q: 'sum' })).toThrow(/unknown column 'q'/);
    expect(() => df.drop(['q'])).toThrow(/unknown column 'q'/);
  });
  test('type mismatches name the column', () => {
    expect(() => df.filter(col('s').gt(5))).toThrow(
      /type mismatch .*column 's' \(utf8\) gt 5 \(float64\)/,
    );
    expect(() => df.assign({ t: col('s').add(1) })).toThrow(
      /assign\(t\): type mismatch .*column 's'/,
    );
    expect(() => df.col('s').gt(1)).toThrow(/column 's' \(utf8\)/);
    expect(() => df.filter(col('a').add(1))).toThrow(/is float64, not bool/);
    expect(() => df.groupby('s').agg({ s: 'sum' })).toThrow(/cannot sum column 's' \(utf8\)/);
  });
});

describe('optimizer and collection protocol', () => {
  test('a chain of row-wise steps is one task per partition', () => {
    const df = frameOf(100, 4);
    const chain = df
      .select(['a', 'b', 'k'])
      .assign({ c: col('a').add(1) })
      .filter(col('c').gt(0))
      .rename({ k: 'key' })
      .drop(['b']);
    const stepKeys = (g: Map<string, unknown>): number =>
      [...g.keys()].filter((key) => !key.includes('from-columns')).length;
    expect(stepKeys(chain[daskGraph]())).toBe(4);
    expect(stepKeys(layeredGraph(chain, false))).toBe(20);
    expect(chain.explain().split('\n')[0]).toBe(
      'pipe[4] select(a, b, k) | assign(c) | filter | rename(k->key) | drop(b)',
    );
  });

  test('a fused filter drops the columns no later step reads, and keeps those that are', async () => {
    const p = sample(300, 8);
    const df = frameOf(300, 3, 8);
    // assign x, y; filter on x; then a select that reads y and a renamed k: a filter between
    // steps must keep what the steps after it read, not what a select before it named.
    const q = df
      .assign({ x: col('b').add(1), y: col('a').mul(2) })
      .filter(col('x').gt(50))
      .rename({ k: 'key' })
      .assign({ z: col('y').add(col('x')) })
      .select(['key', 'z', 'y']);
    const rows = rowsWhere(300, (i) => (p.b[i] as number) + 1 > 50);
    const kept = pick(p, rows);
    const y = kept.a.map((a) => (a === null ? null : (a as number) * 2));
    expect(plain(await q.compute(sync))).toEqual({
      key: kept.k,
      z: y.map((v, j) => (v === null ? null : v + (kept.b[j] as number) + 1)),
      y,
    });
  });

  test('works with persist and inside delayed', async () => {
    const df = frameOf(200, 4, 4).filter(col('b').lt(50));
    const held = await df.persist(sync);
    expect(held.npartitions).toBe(4);
    expect(held.columns).toEqual(df.columns);
    const a = await df.compute(sync);
    const b = await held.compute(sync);
    expect(plain(b)).toEqual(plain(a));
    const rows = delayed((t: Table) => t.numRows)(df);
    expect(await rows.compute(sync)).toBe(a.numRows);
    const total = delayed((x: number, y: number) => x + y)(df.col('b').sum(), 1);
    expect(await total.compute(sync)).toBe(agg(plain(a).b, 'sum') + 1);
  });

  test("graph's compute runs several dataframe collections together, optimized once", async () => {
    const p = sample(400, 8);
    const df = frameOf(400, 5, 8);
    const f = df.filter(col('b').lt(30));
    const [sums, mean, table, v] = await compute(
      f.sum(),
      f.col('a').mean(),
      f.select(['k']),
      f.col('b'),
      sync,
    );
    const rows = rowsWhere(400, (i) => (p.b[i] as number) < 30);
    const kept = pick(p, rows);
    expect(sums.b).toBe(agg(kept.b, 'sum'));
    expect(mean).toBeCloseTo(agg(kept.a, 'mean'), 9);
    expect(plain(table)).toEqual({ k: kept.k });
    expect([...v]).toEqual(kept.b);
  });

  test('groupby drops rows whose key is null', async () => {
    const df = fromColumns(
      { k: ['a', null, 'b', 'a', null], x: [1, 2, 3, 4, 5] },
      { npartitions: 2 },
    );
    const t = plain(
      await df
        .groupby('k')
        .agg({ x: ['sum', 'count'] })
        .compute(sync),
    );
    expect(t).toEqual({ k: ['a', 'b'], x_sum: [5, 3], x_count: [2, 1] });
    const nums = fromColumns({ k: [1, null, 2, 1], x: [1, 2, 3, null] }, { npartitions: 3 });
    expect(
      plain(
        await nums
          .groupby('k')
          .agg({ x: ['sum', 'mean', 'count'] })
          .compute(sync),
      ),
    ).toEqual({
      k: [1, 2],
      x_sum: [1, 3],
      x_mean: [1, 3],
      x_count: [1, 1],
    });
  });
});
