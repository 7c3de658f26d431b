// Semi and anti joins against a nested loop over plain rows: broadcast and hash-shuffled plans,
// one and two keys, int32 keys against float64 ones, category keys against utf8 ones, null keys
// (matching nothing), on the sync scheduler over several partitionings (a small left side against
// many right partitions included) and on threads; the plan reads only the right side's keys;
// errors name the option. Threads need the built dist.
import { afterAll, describe, expect, test } from '@jest/globals';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { col, fromColumns, type DataFrame } from '../index.js';
import { plain, rng, type Plain } from './reference.js';
import { rowsOf, sortedRows, wide, wideFrame, type Cell } from './ops-reference.js';

const sync = { scheduler: 'sync' } as const;
const threads = createThreadsScheduler({ workers: 2 });
afterAll(async () => {
  await threads.close?.();
});

function rightPlain(n: number, seed: number): Plain {
  const r = rng(seed);
  const keys = ['x', 'y', 'v'];
  const k: (string | null)[] = [];
  const b: (number | null)[] = [];
  for (let j = 0; j < n; j++) {
    k.push(r() < 0.1 ? null : keys[Math.floor(r() * keys.length)]);
    b.push(r() < 0.1 ? null : Math.floor(r() * 120) + (r() < 0.2 ? 0.5 : 0));
  }
  return { k, b, w: k.map((_, j) => j) };
}

function rightFrame(p: Plain, parts: number): DataFrame {
  return fromColumns(
    {
      k: p.k as (string | null)[],
      b: p.b as (number | null)[],
      w: Int32Array.from(p.w as number[]),
    },
    { npartitions: parts },
  );
}

/** The left rows (in `cols` order) that have (semi) or have not (anti) a right row with equal keys. */
function refSemi(
  L: Plain,
  R: Plain,
  lk: string[],
  rk: string[],
  anti: boolean,
  cols: string[],
): Cell[][] {
  const nl = L[lk[0]].length;
  const nr = R[rk[0]].length;
  const out: Cell[][] = [];
  for (let i = 0; i < nl; i++) {
    let any = false;
    for (let j = 0; j < nr && !any; j++)
      any = lk.every((c, m) => L[c][i] !== null && L[c][i] === R[rk[m]][j]);
    if (any !== anti) out.push(cols.map((c) => L[c][i]));
  }
  return out;
}

const partitionings: [number, number][] = [
  [1, 1],
  [3, 1],
  [1, 4],
  [4, 3],
  [2, 40],
];

