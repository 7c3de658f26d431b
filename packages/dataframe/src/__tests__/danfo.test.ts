// danfojs interop: fromDanfo / toDanfo / compute({ as: 'danfo' }) round trips over every dtype with
// nulls and several partitionings, mapPartitions({ as: 'danfo' }) on sync and on worker threads
// compared with the same computation in our own API, the errors naming the culprit column, and
// the error when danfo cannot be loaded (simulated through the loader seam, not by uninstalling).
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import * as dfd from 'danfojs-node';
import { col, fromColumns, fromDanfo, toDanfo, type DanfoFrame } from '../index.js';
import { setDanfoLoader } from '../danfo-load.js';
import { plain } from './reference.js';

const sync = { scheduler: 'sync' } as const;
const threads = createThreadsScheduler({ workers: 2 });

afterAll(async () => {
  await threads.close?.();
});

afterEach(() => setDanfoLoader(undefined));

const values = (d: DanfoFrame, name: string): unknown[] =>
  Array.from(d.column(name).values as ArrayLike<unknown>);

const day = (n: number): Date => new Date(n * 86400000);

/** Nine rows of every kind, with nulls (and a NaN) in each column. */
function danfoSample(): dfd.DataFrame {
  return new dfd.DataFrame(
    {
      f: [1.5, null, NaN, -2.25, 0, 3, undefined, 7.5, 1e300],
      i: [1, 2, 3, -4, 5, 6, 7, 8, 2147483647],
      s: ['a', null, 'ccc', 'é ü', '', 'a', 'b', null, 'z'],
      b: [true, false, null, true, true, false, null, false, true],
      t: [day(0), day(1), null, day(19000), day(2), day(3), day(4), null, day(-1)],
    },
    { dtypes: ['float32', 'int32', 'string', 'boolean', 'datetime'] },
  );
}

const want = {
  f: [1.5, null, NaN, -2.25, 0, 3, null, 7.5, 1e300],
  i: [1, 2, 3, -4, 5, 6, 7, 8, 2147483647],
  s: ['a', null, 'ccc', 'é ü', '', 'a', 'b', null, 'z'],
  b: [true, false, null, true, true, false, null, false, true],
  t: [0, 1, null, 19000, 2, 3, 4, null, -1].map((d) => (d === null ? null : d * 86400000)),
};

describe('fromDanfo', () => {
  test.each([[{}], [{ npartitions: 3 }], [{ npartitions: 9 }], [{ chunksize: 4 }]])(
    'keeps every dtype and null (%j)',
    async (options) => {
      const df = fromDanfo(danfoSample(), options);
      expect(df.dtypes).toEqual({
        f: 'float64',
        i: 'int32',
        s: 'utf8',
        b: 'bool',
        t: 'timestamp',
      });
      const parts =
        'chunksize' in options ? 3 : ((options as { npartitions?: number }).npartitions ?? 1);
      expect(df.npartitions).toBe(parts);
      const got = plain(await df.compute(sync));
      expect(got).toEqual({ ...want, t: want.t.map((ms) => (ms === null ? null : ms)) });
    },
  );

  test('lets the values decide where danfo inferred float32 or int32', async () => {
    // danfo infers 'float32' for booleans or integers with a null, 'int32' for digit strings.
    const d = new dfd.DataFrame({
      b: [true, null, false],
      n: [1, null, 3],
      z: ['01', '02', '10'],
      big: [3e10, 1, 2],
      none: [null, null, null],
    });
    const df = fromDanfo(d);
    expect(df.dtypes).toEqual({
      b: 'bool',
      n: 'float64',
      z: 'utf8',
      big: 'float64',
      none: 'float64',
    });
    expect(plain(await df.compute(sync))).toEqual({
      b: [true, null, false],
      n: [1, null, 3],
      z: ['01', '02', '10'],
      big: [3e10, 1, 2],
      none: [null, null, null],
    });
  });

  test('names the column it cannot represent', () => {
    // danfo's column() hands objects out as JSON text; a frame-like object may hold them.
    const objects: DanfoFrame = {
      columns: ['ok', 'bad'],
      dtypes: ['int32', 'string'],
      shape: [2, 2],
      column: (name) => ({ values: name === 'ok' ? [1, 2] : [null, { x: 1 }] }),
    };
    expect(() => fromDanfo(objects)).toThrow(/danfo column 'bad' holds object values \(row 1\)/);
    const mixed = new dfd.DataFrame({ m: ['a', 1, 'b'] }, { dtypes: ['string'] });
    expect(() => fromDanfo(mixed)).toThrow(/danfo column 'm' mixes string \(row 0\) and number/);
    expect(() => fromDanfo({} as DanfoFrame)).toThrow(/fromDanfo expects a danfo DataFrame/);
    expect(() => fromDanfo(danfoSample(), { chunksize: 0 })).toThrow(/chunksize must be/);
    expect(() => fromDanfo(danfoSample(), { npartitions: 0 })).toThrow(
      /fromDanfo: npartitions must be a positive integer, got 0/,
    );
  });

  test('an empty danfo frame is an empty dataframe', async () => {
    const d = new dfd.DataFrame([], { columns: ['a', 's'], dtypes: ['float32', 'string'] });
    const df = fromDanfo(d);
    expect(df.dtypes).toEqual({ a: 'float64', s: 'utf8' });
    expect((await df.compute(sync)).numRows).toBe(0);
  });
});

