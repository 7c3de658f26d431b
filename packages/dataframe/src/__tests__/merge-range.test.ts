// Range joins: two Parquet datasets sorted on an int32 key (files whose key ranges barely overlap,
// with repeated keys across file edges and null keys) are merged without a shuffle, for every
// `how` but outer, and the answer equals the same merge of the same data held in memory (which
// shuffles). Unsorted files are shuffled as before; ranges carry through filters, renames, a
// broadcast join and persist(); persisted partitions live in shared memory.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@dask-ts/scheduler';
import { col, fromColumns, readParquet, type DataFrame, type MergeOptions } from '../index.js';
import { rng } from './reference.js';
import { sortedRows, type Cell } from './ops-reference.js';

const sync = { scheduler: 'sync' } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-range-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Side {
  readonly k: (number | null)[];
  readonly v: number[];
  readonly s: string[];
}

/** `n` rows whose key grows by 0 or 1 per row from `from` (nulls among them), so sorted. */
function sortedSide(n: number, from: number, seed: number, tag: string): Side {
  const r = rng(seed);
  const k: (number | null)[] = [];
  let key = from;
  for (let i = 0; i < n; i++) {
    key += r() < 0.5 ? 1 : 0;
    k.push(r() < 0.05 ? null : key);
  }
  return { k, v: k.map((_, i) => i * 0.5), s: k.map((_, i) => `${tag}${i}`) };
}