describe('merge how semi / anti', () => {
  test.each(partitionings)(
    'one and two keys, mixed key types (%i x %i partitions)',
    async (kl, kr) => {
      const L = wide(160, kl * 10 + kr);
      const R = rightPlain(50, kl + kr * 5);
      const left = wideFrame(L, kl).select(['k', 'b', 'a', 's']);
      const right = rightFrame(R, kr);
      const cols = ['k', 'b', 'a', 's'];
      for (const how of ['semi', 'anti'] as const) {
        const one = left.merge(right, { on: 'k', how });
        expect(one.columns).toEqual(cols);
        expect(one.dtypes).toEqual(left.dtypes);
        const got1 = sortedRows(rowsOf(plain(await one.compute(sync))));
        expect([how, got1]).toEqual([
          how,
          sortedRows(refSemi(L, R, ['k'], ['k'], how === 'anti', cols)),
        ]);
        // b is int-valued float64 on the left, float64 with halves on the right.
        const two = left.merge(right, { on: ['k', 'b'], how });
        expect(two.dtypes).toEqual(left.dtypes);
        const got2 = sortedRows(rowsOf(plain(await two.compute(sync))));
        expect(got2).toEqual(
          sortedRows(refSemi(L, R, ['k', 'b'], ['k', 'b'], how === 'anti', cols)),
        );
      }
    },
    60_000,
  );

  test.each([
    ['narrow (a bitmap of the right keys)', 1],
    ['too wide for a bitmap', 1_000_003],
  ])(
    'int32 keys with nulls, %s',
    async (_, scale) => {
      const r = rng(scale);
      const key = (): number | null => (r() < 0.1 ? null : (Math.floor(r() * 300) - 100) * scale);
      const L = {
        k: Array.from({ length: 400 }, key),
        v: Array.from({ length: 400 }, (_, i) => i),
      };
      // 0 is a right key: a null's slot often holds 0, and must still match nothing.
      const R = {
        k: [0, ...Array.from({ length: 89 }, key)],
        w: Array.from({ length: 90 }, (_, j) => j),
      };
      for (const [kl, kr] of partitionings) {
        const left = fromColumns(L, { npartitions: kl }).astype({ k: 'int32' });
        const right = fromColumns(R, { npartitions: kr }).astype({ k: 'int32' });
        for (const how of ['semi', 'anti'] as const) {
          const got = sortedRows(
            rowsOf(plain(await left.merge(right, { on: 'k', how }).compute(sync))),
          );
          expect(got).toEqual(sortedRows(refSemi(L, R, ['k'], ['k'], how === 'anti', ['k', 'v'])));
        }
      }
    },
    60_000,
  );

  test('category keys against utf8 keys, and int32 against float64', async () => {
    const L = wide(120, 5);
    const R = rightPlain(30, 6);
    const left = wideFrame(L, 2)
      .select(['k', 'b'])
      .assign({ c: col('k').astype('category'), i: col('b').astype('int32') });
    const right = rightFrame(R, 2);
    const got = plain(
      await left
        .merge(right, { leftOn: ['c', 'i'], rightOn: ['k', 'b'], how: 'semi' })
        .compute(sync),
    );
    expect(sortedRows(rowsOf(got, ['k', 'b']))).toEqual(
      sortedRows(refSemi(L, R, ['k', 'b'], ['k', 'b'], false, ['k', 'b'])),
    );
  }, 60_000);

  test('on threads: shuffled and broadcast plans give the sync answers', async () => {
    const L = wide(300, 9);
    const R = rightPlain(80, 10);
    for (const [kl, kr] of [
      [3, 1],
      [3, 3],
      [1, 6],
    ]) {
      const left = wideFrame(L, kl).select(['k', 'b', 'a']);
      const right = rightFrame(R, kr);
      for (const how of ['semi', 'anti'] as const) {
        const m = left.merge(right, { on: ['k', 'b'], how });
        const a = sortedRows(rowsOf(plain(await m.compute({ scheduler: threads }))));
        const b = sortedRows(rowsOf(plain(await m.compute(sync))));
        expect(a).toEqual(b);
        expect(a.length).toBeGreaterThan(0);
      }
    }
  }, 120_000);

  test('the plan: the right side reads its keys only; broadcast or shuffle; errors', () => {
    const L = wide(50, 1);
    const R = rightPlain(20, 2);
    const one = wideFrame(L, 3).merge(rightFrame(R, 1), { on: 'k', how: 'semi' }).explain();
    expect(one).toContain('merge(semi) on k (broadcast right)');
    expect(one).toMatch(/select\(__semi_key_0\)/);
    const many = wideFrame(L, 3).merge(rightFrame(R, 2), { on: 'k', how: 'anti' }).explain();
    expect(many).toContain('merge(anti) on k (hash shuffle into 3)');
    // A small left side: each right partition keeps the keys the left has; nothing is shuffled.
    const small = wideFrame(L, 1).merge(rightFrame(R, 8), { on: 'k', how: 'anti' }).explain();
    expect(small).toContain('merge(anti) on k = __anti_key_0 (broadcast right)');
    expect(small).toContain('repartition 8 -> 1');
    expect(small).toContain('merge(semi) on __anti_key_0 = k (broadcast right)');
    expect(small).not.toContain('shuffle');
    const refused = wideFrame(L, 1)
      .merge(rightFrame(R, 8), { on: 'k', how: 'anti', broadcast: false })
      .explain();
    expect(refused).toContain('merge(anti) on k (hash shuffle into 8)');
    expect(() =>
      wideFrame(L, 1).merge(rightFrame(R, 1), { on: 'k', how: 'anti', indicator: true }),
    ).toThrow(/indicator has no meaning for how 'anti'/);
    expect(() =>
      wideFrame(L, 1).merge(rightFrame(R, 1), { leftOn: 'a', rightOn: 'k', how: 'semi' }),
    ).toThrow(/key 'a' \(float64\) of the left side cannot match key 'k' \(utf8\)/);
  });
});