describe('toDanfo and compute({ as: "danfo" })', () => {
  test.each([1, 4])('round trip through danfo and back (%i partitions)', async (k) => {
    const df = fromDanfo(danfoSample(), { npartitions: k });
    const d = await toDanfo<dfd.DataFrame>(df, sync);
    expect(d).toBeInstanceOf(dfd.DataFrame);
    expect(d.columns).toEqual(['f', 'i', 's', 'b', 't']);
    expect(d.dtypes).toEqual(['float32', 'int32', 'string', 'boolean', 'datetime']);
    // Number nulls become NaN (danfo's and pandas' missing number); others stay null.
    expect(values(d, 'f')).toEqual([1.5, NaN, NaN, -2.25, 0, 3, NaN, 7.5, 1e300]);
    expect(values(d, 's')).toEqual(want.s);
    expect(values(d, 'b')).toEqual(want.b);
    expect(values(d, 't').map((x) => (x === null ? null : (x as Date).getTime()))).toEqual(want.t);
    // danfo's own arithmetic sees the missing values.
    expect(d.column('f').isNa().values).toEqual(want.f.map((x) => x === null || Number.isNaN(x)));
    const back = plain(await fromDanfo(d, { npartitions: k }).compute(sync));
    expect(back).toEqual({ ...want, f: want.f.map((x) => (x === null ? NaN : x)) });
  });

  test('ours -> danfo: int32 with nulls, date32 and category', async () => {
    const df = fromColumns(
      {
        n: [1, null, 3],
        d: ['2024-03-01', null, '1969-12-31'],
        c: ['x', 'y', null],
        w: Int32Array.from([4, 5, 6]),
      },
      { npartitions: 2 },
    ).astype({ n: 'int32', d: 'date32', c: 'category' });
    const d = await df.compute({ ...sync, as: 'danfo' });
    expect(d.dtypes).toEqual(['float32', 'datetime', 'string', 'int32']);
    expect(values(d, 'n')).toEqual([1, NaN, 3]);
    expect(values(d, 'd').map((x) => (x as Date | null)?.toISOString() ?? null)).toEqual([
      '2024-03-01T00:00:00.000Z',
      null,
      '1969-12-31T00:00:00.000Z',
    ]);
    expect(values(d, 'c')).toEqual(['x', 'y', null]);
    expect(values(d, 'w')).toEqual([4, 5, 6]);
  });

  test('compute({ as: "danfo" }) answers as our own API does', async () => {
    const n = 500;
    const k = Array.from({ length: n }, (_, i) => `k${i % 7}`);
    const x = Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : i / 4));
    const df = fromColumns({ k, x }, { npartitions: 3 });
    const q = df.filter(col('x').gt(10)).groupby('k').agg({ x: 'sum' });
    const arrow = plain(await q.compute(sync));
    const d = await q.compute({ ...sync, as: 'danfo' });
    expect(values(d, 'k')).toEqual(arrow.k);
    expect(values(d, 'x')).toEqual(arrow.x);
    // ... and danfo's groupby over the same rows agrees.
    const viaDanfo = await toDanfo<dfd.DataFrame>(df.filter(col('x').gt(10)), sync);
    const g = viaDanfo.groupby(['k']).agg({ x: 'sum' }).sortValues('k');
    expect(values(g, 'x_sum')).toEqual(arrow.x);
  });
});

