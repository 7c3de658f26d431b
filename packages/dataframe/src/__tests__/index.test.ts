// Sorted indexes on the sync scheduler: setIndex with sampled (or given) divisions over several
// partitionings, numbers with nulls, strings and timestamps; loc by label and range reading only
// the partitions that can hold it (counted in the culled graph); repartition by divisions; a
// merge of two indexed frames aligned without a shuffle. Each checked against the same operation on
// plain arrays.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { cull } from '@dask-ts/graph';
import { daskGraph, daskKeys, getScheduler, type Scheduler } from '@dask-ts/protocol';
import type { Table } from 'apache-arrow';
import { col, fromColumns, merge, type DataFrame, type IndexValue } from '../index.js';
import { plain, rng } from './reference.js';

const sync = { scheduler: 'sync' } as const;
type Cell = number | string | null;

const shapes: [number, number, number][] = [
  [1, 1, 1],
  [40, 3, 4],
  [1000, 7, 5],
];

function sample(n: number, seed: number): { x: (number | null)[]; s: string[]; i: number[] } {
  const r = rng(seed);
  const x: (number | null)[] = [];
  const s: string[] = [];
  for (let i = 0; i < n; i++) {
    x.push(r() < 0.05 ? null : Math.floor(r() * 500) / 4);
    s.push(`k${Math.floor(r() * 300)}`);
  }
  return { x, s, i: x.map((_, i) => i) };
}

/** Each partition's [min, max] of a column (nulls skipped), by computing the partitions. */
async function ranges(df: DataFrame, name: string): Promise<[Cell, Cell][]> {
  const t = await df
    .mapPartitions(
      (p: Table) => {
        const v = [...p.getChild(name)!].filter((x) => x !== null) as (number | string)[];
        v.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        return {
          lo: [v.length === 0 ? null : String(v[0])],
          hi: [v.length === 0 ? null : String(v[v.length - 1])],
        };
      },
      { meta: { lo: 'utf8', hi: 'utf8' } },
    )
    .compute(sync);
  const got = plain(t);
  return got.lo.map((lo, j) => [lo as Cell, got.hi[j] as Cell]);
}

/** The partitions of `df`'s input layer `prefix` that a frame's culled graph computes. */
function partsRead(df: DataFrame, prefix: string): number[] {
  const g = cull(df[daskGraph](), df[daskKeys]());
  return [...g.keys()]
    .filter((k) => k.startsWith(`["${prefix}`) && /^\["[^"]+",\d+\]$/.test(k))
    .filter((k) => !k.includes('-split') && !k.includes('-piece'))
    .map((k) => Number(/,(\d+)\]$/.exec(k)![1]))
    .sort((a, b) => a - b);
}

const byNum = (a: number | null, b: number | null) =>
  a === null ? (b === null ? 0 : 1) : b === null ? -1 : a - b;

