// Joins (broadcast and hash-shuffled, every `how`, suffixes, indicator, keys of mixed numeric
// types), concat and dropDuplicates on the sync scheduler, against nested loops over plain rows,
// with null keys, over several partitionings.
import { describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { concat, fromColumns, merge, type DataFrame, type MergeOptions } from '../index.js';
import { plain, rng, type Plain } from './reference.js';
import { rowsOf, sortedRows, wide, wideFrame, type Cell } from './ops-reference.js';

const sync = { scheduler: 'sync' } as const;

function rightPlain(n: number, seed: number): Plain {
  const r = rng(seed);
  const keys = ['x', 'y', 'z', 'v'];
  const k: (string | null)[] = [];
  const i: number[] = [];
  const w: (number | null)[] = [];
  const s: string[] = [];
  for (let j = 0; j < n; j++) {
    k.push(r() < 0.1 ? null : keys[Math.floor(r() * keys.length)]);
    i.push(Math.floor(r() * 120));
    w.push(r() < 0.1 ? null : Math.round(r() * 1000) / 4);
    s.push(`r${j}`);
  }
  return { k, i, w, s };
}

function rightFrame(p: Plain, parts: number): DataFrame {
  return fromColumns(
    {
      k: p.k as (string | null)[],
      i: Int32Array.from(p.i as number[]),
      w: p.w as (number | null)[],
      s: p.s as string[],
    },
    { npartitions: parts },
  );
}

/** Nested-loop merge of plain tables: rows in output-column order. */
function refMerge(
  L: Plain,
  R: Plain,
  lk: string[],
  rk: string[],
  how: string,
  out: { left: string[]; right: string[]; shared: string[] },
  indicator: boolean,
): Cell[][] {
  const nl = L[lk[0]].length;
  const nr = R[rk[0]].length;
  const rows: Cell[][] = [];
  const matched = new Array<boolean>(nr).fill(false);
  const emit = (i: number, j: number): void => {
    const row: Cell[] = [];
    for (const c of out.shared) row.push(i >= 0 ? L[c][i] : R[c][j]);
    for (const c of out.left) row.push(i >= 0 ? L[c][i] : null);
    for (const c of out.right) row.push(j >= 0 ? R[c][j] : null);
    if (indicator) row.push(i < 0 ? 'right_only' : j < 0 ? 'left_only' : 'both');
    rows.push(row);
  };
  for (let i = 0; i < nl; i++) {
    let any = false;
    for (let j = 0; j < nr; j++) {
      const eq = lk.every((c, x) => L[c][i] !== null && L[c][i] === R[rk[x]][j]);
      if (eq) {
        any = true;
        matched[j] = true;
        emit(i, j);
      }
    }
    if (!any && (how === 'left' || how === 'outer')) emit(i, -1);
  }
  if (how === 'right' || how === 'outer') for (let j = 0; j < nr; j++) if (!matched[j]) emit(-1, j);
  return rows;
}

const partitionings: [number, number][] = [
  [1, 1],
  [3, 1],
  [1, 4],
  [4, 3],
  [6, 6],
];

describe('merge', () => {
  test.each(partitionings)(
    'on a shared key, every how, suffixes and indicator (%i x %i partitions)',
    async (kl, kr) => {
      const L = wide(150, kl * 10 + kr);
      const R = rightPlain(40, kl + kr * 7);
      const left = wideFrame(L, kl).select(['k', 'a', 's', 'i']);
      const right = rightFrame(R, kr);
      for (const how of ['inner', 'left', 'right', 'outer'] as const) {
        const m = left.merge(right, { on: 'k', how, indicator: true, suffixes: ['_l', '_r'] });
        expect(m.columns).toEqual(['k', 'a', 's_l', 'i_l', 'i_r', 'w', 's_r', '_merge']);
        const got = plain(await m.compute(sync));
        const want = refMerge(
          L,
          R,
          ['k'],
          ['k'],
          how,
          { shared: ['k'], left: ['a', 's', 'i'], right: ['i', 'w', 's'] },
          true,
        );
        // refMerge gives shared first; reorder to the output's order (k first anyway).
        expect([how, sortedRows(rowsOf(got))]).toEqual([how, sortedRows(want)]);
      }
    },
  );

  test.each(partitionings)(
    'leftOn / rightOn, two keys, int32 against float64 (%i x %i partitions)',
    async (kl, kr) => {
      const L = wide(200, kl + 3 * kr);
      const R = rightPlain(150, kl * kr + 1);
      const left = wideFrame(L, kl).select(['t', 'b', 'k']);
      const right = rightFrame(R, kr).select(['k', 'i', 'w']);
      for (const how of ['inner', 'outer'] as const) {
        const m = merge(left, right, { leftOn: ['k', 'b'], rightOn: ['k', 'i'], how });
        // 'k' joined under one name (both sides call it k), b and i both kept.
        expect(m.columns).toEqual(['t', 'b', 'k', 'i', 'w']);
        expect(m.dtypes).toMatchObject({ b: 'float64', i: 'float64' });
        const got = plain(await m.compute(sync));
        const want = refMerge(
          L,
          R,
          ['k', 'b'],
          ['k', 'i'],
          how,
          { shared: ['k'], left: ['t', 'b'], right: ['i', 'w'] },
          false,
        );
        expect(sortedRows(rowsOf(got, ['k', 't', 'b', 'i', 'w']))).toEqual(sortedRows(want));
      }
    },
  );

  test('the plan: broadcast when one side has one partition (or broadcast is set), else a shuffle', () => {
    const L = wideFrame(wide(50, 1), 4);
    const R1 = rightFrame(rightPlain(10, 2), 1);
    const R3 = rightFrame(rightPlain(10, 2), 3);
    expect(L.merge(R1, { on: 'k' }).explain()).toMatch(/broadcast right/);
    expect(L.merge(R1, { on: 'k' }).npartitions).toBe(4);
    expect(R1.merge(L, { on: 'k', how: 'right' }).explain()).toMatch(/broadcast left/);
    expect(L.merge(R3, { on: 'k' }).explain()).toMatch(/hash shuffle into 4/);
    expect(L.merge(R3, { on: 'k', broadcast: true }).explain()).toMatch(/broadcast right/);
    // An outer join keeps the unmatched rows of both sides: never a broadcast.
    expect(L.merge(R1, { on: 'k', how: 'outer' }).explain()).toMatch(/hash shuffle/);
  });

  test('errors name the culprit', () => {
    const L = wideFrame(wide(5, 1), 1);
    const R = rightFrame(rightPlain(5, 2), 1);
    expect(() => merge(L, R, { on: 'zz' })).toThrow(/unknown column 'zz'/);
    expect(() => merge(L, R, { leftOn: 'k', rightOn: 'i' })).toThrow(
      /key 'k' \(utf8\) of the left side cannot match key 'i' \(int32\)/,
    );
    expect(() => merge(L, R, { leftOn: ['k'], rightOn: ['k', 'i'] })).toThrow(/equal lengths/);
    expect(() => merge(L, R, { on: 'k', how: 'cross' as 'inner' })).toThrow(/how must be/);
  });
});

describe('concat and dropDuplicates', () => {
  test('concat stacks partitions with the union of columns', async () => {
    const a = fromColumns({ x: [1, 2], y: ['p', null] }, { npartitions: 2 });
    const b = fromColumns({ y: ['q'], x: Int32Array.from([7]), z: [true] });
    const c = concat([a, b, a]);
    expect(c.npartitions).toBe(5);
    expect(c.dtypes).toEqual({ x: 'float64', y: 'utf8', z: 'bool' });
    expect(plain(await c.compute(sync))).toEqual({
      x: [1, 2, 7, 1, 2],
      y: ['p', null, 'q', 'p', null],
      z: [null, null, true, null, null],
    });
    expect(() => concat([a, fromColumns({ x: ['s'] })])).toThrow(
      /column 'x' is float64 in one dataframe and utf8 in another/,
    );
  });

  test.each([
    [10, 1],
    [200, 3],
    [1000, 7],
  ])('dropDuplicates keeps the first or last of equal rows (%i rows, %i parts)', async (n, k) => {
    const p = wide(n, n + 20);
    const df = wideFrame(p, k);
    for (const keep of ['first', 'last'] as const) {
      for (const subset of [['k', 't'], ['f']]) {
        const got = plain(await df.dropDuplicates({ subset, keep }).compute(sync));
        const seen = new Map<string, number>();
        p.i.forEach((_, j) => {
          const key = JSON.stringify(subset.map((c) => p[c][j]));
          if (keep === 'last' || !seen.has(key)) seen.set(key, j);
        });
        const rows = [...seen.values()];
        const want = rows.map((j) => Object.keys(p).map((c) => p[c][j]));
        expect(sortedRows(rowsOf(got))).toEqual(sortedRows(want));
      }
    }
    const all = plain(await concat([df, df]).dropDuplicates().compute(sync));
    expect(all.i.length).toBe(new Set(rowsOf(p).map((r) => JSON.stringify(r))).size);
  });
});

const _o: MergeOptions = { on: 'k' };
void _o;
