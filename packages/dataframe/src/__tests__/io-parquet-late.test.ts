// Late materialization in the Parquet reader: some rows of a column chunk decoded alone
// (io-parquet-rows.ts) equal those rows of the whole chunk, for every layout (dictionary and PLAIN
// pages, v1 and v2, snappy and none, small pages that get skipped, nulls, categories, several row
// groups; most of the rows, gathered from the thread's reused buffer); and a filter pushed into
// readParquet, decoded column by column for the rows still kept (io-parquet-late.ts; the leading
// parts on one number column tested on its dictionary, io-parquet-where.ts), gives the rows the
// same filter keeps in memory.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DateDay,
  Float64,
  Int32,
  Int64,
  Table,
  TimestampMicrosecond,
  Utf8,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import * as pw from 'parquet-wasm/node';
import '@dask-ts/scheduler';
import { Expr, col, fromArrow, lit, readParquet } from '../index.js';
import { tableOf } from '../columns.js';
import type { DType } from '../dtypes.js';
import { readColumnsJs } from '../io-parquet-js.js';
import { runOrder } from '../io-parquet-late.js';
import { conjuncts } from '../eval-filter.js';
import { take } from '../take.js';
import { plain, rng } from './reference.js';

const dir = mkdtempSync(join(tmpdir(), 'dask-ts-df-parquet-late-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAMES = ['q', 'p', 'k', 'l', 'd', 't', 'm', 'c'] as const;
const TYPES: readonly DType[] = [
  'float64',
  'float64',
  'int32',
  'float64',
  'date32',
  'timestamp',
  'category',
  'utf8',
];

/** A lineitem-like table; `nulls` is the share of null rows in each column. */
function table(n: number, seed: number, nulls: number): Table {
  const r = rng(seed);
  const maybe = <T>(v: T): T | null => (r() < nulls ? null : v);
  const xs = Array.from({ length: n }, (_, i) => i);
  const modes = ['AIR', 'MAIL', 'SHIP', 'TRUCK', 'RAIL'];
  return new Table({
    q: vectorFromArray(
      xs.map(() => maybe(1 + Math.floor(r() * 50))),
      new Float64(),
    ),
    p: vectorFromArray(
      xs.map(() => maybe(Math.round(r() * 1e7) / 100)),
      new Float64(),
    ),
    k: vectorFromArray(
      xs.map((i) => maybe(i * 3 + Math.floor(r() * 3))),
      new Int32(),
    ),
    l: vectorFromArray(
      xs.map(() => maybe(BigInt(Math.floor(r() * 1e12)))),
      new Int64(),
    ),
    d: vectorFromArray(
      xs.map(() => maybe(new Date(Date.UTC(1992, 0, 1) + Math.floor(r() * 2500) * 864e5))),
      new DateDay(),
    ),
    t: vectorFromArray(
      xs.map(() => maybe(Date.UTC(2020, 0, 1) + Math.floor(r() * 1e9))),
      new TimestampMicrosecond(),
    ),
    m: vectorFromArray(
      xs.map(() => maybe(modes[Math.floor(r() * modes.length)])),
      new Utf8(),
    ),
    c: vectorFromArray(
      xs.map((i) => maybe(`comment ${i} ${'x'.repeat(Math.floor(r() * 40))}`)),
      new Utf8(),
    ),
  });
}

interface Layout {
  readonly v2?: boolean;
  readonly dictionary?: boolean;
  readonly compression?: pw.Compression;
  readonly pageBytes?: number;
  readonly dictBytes?: number;
}

function write(t: Table, name: string, o: Layout, rowGroup: number): string {
  let b = new pw.WriterPropertiesBuilder()
    .setCompression(o.compression ?? pw.Compression.SNAPPY)
    .setWriterVersion(o.v2 === true ? pw.WriterVersion.V2 : pw.WriterVersion.V1)
    .setDictionaryEnabled(o.dictionary ?? true)
    .setMaxRowGroupSize(rowGroup);
  if (o.pageBytes !== undefined) b = b.setDataPageSizeLimit(o.pageBytes).setWriteBatchSize(64);
  if (o.dictBytes !== undefined) b = b.setDictionaryPageSizeLimit(o.dictBytes);
  const bytes = pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(t, 'stream')), b.build());
  const path = join(dir, `${name}.parquet`);
  writeFileSync(path, bytes);
  return path;
}

function footerOf(path: string): [number, number] {
  const bytes = new Uint8Array(readFileSync(path));
  const n = bytes.length;
  const len = new DataView(bytes.buffer, bytes.byteOffset + n - 8, 4).getUint32(0, true);
  return [n - 8 - len, n];
}

const layouts: [string, Layout][] = [
  ['v1, dictionary, snappy', {}],
  ['v2, dictionary, snappy, small pages', { v2: true, pageBytes: 512 }],
  [
    'v1, plain, uncompressed, small pages',
    { dictionary: false, compression: pw.Compression.UNCOMPRESSED, pageBytes: 700 },
  ],
  ['v1, dictionary overflowing into plain pages', { dictBytes: 256, pageBytes: 1024 }],
];