describe('setIndex and divisions', () => {
  test.each(shapes)('numbers with nulls (%i rows, %i parts -> %i)', async (n, k, out) => {
    const p = sample(n, n);
    const df = fromColumns(p, { npartitions: k });
    expect(df.knownDivisions).toBe(false);
    const ix = await df.setIndex('x', { npartitions: out, ...sync });
    const divs = ix.divisions!;
    expect(divs.length).toBe(ix.npartitions + 1);
    expect(ix.npartitions).toBeLessThanOrEqual(out);
    const xs = p.x.filter((v): v is number => v !== null);
    expect(divs[0]).toBe(Math.min(...xs));
    expect(divs[divs.length - 1]).toBe(Math.max(...xs));
    // Rows sorted by x (stable), nulls last.
    const got = plain(await ix.compute(sync));
    const order = p.i.slice().sort((a, b) => byNum(p.x[a], p.x[b]) || a - b);
    expect(got.i).toEqual(order);
    // Every partition holds only values within its divisions.
    const rs = await ranges(ix.select(['x']), 'x');
    rs.forEach(([lo, hi], j) => {
      if (lo === null) return;
      expect(Number(lo)).toBeGreaterThanOrEqual(divs[j] as number);
      if (j < rs.length - 1) expect(Number(hi)).toBeLessThan(divs[j + 1] as number);
      else expect(Number(hi)).toBeLessThanOrEqual(divs[j + 1] as number);
    });
    // Row-wise steps keep the index; steps that rewrite it drop it.
    expect(ix.filter(col('i').gt(3)).assign({ y: col('i').mul(2) }).divisions).toEqual(divs);
    expect(ix.rename({ x: 'z' }).index?.name).toBe('z');
    expect(ix.assign({ x: col('i') }).knownDivisions).toBe(false);
    expect(ix.select(['i']).knownDivisions).toBe(false);
  });

  test('strings and timestamps, and given divisions', async () => {
    const p = sample(300, 3);
    const df = fromColumns(
      { ...p, t: p.i.map((i) => new Date(Date.UTC(2024, 0, 1) + ((i * 7919) % 300) * 3600000)) },
      { npartitions: 4 },
    );
    const bys = await df.setIndex('s', sync);
    const got = plain(await bys.compute(sync));
    const want = p.i.slice().sort((a, b) => (p.s[a] < p.s[b] ? -1 : p.s[a] > p.s[b] ? 1 : a - b));
    expect(got.i).toEqual(want);
    expect(typeof bys.divisions![0]).toBe('string');
    const byt = await df.setIndex('t', {
      divisions: ['2024-01-01', '2024-01-05', '2024-01-13T12:00:00'],
    });
    expect(byt.divisions).toEqual([
      Date.UTC(2024, 0, 1),
      Date.UTC(2024, 0, 5),
      Date.UTC(2024, 0, 13, 12),
    ]);
    const day = plain(
      await byt.loc({ from: '2024-01-03', to: '2024-01-03T23:00:00' }).compute(sync),
    );
    expect(day.t).toHaveLength(24);
    expect(() => df.loc(3)).toThrow(/no index; call setIndex/);
    // pandas' .loc[a:b] written as two arguments is refused, pointing at the range form.
    expect(() => (byt.loc as (...a: unknown[]) => unknown)('2024-01-03', '2024-01-05')).toThrow(
      /loc\(\{ from: 2024-01-03, to: 2024-01-05 \}\)/,
    );
    await expect(df.setIndex('s', { divisions: ['b', 'a'] })).rejects.toThrow(/must increase/);
  });
});

