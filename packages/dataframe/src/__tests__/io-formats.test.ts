// Arrow IPC and JSON readers and writers, toRecords, toDelayed / fromDelayed and the file-system
// layer's globs, on the sync scheduler, against plain in-memory references.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@dask-ts/scheduler';
import { delayed } from '@dask-ts/graph';
import {
  Dictionary,
  Int32,
  Int64,
  Table,
  Utf8,
  makeVector,
  tableFromArrays,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import { col, fromColumns, fromDelayed, readArrowIpc, readJson, readParquet } from '../index.js';
import { pick, plain, rowsWhere, sample, type Plain } from './reference.js';

const sync = { scheduler: 'sync' } as const;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function frame(p: Plain, npartitions: number) {
  return fromColumns(
    {
      a: p.a as (number | null)[],
      b: Int32Array.from(p.b as number[]),
      k: p.k as string[],
      s: p.s as string[],
      f: (p.b as number[]).map((b) => (b % 3 === 0 ? null : b > 50)),
    },
    { npartitions },
  );
}
const withF = (p: Plain): Plain => ({
  ...p,
  f: (p.b as number[]).map((b) => (b % 3 === 0 ? null : b > 50)),
});

describe('Arrow IPC', () => {
  test.each(['file', 'stream'] as const)('a round trip in the %s format', async (format) => {
    const p = sample(500, 21);
    const out = join(dir, `ipc-${format}`);
    const paths = await frame(p, 3).toArrowIpc(out, { format, ...sync });
    expect(paths).toHaveLength(3);
    const df = readArrowIpc(out);
    expect(df.npartitions).toBe(3);
    expect(df.dtypes).toEqual({ a: 'float64', b: 'int32', k: 'utf8', s: 'utf8', f: 'bool' });
    expect(plain(await df.compute(sync))).toEqual(withF(p));
    // Projection pushdown and a filter, against the reference.
    const q = readArrowIpc(`${out}/part.*`).filter(col('b').lt(30)).select(['k']);
    expect(q.explain()).toMatch(/readIpc\[3 partitions\] columns=b, k \|/);
    const rows = rowsWhere(500, (i) => (p.b[i] as number) < 30);
    expect(plain(await q.compute(sync))).toEqual({ k: pick(p, rows).k });
  });

  test('files from other writers: int64, dictionary and large strings', async () => {
    const t = new Table({
      n: makeVector(BigInt64Array.from([1n, 2n, 3n])),
      d: vectorFromArray(['x', null, 'x'], new Dictionary(new Utf8(), new Int32())),
    });
    writeFileSync(join(dir, 'other.arrow'), tableToIPC(t, 'file'));
    const df = readArrowIpc(join(dir, 'other.arrow'));
    expect(df.dtypes).toEqual({ n: 'float64', d: 'utf8' });
    expect(plain(await df.compute(sync))).toEqual({ n: [1, 2, 3], d: ['x', null, 'x'] });
    expect(new Int64().bitWidth).toBe(64);
  });

  test('bad input names the file or the column', () => {
    writeFileSync(join(dir, 'junk.arrow'), 'no arrow here');
    expect(() => readArrowIpc(join(dir, 'junk.arrow'))).toThrow(/junk\.arrow/);
    expect(() => readArrowIpc(join(dir, 'none.arrow'))).toThrow(/none\.arrow/);
    writeFileSync(join(dir, 'one.arrows'), tableToIPC(tableFromArrays({ a: [1, 2] }), 'stream'));
    expect(() => readArrowIpc(join(dir, 'one.arrows'), { columns: ['b'] })).toThrow(
      /unknown column 'b'.*'a'/,
    );
  });
});

describe('JSON', () => {
  test.each([
    [300, 1 << 20],
    [1000, 2048],
  ])('%i records in blocks of %i bytes round trip', async (n, blocksize) => {
    const p = sample(n, n);
    const out = join(dir, `json-${n}`);
    await frame(p, 2).toJson(out, sync);
    const df = readJson(`${out}/*.json`, { blocksize });
    if (blocksize < 4096) expect(df.npartitions).toBeGreaterThan(4);
    expect(df.dtypes).toEqual({ a: 'float64', b: 'int32', k: 'utf8', s: 'utf8', f: 'bool' });
    expect(plain(await df.compute(sync))).toEqual(withF(p));
    const q = df.filter(col('k').eq('x')).select(['a']);
    expect(q.explain()).toMatch(/readJson\[\d+ partitions\] columns=a, k \|/);
    const rows = rowsWhere(n, (i) => p.k[i] === 'x');
    expect(plain(await q.compute(sync))).toEqual({ a: pick(p, rows).a });
  });

  test('inference, dtype overrides, arrays of objects and errors', async () => {
    const path = join(dir, 'mixed.jsonl');
    writeFileSync(
      path,
      [
        '{"i": 1, "x": 1.5, "t": true, "s": "a", "m": 1, "o": {"q": 1}}',
        '',
        '{"i": 2, "x": 2, "t": false, "s": null, "m": "b"}',
        '{"i": null, "x": null, "s": "c", "m": null, "o": [1]}',
      ].join('\n'),
    );
    const df = readJson(path);
    expect(df.dtypes).toEqual({
      i: 'int32',
      x: 'float64',
      t: 'bool',
      s: 'utf8',
      m: 'utf8',
      o: 'utf8',
    });
    expect(plain(await df.compute(sync))).toEqual({
      i: [1, 2, null],
      x: [1.5, 2, null],
      t: [true, false, null],
      s: ['a', null, 'c'],
      m: ['1', 'b', null],
      o: ['{"q":1}', null, '[1]'],
    });
    const typed = readJson(path, { dtype: { i: 'float64' }, columns: ['s', 'i'] });
    expect(typed.dtypes).toEqual({ s: 'utf8', i: 'float64' });
    expect(plain(await typed.compute(sync))).toEqual({ s: ['a', null, 'c'], i: [1, 2, null] });
    const arr = join(dir, 'array.json');
    writeFileSync(arr, JSON.stringify([{ a: 1, b: 'x' }, { a: 2 }]));
    expect(plain(await readJson(arr, { lines: false }).compute(sync))).toEqual({
      a: [1, 2],
      b: ['x', null],
    });
    expect(() => readJson(path, { dtype: { zz: 'utf8' } })).toThrow(/unknown column 'zz'.*'i'/);
    const late = join(dir, 'late.jsonl');
    writeFileSync(late, '{"a": 1}\n'.repeat(8000) + '{"a": 2.5}\n');
    await expect(readJson(late).compute(sync)).rejects.toThrow(
      /late\.jsonl.*column 'a' is int32 but line 8001 holds 2\.5/,
    );
    writeFileSync(join(dir, 'broken.jsonl'), '{"a": 1}\n{"a": \n');
    expect(() => readJson(join(dir, 'broken.jsonl'))).toThrow(
      /broken\.jsonl.*line 2.*not valid JSON/,
    );
  });
});

describe('records and Delayed values', () => {
  test('toRecords gives plain objects with nulls', async () => {
    const df = fromColumns(
      { a: [1, null, 3], k: ['x', 'y', null], t: [true, false, null] },
      { npartitions: 2 },
    );
    expect(await df.toRecords(sync)).toEqual([
      { a: 1, k: 'x', t: true },
      { a: null, k: 'y', t: false },
      { a: 3, k: null, t: null },
    ]);
  });

  test('toDelayed gives one Delayed per partition; fromDelayed builds a dataframe back', async () => {
    const p = sample(300, 5);
    const df = frame(p, 3).filter(col('b').ge(10));
    const parts = df.toDelayed();
    expect(parts).toHaveLength(3);
    const rows = rowsWhere(300, (i) => (p.b[i] as number) >= 10);
    const counts = await Promise.all(
      parts.map((d) => delayed((t: Table) => t.numRows)(d).compute(sync)),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(rows.length);
    const back = fromDelayed(parts, { schema: df.schema });
    expect(back.npartitions).toBe(3);
    expect(plain(await back.compute(sync))).toEqual(pick(withF(p), rows));
    // From tables made by delayed functions, with the schema taken from an Arrow table.
    const load = delayed((i: number) => tableFromArrays({ v: Float64Array.from([i, i + 1]) }));
    const meta = tableFromArrays({ v: new Float64Array(0) });
    const made = fromDelayed([load(0), load(10)], { meta });
    expect(plain(await made.assign({ w: col('v').mul(2) }).compute(sync))).toEqual({
      v: [0, 1, 10, 11],
      w: [0, 2, 20, 22],
    });
    const wrong = fromDelayed([load(0)], { schema: [['u', 'float64']] });
    await expect(wrong.compute(sync)).rejects.toThrow(/partition 0.*no column 'u'/);
    expect(() => fromDelayed([1 as never], { meta })).toThrow(/element 0 is not a Delayed/);
    expect(() => fromDelayed([load(0)], {} as never)).toThrow(/schema/);
  });
});

describe('file-system layer', () => {
  test('globs over directories, ** and lists; hidden files skipped', async () => {
    const root = join(dir, 'tree');
    for (const d of ['a', 'b/c']) mkdirSync(join(root, d), { recursive: true });
    const df = fromColumns({ x: [1, 2] });
    for (const d of ['a', 'b/c']) await df.toParquet(join(root, d), sync);
    writeFileSync(join(root, 'a', '_SUCCESS'), '');
    expect(readParquet(`${root}/**/*.parquet`).npartitions).toBe(2);
    expect(readParquet(`${root}/*/part.0.parquet`).npartitions).toBe(1);
    expect(readParquet(root).npartitions).toBe(2);
    expect(readParquet([join(root, 'a'), join(root, 'b/c/part.0.parquet')]).npartitions).toBe(2);
    expect(() => readParquet([])).toThrow(/non-empty list/);
  });
});
