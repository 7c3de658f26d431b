// Shuffles of many partitions (shuffle-disk.ts: at most EXCHANGE_WIDTH splits, neighbouring
// inputs split together past it, and at most EXCHANGE_WIDTH outputs unless asked) against plain
// arrays: merge, groupby with a shuffle, dropDuplicates and sortValues over 150 partitions, in
// memory and through disk; and the head of a sorted frame (a top-n of the sort's input, sort.ts)
// against a stable sort of the whole table, including when the first partitions hold too few rows.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { configureShuffle, fromColumns } from '../index.js';
import { EXCHANGE_WIDTH } from '../shuffle-disk.js';
import { plain, rng } from './reference.js';
import { rowsOf, sortedRows, wide, wideFrame, type Cell } from './ops-reference.js';

const sync = { scheduler: 'sync' } as const;
const PARTS = 150;

/** A stable order of row indices by `cols` (nulls last, or first), as the reference. */
function refOrder(cols: Cell[][], asc: boolean[], naLast = true): number[] {
  const n = cols[0].length;
  const cmp = (x: Cell, y: Cell, up: boolean): number => {
    if (x === null || y === null) return x === y ? 0 : (x === null ? 1 : -1) * (naLast ? 1 : -1);
    const d = typeof x === 'number' ? x - (y as number) : x < y ? -1 : x > y ? 1 : 0;
    return up ? d : -d;
  };
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    for (let k = 0; k < cols.length; k++) {
      const d = cmp(cols[k][a], cols[k][b], asc[k]);
      if (d !== 0) return d;
    }
    return a - b;
  });
}

/** Two frames to join: `l` (PARTS partitions) and `r` (100), keys with repeats and misses. */
function sides(): {
  l: ReturnType<typeof fromColumns>;
  r: ReturnType<typeof fromColumns>;
  want: Cell[][];
} {
  const g = rng(41);
  const n = 3000;
  const lk = Int32Array.from({ length: n }, () => Math.floor(g() * 900));
  const lv = Float64Array.from({ length: n }, (_, i) => i);
  const rk = Int32Array.from({ length: 1000 }, (_, i) => (i * 7) % 1100);
  const rv = Array.from({ length: 1000 }, (_, i) => `r${i}`);
  const want: Cell[][] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < rk.length; j++) if (lk[i] === rk[j]) want.push([lk[i], lv[i], rv[j]]);
  return {
    l: fromColumns({ k: lk, v: lv }, { npartitions: PARTS }),
    r: fromColumns({ k: rk, w: rv }, { npartitions: 100 }),
    want: sortedRows(want),
  };
}