/** Adds y = 2x and keeps the rows where x > 10: self-contained, so it runs on threads. */
const double = (d: dfd.DataFrame): dfd.DataFrame => {
  const out = d.addColumn('y', d.column('x').mul(2)) as unknown as dfd.DataFrame;
  return out.query(out.column('x').gt(10)) as unknown as dfd.DataFrame;
};

describe('mapPartitions({ as: "danfo" })', () => {
  const n = 2000;
  const k = Array.from({ length: n }, (_, i) => `k${i % 5}`);
  const x = Array.from({ length: n }, (_, i) => (i % 13) * 1.5);
  const ours = (parts: number) =>
    fromColumns({ k, x }, { npartitions: parts })
      .filter(col('x').gt(10))
      .assign({ y: col('x').mul(2) });

  test.each([1, 3])('on sync, meta inferred, equals our API (%i partitions)', async (parts) => {
    const df = fromColumns({ k, x }, { npartitions: parts });
    const mapped = df.mapPartitions(double, { as: 'danfo' });
    expect(mapped.dtypes).toEqual({ k: 'utf8', x: 'float64', y: 'float64' });
    expect(plain(await mapped.compute(sync))).toEqual(plain(await ours(parts).compute(sync)));
  });

  test('on worker threads, with meta, equals our API', async () => {
    const df = fromColumns({ k, x }, { npartitions: 4 });
    const mapped = df.mapPartitions(double, {
      as: 'danfo',
      meta: { k: 'utf8', x: 'float64', y: 'float64' },
    });
    const got = plain(await mapped.compute({ scheduler: threads }));
    expect(got).toEqual(plain(await ours(4).compute(sync)));
  });

  test('a function may return an Arrow table or columns; a mismatch names the column', async () => {
    const df = fromColumns({ k, x }, { npartitions: 2 });
    const counts = df.mapPartitions((d: dfd.DataFrame) => ({ rows: [d.shape[0]] }), {
      as: 'danfo',
    });
    expect(plain(await counts.compute(sync))).toEqual({ rows: [1000, 1000] });
    const wrong = df.mapPartitions((d: dfd.DataFrame) => d, {
      as: 'danfo',
      meta: { k: 'utf8', z: 'float64' },
    });
    await expect(wrong.compute(sync)).rejects.toThrow(/missing 'z'; unexpected 'x'/);
  });
});

describe('without danfo', () => {
  const notFound = (specifier: string): never => {
    throw Object.assign(new Error(`Cannot find package '${specifier}'`), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
  };
  const absent = { import: async (s: string) => notFound(s), require: notFound };

  test('danfo functions say which package to install; the rest still works', async () => {
    setDanfoLoader(absent);
    const df = fromColumns({ a: [1, 2, 3] });
    await expect(toDanfo(df, sync)).rejects.toThrow(
      /toDanfo needs danfojs.*'danfojs-node' nor 'danfojs'.*npm install danfojs-node/,
    );
    await expect(df.compute({ ...sync, as: 'danfo' })).rejects.toThrow(/danfojs-node/);
    expect(() => df.mapPartitions((d: DanfoFrame) => d, { as: 'danfo' })).toThrow(
      /needs danfojs.*pass \{ meta/,
    );
    const mapped = df.mapPartitions((d: DanfoFrame) => d, { as: 'danfo', meta: { a: 'float64' } });
    await expect(mapped.compute(sync)).rejects.toThrow(/as: 'danfo' \}\) needs danfojs/);
    // fromDanfo reads the frame it is given, and our own API needs no danfo.
    expect(plain(await fromDanfo(new dfd.DataFrame({ a: [1, 2] })).compute(sync))).toEqual({
      a: [1, 2],
    });
    expect(plain(await df.compute(sync))).toEqual({ a: [1, 2, 3] });
  });

  test('a danfo that fails to load is reported as such', async () => {
    setDanfoLoader({
      import: async () => {
        throw new Error('tfjs exploded');
      },
      require: () => ({}),
    });
    await expect(toDanfo(fromColumns({ a: [1] }), sync)).rejects.toThrow(
      /'danfojs-node' is installed but failed to load: tfjs exploded/,
    );
  });
});
