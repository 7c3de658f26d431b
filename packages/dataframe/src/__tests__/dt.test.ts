// Dates and timestamps on the sync scheduler: the dt accessor, comparisons with strings and Date
// values (expressions and query), astype, groupby min / max, readCsv (parseDates and dtype),
// readJson and Parquet, each checked against the same operation on plain arrays through JS `Date`
// (UTC), with nulls, over several partitionings.
import { afterAll, describe, expect, test } from '@jest/globals';
import '@dask-ts/scheduler';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeData, makeVector, Table, TimestampMicrosecond, tableToIPC } from 'apache-arrow';
import * as pw from 'parquet-wasm/node';
import { col, fromColumns, readCsv, readJson, readParquet } from '../index.js';
import { plain, rng } from './reference.js';

const sync = { scheduler: 'sync' } as const;
const DAY = 86400000;
const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-dt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shapes: [number, number][] = [
  [1, 1],
  [9, 3],
  [400, 4],
];

/** Timestamps (ms, some before 1970 and some with milliseconds) and dates (days), with nulls. */
function sample(n: number, seed: number): { t: (number | null)[]; d: (number | null)[] } {
  const r = rng(seed);
  const t: (number | null)[] = [];
  const d: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    t.push(r() < 0.1 ? null : Math.floor((r() - 0.2) * 2e12));
    d.push(r() < 0.1 ? null : Math.floor((r() - 0.3) * 40000));
  }
  return { t, d };
}

/** The frame: t (timestamp), d (date32), i (row number). */
function dt0(p: { t: (number | null)[]; d: (number | null)[] }, k: number) {
  return fromColumns(
    { t: p.t.map((x) => (x === null ? null : new Date(x))), d: p.d, i: p.t.map((_, i) => i) },
    { npartitions: k },
  ).assign({ d: col('d').astype('date32') });
}

const fields = (ms: number) => {
  const x = new Date(ms);
  const start = Date.UTC(x.getUTCFullYear(), 0, 1);
  return {
    year: x.getUTCFullYear(),
    month: x.getUTCMonth() + 1,
    day: x.getUTCDate(),
    hour: x.getUTCHours(),
    minute: x.getUTCMinutes(),
    second: x.getUTCSeconds(),
    quarter: Math.floor(x.getUTCMonth() / 3) + 1,
    dayofweek: (x.getUTCDay() + 6) % 7,
    dayofyear:
      Math.floor((Date.UTC(x.getUTCFullYear(), x.getUTCMonth(), x.getUTCDate()) - start) / DAY) + 1,
  };
};
const NAMES = [
  'year',
  'month',
  'day',
  'hour',
  'minute',
  'second',
  'quarter',
  'dayofweek',
  'dayofyear',
] as const;

describe('the dt accessor', () => {
  test.each(shapes)('fields of timestamps and dates (%i rows, %i parts)', async (n, k) => {
    const p = sample(n, n);
    const df = dt0(p, k);
    expect(df.dtypes).toMatchObject({ t: 'timestamp', d: 'date32' });
    const exprs: Record<string, ReturnType<typeof col>> = {};
    for (const f of NAMES) {
      exprs[`t_${f}`] = col('t').dt[f]();
      exprs[`d_${f}`] = col('d').dt[f]();
    }
    const out = df.assign(exprs);
    expect(out.dtypes.t_year).toBe('int32');
    const got = plain(await out.compute(sync));
    for (const f of NAMES) {
      expect(got[`t_${f}`]).toEqual(p.t.map((x) => (x === null ? null : fields(x)[f])));
      expect(got[`d_${f}`]).toEqual(p.d.map((x) => (x === null ? null : fields(x * DAY)[f])));
    }
    // Arrow reads timestamps and dates back as milliseconds.
    expect(got.t).toEqual(p.t);
    expect(got.d).toEqual(p.d.map((x) => (x === null ? null : x * DAY)));
  });

  test.each(shapes)('floor, normalize and date (%i rows, %i parts)', async (n, k) => {
    const p = sample(n, n + 1);
    const got = plain(
      await dt0(p, k)
        .assign({
          q: col('t').dt.floor('15min'),
          h: col('t').dt.floor('6h'),
          s: df2s(),
          day: col('t').dt.normalize(),
          date: col('t').dt.date(),
          week: col('d').dt.floor('7D'),
          dd: col('d').dt.floor('h'),
        })
        .compute(sync),
    );
    const fl = (x: number | null, u: number) => (x === null ? null : Math.floor(x / u) * u);
    expect(got.q).toEqual(p.t.map((x) => fl(x, 900000)));
    expect(got.h).toEqual(p.t.map((x) => fl(x, 6 * 3600000)));
    expect(got.s).toEqual(p.t.map((x) => fl(x, 1000)));
    expect(got.day).toEqual(p.t.map((x) => fl(x, DAY)));
    expect(got.date).toEqual(p.t.map((x) => fl(x, DAY)));
    expect(got.week).toEqual(p.d.map((x) => (x === null ? null : Math.floor(x / 7) * 7 * DAY)));
    expect(got.dd).toEqual(p.d.map((x) => (x === null ? null : x * DAY)));
  });

  test('a Series has the accessor too, and mistakes are errors when built', () => {
    const df = dt0(sample(5, 1), 1);
    expect(df.col('t').dt.month().dtype).toBe('int32');
    expect(df.col('d').dt.floor('D').dtype).toBe('date32');
    expect(() => df.assign({ x: col('i').dt.year() })).toThrow(
      /dt.year needs a date32 or timestamp operand, got column 'i'/,
    );
    expect(() => col('t').dt.floor('M')).toThrow(/unsupported frequency 'M'/);
    expect(() => df.filter(col('t').gt('yesterday'))).toThrow(
      /"yesterday" is not an ISO 8601 date/,
    );
    expect(() => df.filter(col('t').gt(col('i')))).toThrow(/type mismatch/);
  });
});

