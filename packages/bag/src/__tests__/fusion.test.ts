// Blockwise fusion: random chains of element-wise steps followed by every aggregation, checked
// against the same steps on the plain array (sync, and a few on threads); the shape of fused graphs
// (one task per partition, no intermediate keys, shared intermediates computed once); errors from
// fused user functions; and file blocks streamed straight into a pipeline.
import { afterAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daskGraph, TaskError, type GraphNode, type Task } from '@dask-ts/protocol';
import { compute } from '@dask-ts/graph';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { fromSequence, readJson, readText, type Bag } from '../index.js';
import { universalLines } from './lines-reference.js';

const sync = { scheduler: 'sync' } as const;
const threads = createThreadsScheduler({ workers: 2 });
const onThreads = { scheduler: threads } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-bag-fusion-'));

afterAll(async () => {
  await threads.close?.();
  rmSync(dir, { recursive: true, force: true });
});

// Element-wise steps that keep a bag of integers, each with its plain-array twin.
interface Step {
  readonly name: string;
  bag(b: Bag<number>): Bag<number>;
  plain(xs: number[]): number[];
}
const STEPS: Step[] = [
  { name: 'map', bag: (b) => b.map((x) => x * 3 - 1), plain: (xs) => xs.map((x) => x * 3 - 1) },
  {
    name: 'filter',
    bag: (b) => b.filter((x) => x % 2 === 0),
    plain: (xs) => xs.filter((x) => x % 2 === 0),
  },
  {
    name: 'remove',
    bag: (b) => b.remove((x) => x % 3 === 0),
    plain: (xs) => xs.filter((x) => x % 3 !== 0),
  },
  {
    name: 'flatten',
    bag: (b) => b.map((x) => [x, -x, x % 5]).flatten(),
    plain: (xs) => xs.flatMap((x) => [x, -x, x % 5]),
  },
  {
    name: 'pluck',
    bag: (b) => b.map((x) => ({ v: x + 1 })).pluck('v'),
    plain: (xs) => xs.map((x) => x + 1),
  },
  {
    name: 'starmap',
    bag: (b) => b.map((x) => [x, 2]).starmap((a: number, k: number) => a * k),
    plain: (xs) => xs.map((x) => x * 2),
  },
  {
    name: 'map with a value',
    bag: (b) => b.map((x, k) => x + k, { args: [7] as const }),
    plain: (xs) => xs.map((x) => x + 7),
  },
];

// Aggregations, each with its plain twin (results normalized for comparison).
interface Agg {
  readonly name: string;
  run(b: Bag<number>, opts: typeof sync | typeof onThreads): Promise<unknown>;
  plain(xs: number[]): unknown;
}
const sortPairs = (ps: [unknown, unknown][]): [unknown, unknown][] =>
  [...ps].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
