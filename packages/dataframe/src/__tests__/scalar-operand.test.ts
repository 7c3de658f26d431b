// Lazy scalars as expression operands (Dask's `df[df.v > df.v.mean()]`): a Series reduction stands
// in a filter or an assign, computed in the same graph as the rows, which are read once. Answers
// equal the two-step reference (compute the scalar, then use the number) on sync and threads, with
// nulls and several partitionings; integral values stay float64 as typed; a scalar that is not a
// number is an error naming it, at build time when its type is known, at run time otherwise.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { daskGraph } from '@dask-ts/protocol';
import { col, fromColumns, lit, readParquet, type DataFrame } from '../index.js';
import { rng } from './reference.js';

const threads = createThreadsScheduler({ workers: 2 });
const sync = { scheduler: 'sync' } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-scalar-'));
afterAll(async () => {
  await threads.close?.();
  rmSync(dir, { recursive: true, force: true });
});

/** `n` rows: v (float64, some null), k (int32), g (utf8). */
function rows(n: number, seed: number): { v: (number | null)[]; k: number[]; g: string[] } {
  const r = rng(seed);
  const v = Array.from({ length: n }, () => (r() < 0.1 ? null : Math.round(r() * 1000) / 10));
  const k = Array.from({ length: n }, () => Math.floor(r() * 50));
  return { v, k, g: k.map((x) => `g${x % 7}`) };
}

const frame = (n: number, seed: number, parts: number): DataFrame =>
  fromColumns(rows(n, seed), { npartitions: parts }).astype({ k: 'int32' });

let parquet: DataFrame;
beforeAll(async () => {
  await frame(3000, 5, 6).toParquet(join(dir, 'data'), sync);
  parquet = readParquet(join(dir, 'data'));
}, 60_000);

describe('lazy scalars in expressions', () => {
  test.each([
    [1, 1],
    [200, 3],
    [1000, 7],
  ])(
    '%i rows in %i partitions: filter and assign give the two-step answer',
    async (n, parts) => {
      const df = frame(n, n, parts);
      for (const opts of [sync, { scheduler: threads }]) {
        const mean = await df.col('v').mean().compute(opts);
        const total = await df.col('k').sum().compute(opts);
        const lazy = df.filter(col('v').gt(df.col('v').mean())).assign({
          share: col('k').div(lit(df.col('k').sum()).mul(2)),
          more: col('k').add(df.col('k').max()),
        });
        const max = await df.col('k').max().compute(opts);
        const eager = df.filter(col('v').gt(mean)).assign({
          share: col('k').div(total * 2),
          more: col('k').add(lit(max).astype('float64')),
        });
        expect(lazy.dtypes).toEqual(eager.dtypes);
        expect(await lazy.toRecords(opts)).toEqual(await eager.toRecords(opts));
      }
    },
    60_000,
  );

  test('an integral scalar stays float64, as typed, and the types computed match', async () => {
    const df = frame(100, 3, 2);
    const out = df.assign({ plus: col('k').add(df.col('k').count()) });
    expect(out.dtypes.plus).toBe('float64');
    const t = await out.compute(sync);
    expect(String(t.getChild('plus')!.type)).toBe('Float64');
    expect(t.getChild('plus')!.get(0)).toBe((t.getChild('k')!.get(0) as number) + 100);
  });

  test('the rows a scalar reduces are read once, in one graph with it', async () => {
    const q = parquet.filter(col('v').lt(parquet.col('v').quantile(0.25)));
    const graph = q[daskGraph]();
    const roots = [...graph.values()].filter((node) => !('deps' in node) || node.deps.length === 0);
    expect(roots).toHaveLength(parquet.npartitions);
    const [want, got] = await Promise.all([
      parquet.col('v').quantile(0.25).compute(sync),
      q.toRecords({ scheduler: threads }),
    ]);
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((r) => (r.v as number) < want)).toBe(true);
    const all = await parquet.toRecords(sync);
    expect(got.length).toBe(all.filter((r) => r.v !== null && (r.v as number) < want).length);
  }, 60_000);

  test('a null scalar keeps no row; the plan names the scalar', async () => {
    const df = fromColumns({ a: [1, 2, 3], b: [null, null, null] }, { npartitions: 2 }).astype({
      b: 'float64',
    });
    const q = df.filter(col('a').gt(df.col('b').first()));
    expect(q.explain()).toMatch(/filter \(with the lazy scalars first-/);
    expect(await q.toRecords(sync)).toEqual([]);
    const filled = df.assign({ c: col('a').add(df.col('b').first()).fillna(-1) });
    expect((await filled.toRecords(sync)).map((r) => r.c)).toEqual([-1, -1, -1]);
  });

  test('a scalar that is not one number is refused, naming it', async () => {
    const df = frame(50, 1, 2);
    expect(() => df.filter(col('v').gt(df.sum()))).toThrow(
      /lazy scalar 'sum-[0-9a-f]+' is not one number/,
    );
    expect(() => df.filter(col('v').gt(df.col('g').max()))).toThrow(/is not one number/);
    expect(() => df.filter(col('g').eq(lit(df.col('v').sum())))).toThrow(
      /type mismatch in \(col\('g'\) eq scalar\('sum-[0-9a-f]+'\)\)/,
    );
    // A string column's first value is typed only when computed: the error then names the scalar.
    const strs = fromColumns({ s: ['x', 'y'] });
    const first = strs.col('s').first();
    const sneaky = new (first.constructor as new (l: unknown, t: string) => typeof first)(
      first.layer,
      'float64',
    );
    await expect(strs.filter(col('s').str.len().gt(sneaky)).compute(sync)).rejects.toThrow(
      /lazy scalar 'first-[0-9a-f]+' computed to a string, not a number/,
    );
  });
});