/** The values in a seeded random order. */
function mixed<T>(xs: readonly T[]): T[] {
  const r = rng(7);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const frameOf = (p: Side, parts: number, names: [string, string, string]): DataFrame =>
  fromColumns({ [names[0]]: p.k, [names[1]]: p.v, [names[2]]: p.s }, { npartitions: parts }).astype(
    { [names[0]]: 'int32' },
  );

async function written(p: Side, parts: number, names: [string, string, string], to: string) {
  await frameOf(p, parts, names).toParquet(join(dir, to), sync);
  return readParquet(join(dir, to));
}

async function rows(df: DataFrame): Promise<Cell[][]> {
  const records = await df.toRecords(sync);
  return sortedRows(records.map((r) => df.columns.map((c) => r[c])));
}

const L = sortedSide(600, 0, 1, 'l');
const R = sortedSide(450, 40, 2, 'r');
let left: DataFrame;
let right: DataFrame;

beforeAll(async () => {
  left = await written(L, 5, ['k', 'a', 'x'], 'left');
  right = await written(R, 7, ['k2', 'b', 'y'], 'right');
}, 60_000);

describe('range joins of sorted Parquet files', () => {
  const hows: MergeOptions['how'][] = ['inner', 'left', 'right', 'semi', 'anti'];
  test.each(hows)(
    'how %s: no shuffle, the same rows as the in-memory merge',
    async (how) => {
      const opts: MergeOptions = { leftOn: 'k', rightOn: 'k2', how };
      const joined = left.merge(right, opts);
      expect(joined.explain()).toContain('range join');
      expect(joined.explain()).not.toContain('hash shuffle');
      const want = frameOf(L, 3, ['k', 'a', 'x']).merge(frameOf(R, 4, ['k2', 'b', 'y']), opts);
      expect(want.explain()).toContain('hash shuffle');
      const got = await rows(joined);
      expect(got.length).toBeGreaterThan(0);
      expect(got).toEqual(await rows(want));
    },
    60_000,
  );

  test('ranges carry through filters, renames, a broadcast join and persist()', async () => {
    const small = fromColumns({ kk: [3, 5, 8, 13, 21, 34, 55], w: [1, 2, 3, 4, 5, 6, 7] });
    const lhs = left
      .filter(col('a').gt(10))
      .rename({ k: 'key' })
      .merge(small, { leftOn: 'a', rightOn: 'w', how: 'left' });
    const rhs = (await right.persist(sync)).assign({ key: col('k2') });
    const joined = lhs.merge(rhs, { on: 'key' });
    expect(joined.explain()).toContain('range join');
    const mem = frameOf(L, 2, ['k', 'a', 'x'])
      .filter(col('a').gt(10))
      .rename({ k: 'key' })
      .merge(small, { leftOn: 'a', rightOn: 'w', how: 'left' })
      .merge(frameOf(R, 2, ['k2', 'b', 'y']).assign({ key: col('k2') }), { on: 'key' });
    expect(await rows(joined)).toEqual(await rows(mem));
  }, 60_000);

  test('unsorted files, few probe partitions, an outer join or a set partition count still shuffle', async () => {
    const unsorted = await written({ ...L, k: mixed(L.k) }, 5, ['k', 'a', 'x'], 'unsorted');
    const joined = unsorted.merge(right, { leftOn: 'k', rightOn: 'k2' });
    expect(joined.explain()).not.toContain('range join');
    expect(joined.explain()).toContain('hash shuffle');
    const mem = frameOf({ ...L, k: mixed(L.k) }, 2, ['k', 'a', 'x']);
    expect(await rows(joined)).toEqual(
      await rows(mem.merge(frameOf(R, 2, ['k2', 'b', 'y']), { leftOn: 'k', rightOn: 'k2' })),
    );
    // A left join keeps the left's partitions: one of them against seven would be one task.
    const one = await written(L, 1, ['k', 'a', 'x'], 'one');
    expect(one.merge(right, { leftOn: 'k', rightOn: 'k2', how: 'left' }).explain()).toContain(
      'hash shuffle',
    );
    expect(left.merge(right, { leftOn: 'k', rightOn: 'k2', how: 'outer' }).explain()).toContain(
      'hash shuffle',
    );
    expect(left.merge(right, { leftOn: 'k', rightOn: 'k2', npartitions: 3 }).explain()).toContain(
      'hash shuffle',
    );
  }, 60_000);
});

describe('range joins after a selective filter', () => {
  // A probe partition far smaller than the rows it meets cuts them to its keys: by binary search
  // where the other side's key column is sorted, by a scan where it is not (rows shuffled within
  // each file), and to its range only where its keys span too wide for a bitmap.
  const shuffledWithin = (p: Side, block: number): Side => {
    const order = mixed(p.k.map((_, i) => i)).sort(
      (a, b) => Math.floor(a / block) - Math.floor(b / block),
    );
    return {
      k: order.map((i) => p.k[i]),
      v: order.map((i) => p.v[i]),
      s: order.map((i) => p.s[i]),
    };
  };
  const noNulls = (p: Side): Side => {
    let last = 0;
    return { ...p, k: p.k.map((k) => (last = k ?? last)) };
  };
  const wide = (p: Side): Side => ({
    ...p,
    k: p.k.map((k) => (k === null ? null : k * 1_000_003)),
  });
  const variants: [string, Side, Side][] = [
    ['sorted', L, R],
    ['sorted without nulls', L, noNulls(R)],
    ['shuffled within files', L, shuffledWithin(R, 30)],
    ['keys spanning too wide for a bitmap', wide(L), wide(R)],
  ];
  const every11th = col('x').isin(L.k.flatMap((_, i) => (i % 11 === 0 ? [`l${i}`] : [])));
  test.each(variants)(
    '%s: every how gives the in-memory answer',
    async (tag, l, r) => {
      const name = tag.replace(/\W+/g, '-');
      const lhs = (await written(l, 8, ['k', 'a', 'x'], `sel-l-${name}`)).filter(every11th);
      const rhs = await written(r, 3, ['k2', 'b', 'y'], `sel-r-${name}`);
      const memL = frameOf(l, 2, ['k', 'a', 'x']).filter(every11th);
      const memR = frameOf(r, 2, ['k2', 'b', 'y']);
      for (const how of ['inner', 'left', 'semi', 'anti'] as const) {
        const opts: MergeOptions = { leftOn: 'k', rightOn: 'k2', how };
        const joined = lhs.merge(rhs, opts);
        expect(joined.explain()).toContain('range join');
        const got = await rows(joined);
        expect(got).toEqual(await rows(memL.merge(memR, opts)));
        if (how !== 'anti') expect(got.length).toBeGreaterThan(0);
      }
    },
    60_000,
  );
});

describe('persist', () => {
  test('puts the partitions in shared memory', async () => {
    const held = await left.persist(sync);
    const parts = held.toDelayed();
    const t = await parts[0].compute(sync);
    for (const name of ['k', 'a', 'x']) {
      const data = t.getChild(name)!.data[0];
      const buf = (data.values as ArrayBufferView).buffer;
      expect(Object.prototype.toString.call(buf)).toBe('[object SharedArrayBuffer]');
    }
    expect(await rows(held)).toEqual(await rows(left));
  }, 60_000);
});