describe('some rows of a column chunk', () => {
  test.each(layouts)(
    '%s: equal those rows of the whole read, with and without nulls',
    (name, layout) => {
      for (const nulls of [0, 0.2]) {
        const path = write(
          table(1800, name.length, nulls),
          `${name.replace(/\W+/g, '-')}-${nulls}`,
          layout,
          600,
        );
        const footer = footerOf(path);
        const r = rng(nulls * 100 + 3);
        const sels = [
          Int32Array.from({ length: 1800 }, (_, i) => i).filter(() => r() < 0.3),
          // Most rows: each chunk decoded whole into the thread's scratch buffer, then gathered.
          Int32Array.from({ length: 1800 }, (_, i) => i).filter(() => r() < 0.9),
          Int32Array.from([5, 6, 7, 1500, 1799]),
          Int32Array.from({ length: 40 }, (_, i) => 620 + i),
          new Int32Array(0),
        ];
        const [whole] = readColumnsJs(path, footer, [0, 1, 2], NAMES, TYPES, undefined);
        for (const sel of sels) {
          const [got, rows] = readColumnsJs(path, footer, [0, 1, 2], NAMES, TYPES, undefined, sel);
          expect(rows).toBe(sel.length);
          const want = new Map([...whole].map(([k, c]) => [k, take(c, sel)]));
          expect(plain(tableOf(got))).toEqual(plain(tableOf(want)));
        }
        // Rows counted across the row groups read (here the last two).
        const [two] = readColumnsJs(path, footer, [1, 2], NAMES, TYPES, undefined);
        const sel = Int32Array.from([0, 599, 600, 1100]);
        const [got] = readColumnsJs(path, footer, [1, 2], NAMES, TYPES, undefined, sel);
        const want = new Map([...two].map(([k, c]) => [k, take(c, sel)]));
        expect(plain(tableOf(got))).toEqual(plain(tableOf(want)));
      }
    },
    60_000,
  );
});

describe('a filter pushed into readParquet', () => {
  const t = table(3000, 11, 0);
  const path = write(t, 'filtered', { pageBytes: 2048 }, 1000);
  const withNulls = write(table(3000, 12, 0.1), 'filtered-nulls', { pageBytes: 2048 }, 1000);
  // Dictionaries that overflow into PLAIN pages: the dictionary test does not apply.
  const overflow = write(table(3000, 13, 0), 'filtered-overflow', { dictBytes: 512 }, 1000);
  const conds: [string, Expr, string[]?][] = [
    ['one column', col('d').lt('1994-06-01')],
    [
      'columns in turn (Q6-like)',
      col('d')
        .ge('1993-01-01')
        .and(col('d').lt('1994-01-01'))
        .and(col('q').between(10, 20))
        .and(col('k').gt(3000)),
    ],
    [
      'a number column on its dictionary, then others',
      col('q').between(10, 20).and(col('p').gt(40000)),
    ],
    [
      'a category on its dictionary',
      col('m').isin(['SHIP', 'RAIL']).and(col('q').lt(25)),
      ['p', 'k', 'c'],
    ],
    ['a string column on its dictionary', col('c').str.startsWith('comment 1'), ['p', 'q']],
    ['a category and a number', col('m').isin(['AIR', 'MAIL']).and(col('p').gt(50000))],
    ['two columns compared', col('q').lt(col('p').div(1000))],
    ['nothing kept', col('q').gt(100).and(col('p').gt(0))],
    ['a literal part first', lit(true).and(col('q').lt(20))],
    ['a literal only', lit(false)],
    ['everything kept', col('q').ge(0)],
    ['a string part', col('c').str.contains('comment 1').and(col('q').lt(30))],
    [
      'two columns compared first, one-column parts after (run first, by column)',
      col('q')
        .lt(col('p').div(1000))
        .and(col('d').ge('1993-01-01'))
        .and(col('m').isin(['SHIP', 'MAIL']))
        .and(col('d').lt('1995-01-01')),
      ['k', 'c'],
    ],
  ];
  test.each(conds)(
    '%s: the rows the filter keeps in memory',
    async (_, cond, keep = ['p', 'k', 'l', 't', 'm', 'c']) => {
      for (const file of [path, withNulls, overflow]) {
        for (const split of [false, true]) {
          const got = await readParquet(file, { splitRowGroups: split, categories: ['m'] })
            .filter(cond)
            .select(keep)
            .compute({ scheduler: 'sync' });
          const all = await readParquet(file, { categories: ['m'] }).compute({ scheduler: 'sync' });
          const want = await fromArrow(all)
            .filter(cond)
            .select(keep)
            .compute({ scheduler: 'sync' });
          expect(got.numRows).toBe(want.numRows);
          expect(plain(got)).toEqual(plain(want));
        }
      }
    },
    60_000,
  );
});

describe("the order of a filter's parts", () => {
  test('one-column parts first, grouped by column in order of appearance; the rest after', () => {
    const cond = col('a')
      .lt(col('b'))
      .and(col('d').ge(1))
      .and(lit(true))
      .and(col('m').isin(['x']))
      .and(col('d').lt(5))
      .and(col('b').add(col('a')).gt(0))
      .and(col('m').ne('y'));
    const order = runOrder(conjuncts(cond.spec)).map((p) => String(new Expr(p)));
    expect(order).toEqual([
      `(col('d') ge 1)`,
      `(col('d') lt 5)`,
      `col('m').isin(["x"])`,
      `(col('m') ne "y")`,
      `(col('a') lt col('b'))`,
      'true',
      `((col('b') add col('a')) gt 0)`,
    ]);
  });
});