describe('exchanges of many partitions', () => {
  test('merge: neighbouring inputs split together, at most EXCHANGE_WIDTH outputs', async () => {
    const { l, r, want } = sides();
    const m = l.merge(r, { on: 'k' });
    expect(m.npartitions).toBe(EXCHANGE_WIDTH);
    expect(m.explain()).toMatch(/hash shuffle on k: 150 -> 64 partitions, split 3 input/);
    expect(m.explain()).toMatch(/hash shuffle on k: 100 -> 64 partitions, split 2 input/);
    expect(sortedRows(rowsOf(plain(await m.compute(sync)), ['k', 'v', 'w'])).length).toBe(
      want.length,
    );
    expect(sortedRows(rowsOf(plain(await m.compute(sync)), ['k', 'v', 'w']))).toEqual(want);
    // Asked for more outputs: given them.
    expect(l.merge(r, { on: 'k', npartitions: 200 }).npartitions).toBe(200);
  }, 120_000);

  test('a side of few partitions against many is broadcast, as Dask decides', async () => {
    const { l, r, want } = sides();
    // 2 < log2(150) / 2: broadcast; 4 is not (and refused with broadcast: false).
    const two = r.repartition({ npartitions: 2 });
    const m = l.merge(two, { on: 'k' });
    expect(m.explain()).toContain('(broadcast right)');
    expect(m.npartitions).toBe(PARTS);
    expect(sortedRows(rowsOf(plain(await m.compute(sync)), ['k', 'v', 'w']))).toEqual(want);
    const left = two.merge(l, { on: 'k' });
    expect(left.explain()).toContain('(broadcast left)');
    expect(sortedRows(rowsOf(plain(await left.compute(sync)), ['k', 'v', 'w']))).toEqual(want);
    expect(l.merge(r.repartition({ npartitions: 4 }), { on: 'k' }).explain()).toContain(
      'hash shuffle',
    );
    expect(l.merge(two, { on: 'k', broadcast: false }).explain()).not.toContain('broadcast');
    // Semi joins too.
    const semi = l.merge(two, { on: 'k', how: 'semi' });
    expect(semi.explain()).toContain('broadcast');
    const keys = new Set(want.map((row) => row[0]));
    expect((await semi.compute(sync)).numRows).toBe(
      (plain(await l.compute(sync)).k as number[]).filter((k) => keys.has(k)).length,
    );
  }, 120_000);

  test('merge through disk', async () => {
    const before = configureShuffle({ method: 'disk' });
    try {
      const { l, r, want } = sides();
      const m = l.merge(r, { on: 'k' });
      expect(m.explain()).toMatch(/split 3 input partitions at a time \(through disk\)/);
      expect(sortedRows(rowsOf(plain(await m.compute(sync)), ['k', 'v', 'w']))).toEqual(want);
    } finally {
      configureShuffle(before);
    }
  }, 120_000);

  test('groupby by a shuffle and dropDuplicates', async () => {
    const p = wide(4000, 17);
    const df = wideFrame(p, PARTS);
    const g = df.groupby('i', { shuffle: true }).agg({ s: ['a', 'sum'], n: ['a', 'count'] });
    expect(g.npartitions).toBe(EXCHANGE_WIDTH);
    expect(g.explain()).toMatch(/split 3 input partitions at a time/);
    const sums = new Map<number, [number, number]>();
    (p.i as number[]).forEach((k, j) => {
      const [s, c] = sums.get(k) ?? [0, 0];
      const a = p.a[j] as number | null;
      sums.set(k, a === null ? [s, c] : [s + a, c + 1]);
    });
    const got = plain(await g.compute(sync));
    expect(sortedRows(rowsOf(got, ['i', 's', 'n']))).toEqual(
      sortedRows([...sums].map(([k, [s, c]]) => [k, s, c])),
    );
    const d = df.dropDuplicates({ subset: ['k', 'i'] });
    const seen = new Set<string>();
    const firsts: Cell[][] = [];
    (p.i as number[]).forEach((k, j) => {
      const key = `${String(p.k[j])}|${k}`;
      if (!seen.has(key)) {
        seen.add(key);
        firsts.push([p.k[j], k, p.a[j]]);
      }
    });
    expect(sortedRows(rowsOf(plain(await d.compute(sync)), ['k', 'i', 'a']))).toEqual(
      sortedRows(firsts),
    );
  }, 120_000);

  test('sortValues: EXCHANGE_WIDTH outputs holding the stable order', async () => {
    const p = wide(3000, 23);
    const df = wideFrame(p, PARTS);
    const sorted = df.sortValues(['i', 'a'], { ascending: [false, true] });
    expect(sorted.npartitions).toBe(EXCHANGE_WIDTH);
    const order = refOrder([p.i, p.a], [false, true]);
    const cols = Object.keys(p);
    expect(rowsOf(plain(await sorted.compute(sync)), cols)).toEqual(
      order.map((j) => cols.map((c) => p[c][j])),
    );
  }, 120_000);
});

describe('the head of a sorted frame', () => {
  test.each([
    [1000, 1],
    [3000, 7],
    [3000, PARTS],
  ])(
    'is the first rows of a stable sort of the whole table (%i rows, %i parts)',
    async (n, k) => {
      const p = wide(n, n + k);
      const df = wideFrame(p, k);
      const cols = Object.keys(p);
      const cases: [string[], boolean[], 'first' | 'last', number][] = [
        [['a'], [true], 'last', 5],
        [['a'], [false], 'first', 60],
        [['t', 'i'], [true, false], 'last', 100],
        [['k', 'f', 'a'], [false, true, true], 'first', 2],
      ];
      for (const [by, ascending, naPosition, count] of cases) {
        const head = df.sortValues(by, { ascending, naPosition }).head(count);
        if (k > 1) expect(head.explain()).toMatch(/no exchange/);
        const order = refOrder(
          by.map((c) => p[c]),
          ascending,
          naPosition === 'last',
        ).slice(0, count);
        const got = rowsOf(plain(await head.compute(sync)), cols);
        expect([by, got]).toEqual([by, order.map((j) => cols.map((c) => p[c][j]))]);
      }
    },
    120_000,
  );
});