describe('loc, repartition and merge with known divisions', () => {
  test.each(shapes)(
    'loc reads only the partitions that can hold the labels (%i rows, %i parts -> %i)',
    async (n, k, out) => {
      const p = sample(n, n + 1);
      const ix = await fromColumns(p, { npartitions: k }).setIndex('x', {
        npartitions: out,
        ...sync,
      });
      const divs = ix.divisions as number[];
      const rows = (pred: (x: number) => boolean) =>
        p.i
          .filter((i) => p.x[i] !== null && pred(p.x[i]))
          .sort((a, b) => byNum(p.x[a], p.x[b]) || a - b);
      const label = p.x.find((x) => x !== null)!;
      const one = ix.loc(label);
      expect(plain(await one.compute(sync)).i).toEqual(rows((x) => x === label));
      const holding = divs
        .slice(0, -1)
        .flatMap((d, j) =>
          d <= label && (label < divs[j + 1] || (j === divs.length - 2 && label === divs[j + 1]))
            ? [j]
            : [],
        );
      expect(partsRead(one, 'set-index')).toEqual(holding);
      const lo = divs[0] + 10;
      const hi = divs[0] + 40;
      const range = ix.loc({ from: lo, to: hi });
      expect(plain(await range.compute(sync)).i).toEqual(rows((x) => x >= lo && x <= hi));
      expect(partsRead(range, 'set-index').length).toBeLessThanOrEqual(ix.npartitions);
      if (range.divisions !== undefined) expect(range.divisions[0]).toBeLessThanOrEqual(lo);
      const open = ix.loc({ from: hi });
      expect(plain(await open.compute(sync)).i).toEqual(rows((x) => x >= hi));
      expect(plain(await ix.loc(-1).compute(sync)).i).toEqual([]);
    },
  );

  test.each(shapes)(
    'repartition by divisions and an aligned merge (%i rows, %i parts -> %i)',
    async (n, k, out) => {
      const p = sample(n, n + 2);
      const ix = await fromColumns(p, { npartitions: k }).setIndex('x', {
        npartitions: out,
        ...sync,
      });
      const divs = ix.divisions as number[];
      const to: IndexValue[] = [
        divs[0] - 1,
        divs[0] + 20,
        divs[0] + 21,
        Math.max(divs[divs.length - 1], divs[0] + 21) + 5,
      ];
      const re = ix.repartition({ divisions: to });
      expect(re.npartitions).toBe(3);
      expect(re.divisions).toEqual(to);
      expect(plain(await re.compute(sync))).toEqual(plain(await ix.compute(sync)));
      expect(() =>
        ix.repartition({ divisions: [divs[0] + 0.5, divs[divs.length - 1] + 1] }),
      ).toThrow(/must cover the old ones/);
      // The right side: another indexed frame with different divisions.
      const r = rng(n);
      const rx = Array.from({ length: 60 }, () => Math.floor(r() * 500) / 4);
      const right = await fromColumns(
        { x: rx, w: rx.map((_, j) => j) },
        { npartitions: 3 },
      ).setIndex('x', sync);
      const m = merge(ix, right, { on: 'x', how: 'inner' });
      // (A one-partition side is broadcast instead.)
      if (ix.npartitions > 1) {
        expect(m.explain()).toMatch(/aligned on known divisions, no shuffle/);
        expect(m.explain()).not.toMatch(/hash shuffle/);
      }
      const got = plain(await m.compute(sync));
      const pairs = (got.i as number[]).map((i, j) => `${i}:${got.w[j]}`).sort();
      const want: string[] = [];
      p.x.forEach((x, i) => rx.forEach((y, j) => x !== null && x === y && want.push(`${i}:${j}`)));
      expect(pairs).toEqual(want.sort());
      const left = plain(await merge(ix, right, { on: 'x', how: 'left' }).compute(sync));
      const leftRows = p.i.reduce(
        (s, i) => s + Math.max(1, rx.filter((y) => y === p.x[i]).length),
        0,
      );
      expect(left.i).toHaveLength(leftRows);
    },
  );

  test('loc and head run only the tasks of the partitions they need (counted while running)', async () => {
    const p = sample(2000, 77);
    // Persisted: the indexed partitions are data, so a compute runs only what reads them.
    const ix = await (
      await fromColumns(p, { npartitions: 4 }).setIndex('x', { npartitions: 8, ...sync })
    ).persist(sync);
    const inner = getScheduler('sync');
    const keys: string[] = [];
    const counting: Scheduler = {
      name: 'counting',
      get: (g, want, o) => {
        for (const [k, node] of g) if ((node as { kind?: string }).kind !== 'data') keys.push(k);
        return inner.get(g, want, o);
      },
    };
    const divs = ix.divisions as number[];
    expect(divs).toHaveLength(9);
    const indexed = ix;
    const label = (divs[3] + divs[4]) / 2;
    await indexed.loc({ from: label, to: label + 0.01 }).compute({ scheduler: counting });
    // One partition read: the loc task on partition 3, nothing else.
    expect(keys).toEqual([expect.stringMatching(/^\["loc-[^"]+",0\]$/)]);
    keys.length = 0;
    await indexed.head(3).compute({ scheduler: counting });
    expect(keys).toEqual([expect.stringMatching(/^\["head-[^"]+",0\]$/)]);
  });
});