const df2s = () => col('t').dt.floor('s');

describe('comparing dates', () => {
  test.each(shapes)(
    'with strings, Date values and each other (%i rows, %i parts)',
    async (n, k) => {
      const p = sample(n, n + 2);
      const df = dt0(p, k);
      const cut = Date.UTC(2001, 5, 15, 12, 30);
      const rows = async (e: ReturnType<typeof col>) =>
        plain(await df.filter(e).select(['i']).compute(sync)).i;
      const want = (pred: (t: number | null, d: number | null) => boolean) =>
        p.t.map((_, i) => i).filter((i) => pred(p.t[i], p.d[i]));
      expect(await rows(col('t').ge('2001-06-15T12:30:00Z'))).toEqual(
        want((t) => t !== null && t >= cut),
      );
      expect(await rows(col('t').lt(new Date(cut)))).toEqual(want((t) => t !== null && t < cut));
      expect(await rows(col('d').eq('1990-03-04'))).toEqual(
        want((_, d) => d === Date.UTC(1990, 2, 4) / DAY),
      );
      expect(await rows(col('d').between('1980-01-01', '1999-12-31'))).toEqual(
        want(
          (_, d) =>
            d !== null && d >= Date.UTC(1980, 0, 1) / DAY && d <= Date.UTC(1999, 11, 31) / DAY,
        ),
      );
      expect(await rows(col('t').gt(col('d')))).toEqual(
        want((t, d) => t !== null && d !== null && t > d * DAY),
      );
      const q = plain(
        await df
          .query('d >= "1975-01-01" and t < "1990-01-01 00:00:00"')
          .select(['i'])
          .compute(sync),
      ).i;
      expect(q).toEqual(
        want(
          (t, d) =>
            d !== null && t !== null && d >= Date.UTC(1975, 0, 1) / DAY && t < Date.UTC(1990, 0, 1),
        ),
      );
    },
  );

  test('astype to and from text, and between dates and timestamps', async () => {
    const df = fromColumns(
      {
        s: ['2024-02-29', '2024-03-01 10:20:30.5', 'not a date', null, '1969-12-31T23:00:00-02:00'],
      },
      { npartitions: 2 },
    );
    const got = plain(
      await df
        .assign({ t: col('s').astype('timestamp'), d: col('s').astype('date32') })
        .assign({
          back: col('t').astype('utf8'),
          dback: col('d').astype('utf8'),
          dt: col('d').astype('timestamp'),
        })
        .compute(sync),
    );
    const t = [
      Date.UTC(2024, 1, 29),
      Date.UTC(2024, 2, 1, 10, 20, 30, 500),
      null,
      null,
      Date.UTC(1970, 0, 1, 1),
    ];
    expect(got.t).toEqual(t);
    expect(got.d).toEqual(t.map((x) => (x === null ? null : Math.floor(x / DAY) * DAY)));
    expect(got.back).toEqual([
      '2024-02-29 00:00:00',
      '2024-03-01 10:20:30.500',
      null,
      null,
      '1970-01-01 01:00:00',
    ]);
    expect(got.dback).toEqual(['2024-02-29', '2024-03-01', null, null, '1970-01-01']);
    expect(got.dt).toEqual(got.d);
  });

  test.each(shapes)(
    'groupby a year: min, max, first of timestamps (%i rows, %i parts)',
    async (n, k) => {
      const p = sample(n, n + 3);
      const out = dt0(p, k)
        .assign({ y: col('t').dt.year() })
        .groupby('y')
        .agg({ lo: ['t', 'min'], hi: ['t', 'max'], dlo: ['d', 'min'], n: ['t', 'count'] });
      expect(out.dtypes).toMatchObject({
        lo: 'timestamp',
        hi: 'timestamp',
        dlo: 'date32',
        n: 'int32',
      });
      const got = plain(await out.compute(sync));
      const groups = new Map<number | null, number[]>();
      p.t.forEach((x, i) => {
        const y = x === null ? null : new Date(x).getUTCFullYear();
        groups.set(y, [...(groups.get(y) ?? []), i]);
      });
      const keys = [...groups.keys()].filter((y): y is number => y !== null).sort((a, b) => a - b);
      expect(got.y).toEqual(keys);
      const ts = (y: number) => groups.get(y)!.map((i) => p.t[i]!);
      expect(got.lo).toEqual(keys.map((y) => Math.min(...ts(y))));
      expect(got.hi).toEqual(keys.map((y) => Math.max(...ts(y))));
      expect(got.dlo).toEqual(
        keys.map((y) => {
          const ds = groups
            .get(y)!
            .map((i) => p.d[i])
            .filter((d): d is number => d !== null);
          return ds.length === 0 ? null : Math.min(...ds) * DAY;
        }),
      );
    },
  );
});

