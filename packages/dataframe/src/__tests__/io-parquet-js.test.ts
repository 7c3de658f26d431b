// The Parquet reader's JavaScript path against parquet-wasm's reader (the reference) on the same
// files: every column type with and without nulls, data pages v1 and v2, dictionary and PLAIN
// encodings (and a dictionary that overflows into PLAIN pages mid-chunk), snappy and uncompressed,
// many small pages, several row groups; categories read from the file's dictionary; the snappy
// decoder on damaged input; and the fallback for what the JS path does not read.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Bool,
  DateDay,
  Float32,
  Float64,
  Int32,
  Int64,
  Table,
  TimestampMicrosecond,
  Utf8,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import * as pw from 'parquet-wasm/node';
import '@dask-ts/scheduler';
import { col, lit, readParquet } from '../index.js';
import { tableOf, type Col } from '../columns.js';
import { decodeCategory } from '../columns-cat.js';
import type { DType } from '../dtypes.js';
import { colsOfFileTable } from '../io-arrow-cols.js';
import { readColumnsJs } from '../io-parquet-js.js';
import { Unsupported } from '../io-parquet-pages.js';
import { snappyDecompress } from '../io-snappy.js';
import { plain, rng } from './reference.js';

const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-parquet-js-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAMES = ['f', 'i', 'l', 'r', 'b', 's', 'w', 'd', 't'] as const;
const TYPES: readonly DType[] = [
  'float64',
  'int32',
  'float64',
  'float64',
  'bool',
  'utf8',
  'utf8',
  'date32',
  'timestamp',
];

/** A table of every type; `nulls` is the share of null rows in each column. */
function table(n: number, seed: number, nulls: number): Table {
  const r = rng(seed);
  const maybe = <T>(v: T): T | null => (r() < nulls ? null : v);
  const xs = Array.from({ length: n }, (_, i) => i);
  const words = ['AIR', 'MAIL', 'SHIP', 'TRUCK', 'RAIL', 'FOB', 'REG AIR', 'é€'];
  return new Table({
    f: vectorFromArray(
      xs.map(() => maybe(Math.round(r() * 1e6) / 100)),
      new Float64(),
    ),
    i: vectorFromArray(
      xs.map(() => maybe(Math.floor(r() * 2e6) - 1e6)),
      new Int32(),
    ),
    l: vectorFromArray(
      xs.map(() => maybe(BigInt(Math.floor(r() * 1e12)))),
      new Int64(),
    ),
    r: vectorFromArray(
      xs.map(() => maybe(Math.fround(r() * 10))),
      new Float32(),
    ),
    b: vectorFromArray(
      xs.map(() => maybe(r() < 0.5)),
      new Bool(),
    ),
    s: vectorFromArray(
      xs.map(() => maybe(words[Math.floor(r() * words.length)])),
      new Utf8(),
    ),
    w: vectorFromArray(
      xs.map((i) => maybe(`comment ${i} ${'x'.repeat(Math.floor(r() * 90))}`)),
      new Utf8(),
    ),
    d: vectorFromArray(
      xs.map(() => maybe(new Date(Date.UTC(1992, 0, 1) + Math.floor(r() * 2500) * 864e5))),
      new DateDay(),
    ),
    t: vectorFromArray(
      xs.map(() => maybe(Date.UTC(2020, 0, 1) + Math.floor(r() * 1e9))),
      new TimestampMicrosecond(),
    ),
  });
}

interface Layout {
  readonly v2?: boolean;
  readonly dictionary?: boolean;
  readonly compression?: pw.Compression;
  readonly pageBytes?: number;
  readonly dictBytes?: number;
  readonly rowGroup?: number;
  /** Page-level statistics (parquet-rs writes them as column indexes). */
  readonly pageStats?: boolean;
}

function write(t: Table, name: string, o: Layout): string {
  let b = new pw.WriterPropertiesBuilder()
    .setCompression(o.compression ?? pw.Compression.SNAPPY)
    .setWriterVersion(o.v2 === true ? pw.WriterVersion.V2 : pw.WriterVersion.V1)
    .setDictionaryEnabled(o.dictionary ?? true);
  if (o.pageBytes !== undefined) b = b.setDataPageSizeLimit(o.pageBytes).setWriteBatchSize(64);
  if (o.dictBytes !== undefined) b = b.setDictionaryPageSizeLimit(o.dictBytes);
  if (o.rowGroup !== undefined) b = b.setMaxRowGroupSize(o.rowGroup);
  if (o.pageStats === true) b = b.setStatisticsEnabled(pw.EnabledStatistics.Page);
  const bytes = pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(t, 'stream')), b.build());
  const path = join(dir, `${name}.parquet`);
  writeFileSync(path, bytes);
  return path;
}

function footerOf(bytes: Uint8Array): [number, number] {
  const n = bytes.length;
  const len = new DataView(bytes.buffer, bytes.byteOffset + n - 8, 4).getUint32(0, true);
  return [n - 8 - len, n];
}

