// A representative pipeline on the `threads` scheduler (2 workers): lambdas travel as source
// functions, a closure is refused with the variable named, module functions are imported by the
// workers, files are read in the workers, and a failing function reports its partition's key.
// Needs the built dist of protocol, graph, worker, scheduler and bag (workers run plain Node).
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionRefError, TaskError } from '@dask-ts/protocol';
import { delayed, moduleRef } from '@dask-ts/graph';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { fromDelayed, fromSequence, range, readJson, readText } from '../index.js';

const threads = createThreadsScheduler({ workers: 2 });
const opts = { scheduler: threads } as const;
const fixtures = new URL('./fixtures/fns.mjs', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-bag-threads-'));

afterAll(async () => {
  await threads.close?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('bag on threads', () => {
  test('a word-count pipeline over files gives the in-memory result', async () => {
    const words = ['apple', 'pear', 'fig', 'kiwi', 'plum'];
    const texts = [0, 1, 2].map((f) =>
      Array.from({ length: 200 }, (_, i) => `${words[(i * 7 + f) % 5]} ${words[(i + f) % 5]}`).join(
        '\n',
      ),
    );
    texts.forEach((t, f) => writeFileSync(join(dir, `t${f}.txt`), t + '\n'));
    const expected = new Map<string, number>();
    for (const t of texts)
      for (const w of t.split(/\s+/)) if (w) expected.set(w, (expected.get(w) ?? 0) + 1);
    const freq = readText(join(dir, 't*.txt'), { blocksize: 1000, keepDelimiter: false })
      .map((line) => line.split(' '))
      .flatten()
      .frequencies({ sort: true });
    const got = await freq.compute(opts);
    expect(new Map(got)).toEqual(expected);
    expect(got.map((e) => e[1])).toEqual([...expected.values()].sort((a, b) => b - a));
  });

  test('standard native functions travel by name: map(JSON.parse), map(Math.sqrt), map(String)', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ name: `n${i % 4}`, v: i }));
    writeFileSync(join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    // Dask's read_text(...).map(json.loads): the most common first line of a bag pipeline.
    const parsed = readText(join(dir, 'rows.jsonl'), { blocksize: 2000 }).map(JSON.parse);
    const names = await parsed.pluck('name').frequencies({ sort: true }).compute(opts);
    expect(names).toEqual([
      ['n0', 75],
      ['n1', 75],
      ['n2', 75],
      ['n3', 75],
    ]);
    const b = fromSequence([1, 4, 9, 16], { npartitions: 2 });
    expect(await b.map(Math.sqrt).map(String).compute(opts)).toEqual(['1', '2', '3', '4']);
  });

  test('lambdas, scope, filters and aggregations', async () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const b = fromSequence(xs, { npartitions: 7 });
    const k = 3;
    const r = b.map((x) => x * k, { scope: { k } }).filter((x) => x % 2 === 0);
    expect(await r.compute(opts)).toEqual(xs.map((x) => x * 3).filter((x) => x % 2 === 0));
    expect(await r.sum().compute(opts)).toBe(
      xs
        .map((x) => x * 3)
        .filter((x) => x % 2 === 0)
        .reduce((a, x) => a + x, 0),
    );
    expect(await b.mean().compute(opts)).toBeCloseTo(499.5, 9);
    const groups = await b.groupby((x) => x % 3, { npartitions: 3 }).compute(opts);
    expect(new Map(groups).get(1)).toEqual(xs.filter((x) => x % 3 === 1));
    expect(
      await b
        .foldby(
          (x) => x % 2,
          (a: number, x) => a + x,
          { initial: 0, combine: (p, q) => p + q },
        )
        .compute(opts),
    ).toHaveLength(2);
  });

  test('a closure is refused before anything runs, naming the variable and the fix', async () => {
    const factor = 3;
    const b = fromSequence([1, 2, 3], { npartitions: 2 }).map((x) => x * factor);
    const err = await b.compute(opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FunctionRefError);
    expect((err as Error).message).toMatch(/uses the outer variable 'factor'/);
    expect((err as Error).message).toMatch(/bag\.map\(fn, \{ scope: \{ factor \} \}\)/);
    // The same closure runs in-thread.
    expect(await b.compute({ scheduler: 'sync' })).toEqual([3, 6, 9]);
  });

  test('module functions are imported by the workers', async () => {
    const b = range(100, { npartitions: 4 });
    const got = await b
      .map(moduleRef(fixtures, 'double'))
      .filter(moduleRef(fixtures, 'isEven'))
      .fold(moduleRef(fixtures, 'add'), { initial: 0 })
      .compute(opts);
    expect(got).toBe(2 * 4950);
  });

  test('a failing function reports the partition key and the original error', async () => {
    const b = fromSequence([1, 2, 3, 4, 5, 6], { npartitions: 3 }).map((x) => {
      if (x === 5) throw new RangeError(`bad element ${x}`);
      return x;
    });
    const err = await b.compute(opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    const te = err as TaskError;
    expect(te.key).toBe(b.partitionKey(2));
    expect(te.key).toMatch(/^\["map-[0-9a-f]+",2\]$/);
    expect(te.name).toBe('RangeError');
    expect(te.message).toContain('bad element 5');
    expect(te.stack).toContain('bad element 5');
  });

  test('a bad JSON line on a worker names the path and line', async () => {
    const p = join(dir, 'bad.jsonl');
    writeFileSync(p, '{"a":1}\n{"a":2}\n{oops}\n');
    await expect(readJson(p).compute(opts)).rejects.toThrow(`Bad JSON in ${p} at line 3`);
  });

  test('Delayed values in and out', async () => {
    const load = delayed((i: number) => [i, i + 1, i + 2]);
    const b = fromDelayed([load(0), load(10)]);
    expect(await b.map((x) => x * 2).compute(opts)).toEqual([0, 2, 4, 20, 22, 24]);
    const parts = b.toDelayed();
    expect(await parts[1].compute(opts)).toEqual([10, 11, 12]);
    const total = delayed((p: number[], q: number[]) => p.length + q.length)(parts[0], parts[1]);
    expect(await total.compute(opts)).toBe(6);
    const persisted = await b.persist(opts);
    expect(await persisted.count().compute(opts)).toBe(6);
  });
});