describe('reading dates', () => {
  const lines = (n: number, seed: number) => {
    const p = sample(n, seed);
    const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    const day = (d: number) => new Date(d * DAY).toISOString().slice(0, 10);
    const text = ['i,t,d'];
    p.t.forEach((t, i) => {
      const d = p.d[i];
      text.push(`${i},${t === null ? '' : iso(t)},${d === null ? '' : day(d)}`);
    });
    return { p, text: text.join('\n') + '\n' };
  };

  test.each([64, 1 << 20])(
    'readCsv with parseDates and a date32 dtype (blocksize %i)',
    async (blocksize) => {
      const { p, text } = lines(300, 11);
      const path = join(dir, `dates-${blocksize}.csv`);
      writeFileSync(path, text);
      const df = readCsv(path, { blocksize, parseDates: ['t'], dtype: { d: 'date32' } });
      expect(df.dtypes).toEqual({ i: 'int32', t: 'timestamp', d: 'date32' });
      const got = plain(await df.assign({ m: col('t').dt.month() }).compute(sync));
      expect(got.t).toEqual(p.t);
      expect(got.d).toEqual(p.d.map((x) => (x === null ? null : x * DAY)));
      expect(got.m).toEqual(p.t.map((x) => (x === null ? null : new Date(x).getUTCMonth() + 1)));
      // A filter on a date is pushed into the reader and still right.
      const some = plain(await df.filter(col('d').lt('1975-01-01')).select(['i']).compute(sync)).i;
      expect(some).toEqual(
        p.d.map((_, i) => i).filter((i) => p.d[i] !== null && p.d[i] < Date.UTC(1975, 0, 1) / DAY),
      );
    },
  );

  test('readCsv names the column and the row of a field that is not a date', async () => {
    const path = join(dir, 'bad-dates.csv');
    writeFileSync(path, 'a,t\n1,2024-01-01\n2,someday\n');
    await expect(readCsv(path, { parseDates: ['t'] }).compute(sync)).rejects.toThrow(
      /column 't' is timestamp but row 2 holds "someday"/,
    );
    expect(() => readCsv(path, { parseDates: ['when'] })).toThrow(/unknown column 'when'/);
  });

  test('readJson with a timestamp dtype', async () => {
    const path = join(dir, 'dates.jsonl');
    writeFileSync(path, '{"t":"2024-01-02T03:04:05Z"}\n{"t":null}\n{"t":"1999-12-31"}\n');
    const got = plain(await readJson(path, { dtype: { t: 'timestamp' } }).compute(sync));
    expect(got.t).toEqual([Date.UTC(2024, 0, 2, 3, 4, 5), null, Date.UTC(1999, 11, 31)]);
  });

  test('Parquet: dates and timestamps round trip, and microsecond timestamps read', async () => {
    const p = sample(500, 21);
    const out = join(dir, 'pq-dates');
    await dt0(p, 3).toParquet(out, sync);
    const back = readParquet(out);
    expect(back.dtypes).toMatchObject({ t: 'timestamp', d: 'date32' });
    const got = plain(await back.filter(col('t').ge('1990-01-01')).compute(sync));
    const keep = p.t
      .map((_, i) => i)
      .filter((i) => p.t[i] !== null && p.t[i] >= Date.UTC(1990, 0, 1));
    expect(got.i).toEqual(keep);
    expect(got.d).toEqual(keep.map((i) => (p.d[i] === null ? null : p.d[i] * DAY)));
    // A file another writer made with microseconds.
    const us = new BigInt64Array([1700000000123456n, -5000000n, 0n]);
    const t = new Table({
      ts: makeVector(makeData({ type: new TimestampMicrosecond(), length: 3, data: us })),
    });
    const file = join(dir, 'micro.parquet');
    writeFileSync(file, pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(t, 'stream'))));
    const m = readParquet(file);
    expect(m.dtypes).toEqual({ ts: 'timestamp' });
    const got2 = plain(await m.assign({ s: col('ts').dt.second() }).compute(sync));
    expect(got2.ts).toEqual([1700000000123, -5000, 0]);
    expect(got2.s).toEqual([20, 55, 0]);
  });
});