/** Both readers' columns for row groups `groups`, as plain arrays. */
function both(
  path: string,
  bytes: Uint8Array,
  groups: number[],
  names: readonly string[] = NAMES,
  types: readonly DType[] = TYPES,
) {
  const [cols] = readColumnsJs(path, footerOf(bytes), groups, names, types, undefined);
  const ref = tableFromIPC(
    pw.readParquet(bytes, { columns: [...names], rowGroups: groups }).intoIPCStream(),
  );
  const want = colsOfFileTable(ref, names, types, 'reference');
  return { got: plain(tableOf(cols)), want: plain(tableOf(want)) };
}

describe('Parquet read in JavaScript', () => {
  const layouts: [string, Layout][] = [
    ['v1, dictionary, snappy', {}],
    ['v2, dictionary, snappy', { v2: true }],
    ['v1, plain, uncompressed', { dictionary: false, compression: pw.Compression.UNCOMPRESSED }],
    ['v2, dictionary, snappy, small pages', { v2: true, pageBytes: 512 }],
    ['v1, dictionary overflowing into plain pages', { dictBytes: 256, pageBytes: 1024 }],
    ['v1, page-level statistics (column indexes)', { pageStats: true, pageBytes: 2048 }],
    [
      'v2, uncompressed, dictionary, small pages',
      { v2: true, compression: pw.Compression.UNCOMPRESSED, pageBytes: 700 },
    ],
  ];
  test.each(layouts)(
    '%s: equals parquet-wasm, with and without nulls',
    (name, layout) => {
      for (const nulls of [0, 0.2]) {
        const t = table(1500, name.length + nulls * 10, nulls);
        const path = write(t, `${name.replace(/\W+/g, '-')}-${nulls}`, {
          ...layout,
          rowGroup: 600,
        });
        const bytes = new Uint8Array(readFileSync(path));
        for (const groups of [[0], [1, 2], [0, 1, 2]]) {
          const { got, want } = both(path, bytes, groups);
          expect(got).toEqual(want);
        }
      }
    },
    60_000,
  );

  test('a column read as a category keeps the file dictionary, sorted', () => {
    const t = table(2000, 7, 0.1);
    const path = write(t, 'cat', { rowGroup: 1000, dictBytes: 100000 });
    const bytes = new Uint8Array(readFileSync(path));
    const [cols] = readColumnsJs(
      path,
      footerOf(bytes),
      [0, 1],
      ['s', 'w'],
      ['category', 'category'],
      undefined,
    );
    const s = cols.get('s') as Extract<Col, { type: 'category' }>;
    expect(s.type).toBe('category');
    const dict = plain(tableOf(new Map([['d', s.dict]]))).d as string[];
    expect(dict).toEqual([...dict].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1)));
    const ref = both(path, bytes, [0, 1], ['s', 'w'], ['utf8', 'utf8']).want;
    const got = plain(
      tableOf(
        new Map([
          ['s', decodeCategory(s)],
          ['w', decodeCategory(cols.get('w') as Extract<Col, { type: 'category' }>)],
        ]),
      ),
    );
    expect(got).toEqual(ref);
  }, 60_000);

  test('category columns whose dictionary overflows into PLAIN pages mid-chunk read as strings do', () => {
    for (const nulls of [0, 0.2]) {
      const t = table(3000, 17 + nulls, nulls);
      const path = write(t, `cat-overflow-${nulls}`, {
        rowGroup: 1500,
        dictBytes: 300,
        pageBytes: 800,
      });
      const bytes = new Uint8Array(readFileSync(path));
      const [cols] = readColumnsJs(
        path,
        footerOf(bytes),
        [0, 1],
        ['s', 'w'],
        ['category', 'category'],
        undefined,
      );
      const got = plain(
        tableOf(
          new Map([
            ['s', decodeCategory(cols.get('s') as Extract<Col, { type: 'category' }>)],
            ['w', decodeCategory(cols.get('w') as Extract<Col, { type: 'category' }>)],
          ]),
        ),
      );
      expect(got).toEqual(both(path, bytes, [0, 1], ['s', 'w'], ['utf8', 'utf8']).want);
    }
  }, 60_000);

  test('readParquet categories: read as categories, filtered and grouped like the strings', async () => {
    const t = table(1200, 21, 0.1);
    const path = write(t, 'pub-cat', { rowGroup: 400 });
    const sync = { scheduler: 'sync' } as const;
    const asCat = readParquet(path, { splitRowGroups: true, categories: ['s', 'w'] });
    const asStr = readParquet(path, { splitRowGroups: true });
    expect(asCat.dtypes.s).toBe('category');
    expect(asStr.dtypes.s).toBe('utf8');
    const s = [...t.getChild('s')!].map((v: unknown) => (v ?? null) as string | null);
    expect(plain(await asCat.select(['s']).compute(sync)).s).toEqual(s);
    // Operators, isin and string functions run on the categories and give the strings' answers.
    const exprs = [
      col('s').eq('AIR'),
      col('s').lt('MAIL'),
      lit('RAIL').le(col('s')),
      col('s').isin(['FOB', 'é€']),
      col('s').str.startsWith('R'),
      // Two category columns (different dictionaries) compared through their merged dictionary.
      col('s').lt(col('w')),
      col('w').ge(col('s')),
      col('s').eq(col('s')),
      col('w').ne(col('s')),
    ];
    for (const e of exprs) {
      const a = plain(await asCat.filter(e).select(['i']).compute(sync));
      const b = plain(await asStr.filter(e).select(['i']).compute(sync));
      expect(a).toEqual(b);
    }
    const len = plain(
      await asCat
        .assign({ n: col('s').str.len() })
        .select(['n'])
        .compute(sync),
    ).n;
    expect(len).toEqual(s.map((x) => (x === null ? null : [...x].length)));
    const g = async (df: typeof asCat) =>
      plain(
        await df
          .groupby('s')
          .agg({ n: ['i', 'count'] })
          .sortValues('s')
          .compute(sync),
      );
    expect(await g(asCat)).toEqual(await g(asStr));
    // A category column written to Parquet reads back as a category.
    const out = join(dir, 'cat-round-trip');
    await asCat.toParquet(out, sync);
    expect(readParquet(out).dtypes.s).toBe('category');
    expect(plain(await readParquet(out).select(['s']).compute(sync)).s).toEqual(s);
    expect(() => readParquet(path, { categories: ['nope'] })).toThrow(
      /unknown column 'nope' in categories/,
    );
    expect(() => readParquet(path, { categories: ['f'] })).toThrow(
      /column 'f' in categories is float64/,
    );
  }, 60_000);

  test('readParquet reads the same through the JS path and the fallbacks (zstd, delta encodings)', async () => {
    const t = table(900, 11, 0.15);
    const a = write(t, 'pub-snappy', { rowGroup: 300 });
    const b = write(t, 'pub-zstd', { rowGroup: 300, compression: pw.Compression.ZSTD });
    const bytes = new Uint8Array(readFileSync(b));
    expect(() => readColumnsJs(b, footerOf(bytes), [0], ['f'], ['float64'], undefined)).toThrow(
      Unsupported,
    );
    const sync = { scheduler: 'sync' } as const;
    const x = plain(await readParquet(a, { splitRowGroups: true }).compute(sync));
    const y = plain(await readParquet(b, { splitRowGroups: true }).compute(sync));
    expect(x).toEqual(y);
    // Version 2 without dictionaries writes integers with DELTA_BINARY_PACKED.
    const c = write(t, 'pub-delta', { rowGroup: 300, v2: true, dictionary: false });
    const cb = new Uint8Array(readFileSync(c));
    expect(() => readColumnsJs(c, footerOf(cb), [0], ['i'], ['int32'], undefined)).toThrow(
      /DELTA_BINARY_PACKED/,
    );
    expect(plain(await readParquet(c).compute(sync))).toEqual(x);
    expect(x.s).toEqual([...t.getChild('s')!].map((v: unknown) => v ?? null));
  }, 60_000);

  test('a part that is mostly PLAIN text is read in JavaScript, as parquet-wasm reads it', async () => {
    const t = table(30000, 5, 0.05);
    const path = write(t, 'text-heavy', { rowGroup: 30000, dictionary: false });
    const bytes = new Uint8Array(readFileSync(path));
    const { got, want } = both(path, bytes, [0], ['w', 'i'], ['utf8', 'int32']);
    expect(got).toEqual(want);
    const sync = { scheduler: 'sync' } as const;
    const read = plain(await readParquet(path, { columns: ['w', 'i'] }).compute(sync));
    expect(read.w).toEqual([...t.getChild('w')!].map((v: unknown) => v ?? null));
  }, 60_000);

  test('snappy: damaged input is an error, never a read out of bounds', () => {
    const path = write(table(300, 3, 0), 'snappy', { dictionary: false });
    const bytes = new Uint8Array(readFileSync(path));
    // A literal of 4 bytes "abcd", then a copy of 8 bytes at offset 4 (overlapping): 12 bytes.
    const ok = new Uint8Array([12, 3 << 2, 97, 98, 99, 100, 1 | ((8 - 4) << 2), 4]);
    const out = new Uint8Array(12);
    snappyDecompress(ok, out);
    expect(new TextDecoder().decode(out)).toBe('abcdabcdabcd');
    expect(() => snappyDecompress(ok, new Uint8Array(11))).toThrow(/12 bytes, expected 11/);
    expect(() => snappyDecompress(new Uint8Array([12, 3 << 2, 97]), new Uint8Array(12))).toThrow(
      /literal past the end/,
    );
    expect(() => snappyDecompress(new Uint8Array([8, 1 | (4 << 2), 9]), new Uint8Array(8))).toThrow(
      /bad copy/,
    );
    // A damaged page surfaces as an error naming the file.
    const bad = bytes.slice();
    bad.fill(0xff, 4, 200);
    const badPath = join(dir, 'damaged.parquet');
    writeFileSync(badPath, bad);
    expect(() =>
      readColumnsJs(badPath, footerOf(bad), [0], ['f'], ['float64'], undefined),
    ).toThrow();
  }, 60_000);
});