const sortNums = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const counts = (xs: number[]): [unknown, unknown][] => {
  const m = new Map<number, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return sortPairs([...m]);
};
const AGGS: Agg[] = [
  { name: 'compute', run: (b, o) => b.compute(o), plain: (xs) => xs },
  { name: 'count', run: (b, o) => b.count().compute(o), plain: (xs) => xs.length },
  { name: 'sum', run: (b, o) => b.sum().compute(o), plain: (xs) => xs.reduce((a, x) => a + x, 0) },
  {
    name: 'min',
    run: (b, o) =>
      b
        .min()
        .compute(o)
        .catch(() => 'empty'),
    plain: (xs) => (xs.length ? Math.min(...xs) : 'empty'),
  },
  {
    name: 'max',
    run: (b, o) =>
      b
        .max()
        .compute(o)
        .catch(() => 'empty'),
    plain: (xs) => (xs.length ? Math.max(...xs) : 'empty'),
  },
  { name: 'all', run: (b, o) => b.all().compute(o), plain: (xs) => xs.every(Boolean) },
  { name: 'any', run: (b, o) => b.any().compute(o), plain: (xs) => xs.some(Boolean) },
  {
    name: 'mean',
    run: async (b, o) => round(await b.mean().compute(o)),
    plain: (xs) => round(xs.reduce((a, x) => a + x, 0) / xs.length),
  },
  {
    name: 'var',
    run: async (b, o) => round(await b.var().compute(o)),
    plain: (xs) => {
      const m = xs.reduce((a, x) => a + x, 0) / xs.length;
      return round(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
    },
  },
  {
    name: 'fold',
    run: (b, o) =>
      b.fold((a: number, x) => a + x * x, { initial: 0, combine: (p, q) => p + q }).compute(o),
    plain: (xs) => xs.reduce((a, x) => a + x * x, 0),
  },
  {
    name: 'foldby',
    run: async (b, o) =>
      sortPairs(
        await b
          .foldby(
            (x) => ((x % 4) + 4) % 4,
            (a: number, x) => a + x,
            { initial: 0, combine: (p, q) => p + q },
          )
          .compute(o),
      ),
    plain: (xs) => {
      const m = new Map<number, number>();
      for (const x of xs) m.set(((x % 4) + 4) % 4, (m.get(((x % 4) + 4) % 4) ?? 0) + x);
      return sortPairs([...m]);
    },
  },
  {
    name: 'frequencies',
    run: async (b, o) => sortPairs(await b.frequencies().compute(o)),
    plain: counts,
  },
  {
    name: 'distinct',
    run: async (b, o) => sortNums(await b.distinct().compute(o)),
    plain: (xs) => sortNums([...new Set(xs)]),
  },
  {
    name: 'topk',
    run: (b, o) => b.topk(3).compute(o),
    plain: (xs) => sortNums(xs).reverse().slice(0, 3),
  },
  {
    name: 'reduction',
    run: (b, o) =>
      b
        .reduction(
          (p) => p.length,
          (ns) => ns.reduce((a, n) => a + n, 0),
        )
        .compute(o),
    plain: (xs) => xs.length,
  },
  {
    name: 'groupby',
    run: async (b, o) =>
      sortPairs(await b.groupby((x) => ((x % 3) + 3) % 3, { npartitions: 2 }).compute(o)),
    plain: (xs) => {
      const m = new Map<number, number[]>();
      for (const x of xs) m.set(((x % 3) + 3) % 3, [...(m.get(((x % 3) + 3) % 3) ?? []), x]);
      return sortPairs([...m]);
    },
  },
  {
    name: 'mapPartitions',
    run: (b, o) =>
      b
        .mapPartitions((p) => [p.length])
        .sum()
        .compute(o),
    plain: (xs) => xs.length,
  },
  {
    name: 'accumulate',
    run: (b, o) => b.accumulate((a, x) => a + x, { initial: 0 }).compute(o),
    plain: (xs) => xs.reduce<number[]>((acc, x) => [...acc, acc[acc.length - 1] + x], [0]),
  },
];

/** Compares up to -0 === 0 (a Set or Map normalizes -0, a bag keeps the element it saw first). */
const norm = (x: unknown): unknown => JSON.parse(JSON.stringify(x ?? null)) as unknown;

function round(x: number): number | string {
  return Number.isNaN(x) ? 'NaN' : Math.round(x * 1e6) / 1e6;
}

const chain = fc.array(fc.integer({ min: 0, max: STEPS.length - 1 }), { maxLength: 5 });
const ints = fc.array(fc.integer({ min: -30, max: 30 }), { maxLength: 40 });

describe('fused pipelines match plain arrays', () => {
  for (const agg of AGGS) {
    test(`element-wise chains, then ${agg.name} (sync)`, async () => {
      await fc.assert(
        fc.asyncProperty(ints, fc.integer({ min: 1, max: 6 }), chain, async (xs, n, steps) => {
          let b = fromSequence(xs, { npartitions: n });
          let plain = xs;
          for (const s of steps) {
            b = STEPS[s].bag(b);
            plain = STEPS[s].plain(plain);
          }
          expect(norm(await agg.run(b, sync))).toEqual(norm(agg.plain(plain)));
        }),
        { numRuns: 25 },
      );
    });
  }

  test('element-wise chains, then several aggregations, on threads', async () => {
    await fc.assert(
      fc.asyncProperty(ints, fc.integer({ min: 1, max: 4 }), chain, async (xs, n, steps) => {
        let b = fromSequence(xs, { npartitions: n });
        let plain = xs;
        for (const s of steps) {
          b = STEPS[s].bag(b);
          plain = STEPS[s].plain(plain);
        }
        for (const agg of [AGGS[0], AGGS[2], AGGS[10], AGGS[11], AGGS[13]]) {
          expect(norm(await agg.run(b, onThreads))).toEqual(norm(agg.plain(plain)));
        }
      }),
      { numRuns: 6 },
    );
  });
});

function tasksOf(b: { [daskGraph](): Map<string, GraphNode> }): Task[] {
  return [...b[daskGraph]().values()].filter((n): n is Task => n.kind === 'task');
}

describe('the shape of fused graphs', () => {
  const text = join(dir, 'words.txt');
  writeFileSync(
    text,
    Array.from({ length: 300 }, (_, i) => `w${i % 7} w${i % 3}  w${i % 5}`).join('\n') + '\n',
  );

  test('read, split, flatten, filter and count run as one task per block', async () => {
    const lines = readText(text, { blocksize: 1000, keepDelimiter: false });
    const freq = lines
      .map((l) => l.split(' '))
      .flatten()
      .filter((w) => w !== '')
      .frequencies();
    const g = freq[daskGraph]();
    const parts = [...g.entries()].filter(
      ([, n]) => n.kind === 'task' && n.fn.kind === 'builtin' && n.fn.name === 'bag.pipe',
    );
    expect(parts).toHaveLength(lines.npartitions);
    // No read task, and no key of the intermediate bags.
    expect(
      [...g.keys()].some(
        (k) => k.includes('read-text') || k.includes('"map-') || k.includes('"filter-'),
      ),
    ).toBe(false);
    const expected = new Map<string, number>();
    for (let i = 0; i < 300; i++)
      for (const w of [`w${i % 7}`, `w${i % 3}`, `w${i % 5}`])
        expected.set(w, (expected.get(w) ?? 0) + 1);
    expect(new Map(await freq.compute(sync))).toEqual(expected);
    expect(new Map(await freq.compute(onThreads))).toEqual(expected);
  });

  test('an intermediate read by two consumers is computed once, and fuses with what it reads', async () => {
    const m = fromSequence([1, 2, 3, 4], { npartitions: 2 }).map((x) => x + 1);
    const a = m.filter((x) => x !== 3);
    const s = a.sum();
    const shifted = a.map((x, t) => x * 10 + t, { args: [s] });
    const g = shifted[daskGraph]();
    expect(g.has(a.partitionKey(0))).toBe(true); // materialized once: both consumers read it
    expect(g.has(m.partitionKey(0))).toBe(false); // fused into a
    expect(await shifted.compute(sync)).toEqual([2, 4, 5].map((x) => x * 10 + 11));
    expect(tasksOf(shifted).length).toBe(2 + 2 + 1 + 2); // a, sum parts, sum, shifted
  });

  test('computing a bag and a bag built on it together keeps the first as it is', async () => {
    const a = fromSequence([1, 2, 3], { npartitions: 1 }).map((x) => x * 2);
    const b = a.filter((x) => x > 2);
    expect(await compute(a, b, sync)).toEqual([
      [2, 4, 6],
      [4, 6],
    ]);
    expect(await compute(b, a, sync)).toEqual([
      [4, 6],
      [2, 4, 6],
    ]);
    expect(await compute(a, b.count(), onThreads)).toEqual([[2, 4, 6], 2]);
  });

  test('a long chain of maps builds and runs without deep recursion', async () => {
    let b = fromSequence([0, 1, 2], { npartitions: 2 });
    for (let i = 0; i < 3000; i++) b = b.map((x) => x + 1);
    expect(await b.compute(sync)).toEqual([3000, 3001, 3002]);
    expect(tasksOf(b)).toHaveLength(2);
  });
});

describe('errors in fused pipelines', () => {
  const boom = (b: Bag<number>): Bag<number> =>
    b
      .map((x) => x + 1)
      .filter((x) => {
        if (x === 5) throw new RangeError(`bad element ${x}`);
        return true;
      });

  test('a failing function reports the key of its partition and the original error (sync and threads)', async () => {
    const b = boom(fromSequence([1, 2, 3, 4, 5, 6], { npartitions: 3 }));
    for (const opts of [sync, onThreads]) {
      const err = (await b.compute(opts).catch((e: unknown) => e)) as TaskError;
      expect(err).toBeInstanceOf(TaskError);
      expect(err.key).toBe(b.partitionKey(1));
      expect(err.name).toBe('RangeError');
      expect(err.message).toContain('bad element 5');
      const viaSum = boom(fromSequence([1, 2, 3, 4, 5, 6], { npartitions: 3 })).sum();
      const e2 = (await viaSum.compute(opts).catch((e: unknown) => e)) as TaskError;
      expect(e2).toBeInstanceOf(TaskError);
      expect(e2.key).toMatch(/^\["sum-[0-9a-f]+-part",1\]$/); // partition 1 of the fused sum
      expect(e2.message).toContain('bad element 5');
    }
  });

  test('a bad JSON line streamed into a fused pipeline names the file and line', async () => {
    const p = join(dir, 'bad.jsonl');
    writeFileSync(p, '{"a":1}\n\n{"a":2}\n{"a":3}\n{oops}\n{"a":4}\n');
    await expect(
      readJson<{ a: number }>(p, { blocksize: 16 }).pluck('a').sum().compute(sync),
    ).rejects.toThrow(`Bad JSON in ${p} at line 5`);
    await expect(
      readJson<{ a: number }>(p)
        .filter((r) => r.a > 1)
        .count()
        .compute(onThreads),
    ).rejects.toThrow(`Bad JSON in ${p} at line 5`);
  });
});

describe('file blocks streamed into pipelines', () => {
  test('blocks cut anywhere, long lines, CRLF and blank lines give the lines of the whole file', async () => {
    const long = 'x'.repeat(70_000); // longer than the 64 KiB read past a block's end
    const line = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'é', ' ', '\r'), maxLength: 10 }),
      fc.constant(long),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 12 }),
        fc.boolean(),
        fc.integer({ min: 5_000, max: 90_000 }),
        async (ls, nl, blocksize) => {
          const text = ls.join('\n') + (nl && ls.length > 0 ? '\n' : '');
          const p = join(dir, 'stream.txt');
          writeFileSync(p, text);
          const clean = universalLines(text, false);
          const b = readText(p, { blocksize, keepDelimiter: false });
          expect(await b.map((l) => l.length).compute(sync)).toEqual(clean.map((l) => l.length));
          expect(await b.count().compute(sync)).toBe(clean.length);
          expect(await b.compute(sync)).toEqual(clean);
        },
      ),
      { numRuns: 40 },
    );
  });

  test('JSON lines with includePath, filtered and folded by key, match a plain parse', async () => {
    const recs = Array.from({ length: 500 }, (_, i) => ({
      id: i,
      user: `u${i % 13}`,
      amount: (i * 37) % 100,
    }));
    const p = join(dir, 'recs.jsonl');
    writeFileSync(p, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const want = new Map<string, number>();
    for (const r of recs) if (r.amount > 50) want.set(r.user, (want.get(r.user) ?? 0) + r.amount);
    const got = readJson<(typeof recs)[number]>(p, { blocksize: 2000 })
      .filter((r) => r.amount > 50)
      .foldby('user', (acc: number, r) => acc + r.amount, {
        initial: 0,
        combine: (a, b) => a + b,
        combineInitial: 0,
      });
    expect(new Map(await got.compute(sync))).toEqual(want);
    expect(new Map(await got.compute(onThreads))).toEqual(want);
    const pairs = await readJson<{ id: number }>(p, { includePath: true, blocksize: 5000 })
      .starmap((r: { id: number }, path: string) => `${r.id}@${path}`)
      .compute(sync);
    expect(pairs).toEqual(recs.map((r) => `${r.id}@${p}`));
  });
});
