// A seeded TPC-H-like generator for the eight tables, written as Parquet through
// @dask-ts/dataframe's own `fromColumns(...).toParquet`. It follows the specification's value
// rules (clause 4.2.3: cardinalities per scale factor, sparse order keys, the part-supplier
// mapping, retail prices, date ranges and the return-flag / line-status / order-status rules,
// phone numbers by nation, comments from the grammar's text pool, the Customer...Complaints
// suppliers), but not dbgen's random streams: answers are TPC-H-like, not the official ones.
//
// Types, chosen so every column reads back through `readParquet` and compares correctly:
// keys and small integers are int32, decimals are float64 (whole cents), and dates are Parquet
// DATE columns (Arrow date32: days since 1970-01-01), as the specification's DATE type. Columns
// are typed arrays and Arrow utf8 vectors built from bytes (utf8.ts: comments are byte ranges of
// the text pool, flags and modes pre-encoded vocabularies), never one JavaScript string or object
// per row. Tables are written in chunks of at most CHUNK_ROWS rows, one file each
// (`<table>/part.<k>.parquet`, by write-chunk.ts), row groups of ROW_GROUP rows (or as asked); a
// marker file records a finished directory (with the generator's VERSION, the scale factor and
// the row-group size) so a second call reuses it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '@dask-ts/scheduler';
import { Rng } from './rng.js';
import {
  COLORS,
  CONTAINER_S1,
  CONTAINER_S2,
  INSTRUCTIONS,
  MODES,
  NATIONS,
  PRIORITIES,
  REGIONS,
  SEGMENTS,
  TYPE_S1,
  TYPE_S2,
  TYPE_S3,
  textPool,
} from './text.js';
import { encodeAll, Utf8Column } from './utf8.js';
import { dateVector, writeChunk, type Columns } from './write-chunk.js';

/** The eight table names. @example TABLES.includes('lineitem') */
export const TABLES = [
  'region',
  'nation',
  'supplier',
  'part',
  'partsupp',
  'customer',
  'orders',
  'lineitem',
] as const;

/** A table name. @example const t: TableName = 'orders'; */
export type TableName = (typeof TABLES)[number];

/** Rows in one row group of the written files. @example ROW_GROUP // 131072 */
export const ROW_GROUP = 1 << 17;
const CHUNK_ROWS = 1 << 20;
const MARKER = 'tpch-complete.json';
/** Bumped whenever the generated data changes, so directories made before are remade. */
const VERSION = 3;

const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(1992, 0, 1);
const dayOf = (iso: string): number => (Date.parse(`${iso}T00:00:00Z`) - EPOCH) / DAY_MS;
/** Day numbers (from 1992-01-01) of the specification's dates. */
const CURRENT = dayOf('1995-06-17');
const END = dayOf('1998-12-31');
/** Days from 1970-01-01 to the generator's day 0 (1992-01-01). */
const EPOCH_DAY = EPOCH / DAY_MS;

const pad9 = (n: number): string => String(n).padStart(9, '0');
const phone = (r: Rng, nation: number): string =>
  `${nation + 10}-${r.int(100, 999)}-${r.int(100, 999)}-${r.int(1000, 9999)}`;

/**
 * The row counts of each table at a scale factor (lineitem's is not fixed: 1-7 lines per order).
 *
 * @example
 * cardinalities(1).orders; // 1500000
 */
export function cardinalities(sf: number): Record<Exclude<TableName, 'lineitem'>, number> {
  if (!(sf > 0)) throw new RangeError(`TPC-H scale factor must be positive, got ${sf}`);
  return {
    region: 5,
    nation: 25,
    supplier: Math.max(1, Math.round(sf * 10_000)),
    part: Math.max(1, Math.round(sf * 200_000)),
    partsupp: 4 * Math.max(1, Math.round(sf * 200_000)),
    customer: Math.max(1, Math.round(sf * 150_000)),
    orders: Math.max(1, Math.round(sf * 1_500_000)),
  };
}

/** The specification's retail price of a part, in cents. */
const retailCents = (pk: number): number =>
  90_000 + (Math.floor(pk / 10) % 20_001) + 100 * (pk % 1000);

/** The i-th (0..3) supplier of part `pk` among `s` suppliers (clause 4.2.3, PS_SUPPKEY). */
const suppOf = (pk: number, i: number, s: number): number =>
  ((pk + i * (Math.floor(s / 4) + Math.floor((pk - 1) / s))) % s) + 1;

/** The sparse order key of the j-th order (0-based): 8 keys used in every 32. */
const orderKey = (j: number): number => Math.floor(j / 8) * 32 + (j % 8) + 1;

interface Gen {
  readonly sf: number;
  readonly n: ReturnType<typeof cardinalities>;
  /** The text pool, as (ASCII) bytes. */
  readonly pool: Uint8Array;
}

/** Appends a comment: a slice of the pool of a uniform length in [lo, hi] at a uniform offset. */
function comment(g: Gen, r: Rng, b: Utf8Column, lo: number, hi: number): void {
  const len = r.int(lo, hi);
  const at = r.int(0, g.pool.length - len - 1);
  b.bytes(g.pool, at, at + len);
}

const ALNUM = new TextEncoder().encode(
  '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,. ',
);
const scratch = new Uint8Array(64);

/** Appends a random string of a uniform length in [lo, hi] (the specification's v-string). */
function vstring(r: Rng, b: Utf8Column, lo: number, hi: number): void {
  const len = r.int(lo, hi);
  for (let i = 0; i < len; i++) scratch[i] = ALNUM[Math.floor(r.next() * ALNUM.length)];
  b.bytes(scratch, 0, len);
}

function* region(g: Gen): Generator<Columns> {
  const r = new Rng('region.comment');
  const name = new Utf8Column(5, 8);
  const com = new Utf8Column(5, 120);
  for (const n of REGIONS) {
    name.text(n);
    comment(g, r, com, 31, 115);
  }
  yield {
    r_regionkey: Int32Array.from(REGIONS, (_, i) => i),
    r_name: name.vector(),
    r_comment: com.vector(),
  };
}

function* nation(g: Gen): Generator<Columns> {
  const r = new Rng('nation.comment');
  const name = new Utf8Column(25, 12);
  const com = new Utf8Column(25, 120);
  for (const [n] of NATIONS) {
    name.text(n);
    comment(g, r, com, 31, 114);
  }
  yield {
    n_nationkey: Int32Array.from(NATIONS, (_, i) => i),
    n_name: name.vector(),
    n_regionkey: Int32Array.from(NATIONS, ([, k]) => k),
    n_comment: com.vector(),
  };
}

function* supplier(g: Gen): Generator<Columns> {
  const n = g.n.supplier;
  const r = new Rng('supplier');
  const rc = new Rng('supplier.comment');
  // SF * 5 suppliers each get 'Customer ... Complaints' and 'Customer ... Recommends' (Q16).
  const special = new Map<number, string>();
  const rs = new Rng('supplier.special');
  const count = Math.max(1, Math.round(g.sf * 5));
  for (const word of ['Complaints', 'Recommends'])
    for (let k = 0; k < count && special.size < n; k++) {
      let key = rs.int(1, n);
      while (special.has(key)) key = rs.int(1, n);
      special.set(key, word);
    }
  const key = new Int32Array(n);
  const name = new Utf8Column(n, 18);
  const address = new Utf8Column(n, 25);
  const nat = new Int32Array(n);
  const ph = new Utf8Column(n, 15);
  const bal = new Float64Array(n);
  const com = new Utf8Column(n, 63);
  const decoder = new TextDecoder();
  for (let i = 0; i < n; i++) {
    const k = i + 1;
    key[i] = k;
    name.text(`Supplier#${pad9(k)}`);
    vstring(r, address, 10, 40);
    nat[i] = r.int(0, 24);
    ph.text(phone(r, nat[i]));
    bal[i] = r.money(-999.99, 9999.99);
    const word = special.get(k);
    if (word === undefined) comment(g, rc, com, 25, 100);
    else {
      const len = rc.int(25, 100);
      const at0 = rc.int(0, g.pool.length - len - 1);
      const base = decoder.decode(g.pool.subarray(at0, at0 + len));
      const at = rs.int(0, Math.max(0, base.length - 30));
      com.text(
        `${base.slice(0, at)}Customer ${base.slice(at, at + 10)} ${word}${base.slice(at + 10)}`,
      );
    }
  }
  yield {
    s_suppkey: key,
    s_name: name.vector(),
    s_address: address.vector(),
    s_nationkey: nat,
    s_phone: ph.vector(),
    s_acctbal: bal,
    s_comment: com.vector(),
  };
}

function* part(g: Gen): Generator<Columns> {
  const total = g.n.part;
  const r = new Rng('part');
  const rc = new Rng('part.comment');
  const types = encodeAll(
    TYPE_S1.flatMap((a) => TYPE_S2.flatMap((b) => TYPE_S3.map((t) => `${a} ${b} ${t}`))),
  );
  const containers = encodeAll(CONTAINER_S1.flatMap((a) => CONTAINER_S2.map((b) => `${a} ${b}`)));
  const mfgrs = encodeAll([1, 2, 3, 4, 5].map((m) => `Manufacturer#${m}`));
  const brands = [1, 2, 3, 4, 5].map((m) =>
    encodeAll([1, 2, 3, 4, 5].map((b) => `Brand#${m}${b}`)),
  );
  const colors = encodeAll(COLORS);
  const space = new Uint8Array([32]);
  for (let start = 0; start < total; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, total - start);
    const key = new Int32Array(n);
    const name = new Utf8Column(n, 34);
    const mfgr = new Utf8Column(n, 14);
    const brand = new Utf8Column(n, 8);
    const type = new Utf8Column(n, 22);
    const size = new Int32Array(n);
    const container = new Utf8Column(n, 8);
    const price = new Float64Array(n);
    const com = new Utf8Column(n, 14);
    const words: number[] = [];
    const buf = new Uint8Array(128);
    for (let i = 0; i < n; i++) {
      const k = start + i + 1;
      key[i] = k;
      words.length = 0;
      while (words.length < 5) {
        const w = r.int(0, colors.length - 1);
        if (!words.includes(w)) words.push(w);
      }
      let p = 0;
      for (let w = 0; w < 5; w++) {
        if (w > 0) buf[p++] = space[0];
        buf.set(colors[words[w]], p);
        p += colors[words[w]].length;
      }
      name.bytes(buf, 0, p);
      const m = r.int(0, 4);
      mfgr.bytes(mfgrs[m]);
      brand.bytes(brands[m][r.int(0, 4)]);
      type.bytes(r.pick(types));
      size[i] = r.int(1, 50);
      container.bytes(r.pick(containers));
      price[i] = retailCents(k) / 100;
      comment(g, rc, com, 5, 22);
    }
    yield {
      p_partkey: key,
      p_name: name.vector(),
      p_mfgr: mfgr.vector(),
      p_brand: brand.vector(),
      p_type: type.vector(),
      p_size: size,
      p_container: container.vector(),
      p_retailprice: price,
      p_comment: com.vector(),
    };
  }
}

function* partsupp(g: Gen): Generator<Columns> {
  const parts = g.n.part;
  const s = g.n.supplier;
  const r = new Rng('partsupp');
  const rc = new Rng('partsupp.comment');
  const perChunk = CHUNK_ROWS / 4;
  for (let start = 0; start < parts; start += perChunk) {
    const np = Math.min(perChunk, parts - start);
    const n = np * 4;
    const pk = new Int32Array(n);
    const sk = new Int32Array(n);
    const qty = new Int32Array(n);
    const cost = new Float64Array(n);
    const com = new Utf8Column(n, 124);
    for (let p = 0; p < np; p++) {
      const k = start + p + 1;
      for (let i = 0; i < 4; i++) {
        const row = p * 4 + i;
        pk[row] = k;
        sk[row] = suppOf(k, i, s);
        qty[row] = r.int(1, 9999);
        cost[row] = r.money(1, 1000);
        comment(g, rc, com, 49, 198);
      }
    }
    yield {
      ps_partkey: pk,
      ps_suppkey: sk,
      ps_availqty: qty,
      ps_supplycost: cost,
      ps_comment: com.vector(),
    };
  }
}

function* customer(g: Gen): Generator<Columns> {
  const total = g.n.customer;
  const r = new Rng('customer');
  const rc = new Rng('customer.comment');
  const segments = encodeAll(SEGMENTS);
  for (let start = 0; start < total; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, total - start);
    const key = new Int32Array(n);
    const name = new Utf8Column(n, 18);
    const address = new Utf8Column(n, 25);
    const nat = new Int32Array(n);
    const ph = new Utf8Column(n, 15);
    const bal = new Float64Array(n);
    const seg = new Utf8Column(n, 10);
    const com = new Utf8Column(n, 73);
    for (let i = 0; i < n; i++) {
      const k = start + i + 1;
      key[i] = k;
      name.text(`Customer#${pad9(k)}`);
      vstring(r, address, 10, 40);
      nat[i] = r.int(0, 24);
      ph.text(phone(r, nat[i]));
      bal[i] = r.money(-999.99, 9999.99);
      seg.bytes(r.pick(segments));
      comment(g, rc, com, 29, 116);
    }
    yield {
      c_custkey: key,
      c_name: name.vector(),
      c_address: address.vector(),
      c_nationkey: nat,
      c_phone: ph.vector(),
      c_acctbal: bal,
      c_mktsegment: seg.vector(),
      c_comment: com.vector(),
    };
  }
}

/** Orders and their line items, generated together (a line's dates follow its order's). */
function* ordersAndLines(g: Gen): Generator<{ orders: Columns; lineitem: Columns }> {
  const total = g.n.orders;
  const customers = g.n.customer;
  const parts = g.n.part;
  const s = g.n.supplier;
  const clerks = Math.max(1, Math.round(g.sf * 1000));
  const ro = new Rng('orders');
  const rl = new Rng('lineitem');
  const rco = new Rng('orders.comment');
  const rcl = new Rng('lineitem.comment');
  const [F, O, P, R, A, N] = encodeAll(['F', 'O', 'P', 'R', 'A', 'N']);
  const priorities = encodeAll(PRIORITIES);
  const instructions = encodeAll(INSTRUCTIONS);
  const modes = encodeAll(MODES);
  const perChunk = Math.floor(CHUNK_ROWS / 4);
  for (let start = 0; start < total; start += perChunk) {
    const no = Math.min(perChunk, total - start);
    const ok = new Int32Array(no);
    const ck = new Int32Array(no);
    const status = new Utf8Column(no, 1);
    const totalprice = new Float64Array(no);
    const odate = new Int32Array(no);
    const prio = new Utf8Column(no, 9);
    const clerk = new Utf8Column(no, 15);
    const shipprio = new Int32Array(no);
    const ocom = new Utf8Column(no, 49);
    const cap = no * 7;
    const est = no * 4;
    const lok = new Int32Array(cap);
    const lpk = new Int32Array(cap);
    const lsk = new Int32Array(cap);
    const lnum = new Int32Array(cap);
    const qty = new Float64Array(cap);
    const ext = new Float64Array(cap);
    const disc = new Float64Array(cap);
    const tax = new Float64Array(cap);
    const rflag = new Utf8Column(cap, 1);
    const lstatus = new Utf8Column(cap, 1);
    const ship = new Int32Array(cap);
    const commit = new Int32Array(cap);
    const receipt = new Int32Array(cap);
    const instruct = new Utf8Column(est, 12);
    const mode = new Utf8Column(est, 5);
    const lcom = new Utf8Column(est, 27);
    let m = 0;
    for (let j = 0; j < no; j++) {
      const key = orderKey(start + j);
      ok[j] = key;
      let cust = ro.int(1, customers);
      // A third of the customers (keys divisible by 3) place no orders.
      while (cust % 3 === 0 && customers > 2) cust = ro.int(1, customers);
      ck[j] = cust;
      const od = ro.int(0, END - 151);
      odate[j] = EPOCH_DAY + od;
      prio.bytes(ro.pick(priorities));
      clerk.text(`Clerk#${pad9(ro.int(1, clerks))}`);
      comment(g, rco, ocom, 19, 78);
      const lines = rl.int(1, 7);
      let sum = 0;
      let shippedF = 0;
      for (let l = 0; l < lines; l++, m++) {
        const pk = rl.int(1, parts);
        lok[m] = key;
        lpk[m] = pk;
        lsk[m] = suppOf(pk, rl.int(0, 3), s);
        lnum[m] = l + 1;
        const q = rl.int(1, 50);
        qty[m] = q;
        ext[m] = (q * retailCents(pk)) / 100;
        disc[m] = rl.int(0, 10) / 100;
        tax[m] = rl.int(0, 8) / 100;
        const sd = od + rl.int(1, 121);
        const cd = od + rl.int(30, 90);
        const rd = sd + rl.int(1, 30);
        ship[m] = EPOCH_DAY + sd;
        commit[m] = EPOCH_DAY + cd;
        receipt[m] = EPOCH_DAY + rd;
        rflag.bytes(rd <= CURRENT ? (rl.next() < 0.5 ? R : A) : N);
        const f = sd <= CURRENT;
        if (f) shippedF++;
        lstatus.bytes(f ? F : O);
        instruct.bytes(rl.pick(instructions));
        mode.bytes(rl.pick(modes));
        comment(g, rcl, lcom, 10, 43);
        sum += ext[m] * (1 + tax[m]) * (1 - disc[m]);
      }
      totalprice[j] = Math.round(sum * 100) / 100;
      status.bytes(shippedF === lines ? F : shippedF === 0 ? O : P);
      shipprio[j] = 0;
    }
    yield {
      orders: {
        o_orderkey: ok,
        o_custkey: ck,
        o_orderstatus: status.vector(),
        o_totalprice: totalprice,
        o_orderdate: dateVector(odate),
        o_orderpriority: prio.vector(),
        o_clerk: clerk.vector(),
        o_shippriority: shipprio,
        o_comment: ocom.vector(),
      },
      lineitem: {
        l_orderkey: lok.slice(0, m),
        l_partkey: lpk.slice(0, m),
        l_suppkey: lsk.slice(0, m),
        l_linenumber: lnum.slice(0, m),
        l_quantity: qty.slice(0, m),
        l_extendedprice: ext.slice(0, m),
        l_discount: disc.slice(0, m),
        l_tax: tax.slice(0, m),
        l_returnflag: rflag.vector(),
        l_linestatus: lstatus.vector(),
        l_shipdate: dateVector(ship.slice(0, m)),
        l_commitdate: dateVector(commit.slice(0, m)),
        l_receiptdate: dateVector(receipt.slice(0, m)),
        l_shipinstruct: instruct.vector(),
        l_shipmode: mode.vector(),
        l_comment: lcom.vector(),
      },
    };
  }
}

/**
 * Where each table's files are, and the scale factor they were made at.
 *
 * @example
 * const files = await generateTpch('/tmp/tpch-0.01', 0.01);
 * files.tables.lineitem; // '/tmp/tpch-0.01/lineitem'
 */
export interface TpchFiles {
  readonly dir: string;
  readonly sf: number;
  readonly tables: Readonly<Record<TableName, string>>;
  /** Rows in one row group. */
  readonly rowGroupSize: number;
  /** Rows written per table. */
  readonly rows: Readonly<Record<TableName, number>>;
}

/**
 * Options of {@link generateTpch}.
 *
 * @example
 * const o: GenerateOptions = { rowGroupSize: 8192 };
 */
export interface GenerateOptions {
  /** Rows per Parquet row group (default ROW_GROUP); small ones make many partitions. */
  readonly rowGroupSize?: number;
}

/**
 * Generates the eight TPC-H-like tables at scale factor `sf` as Parquet directories under `dir`
 * (`dir/<table>/part.<k>.parquet`), or reuses them when `dir` already holds a finished run of
 * this generator with the same scale factor and row-group size.
 *
 * @example
 * const files = await generateTpch(join(tmpdir(), 'tpch-sf0.1'), 0.1);
 */
export async function generateTpch(
  dir: string,
  sf: number,
  options: GenerateOptions = {},
): Promise<TpchFiles> {
  const rowGroupSize = options.rowGroupSize ?? ROW_GROUP;
  if (!Number.isInteger(rowGroupSize) || rowGroupSize < 1)
    throw new RangeError(
      `generateTpch: rowGroupSize must be a positive integer, got ${rowGroupSize}`,
    );
  const n = cardinalities(sf);
  const tables = Object.fromEntries(TABLES.map((t) => [t, join(dir, t)])) as Record<
    TableName,
    string
  >;
  const marker = join(dir, MARKER);
  if (existsSync(marker)) {
    const done = JSON.parse(readFileSync(marker, 'utf8')) as {
      version: number;
      sf: number;
      rowGroupSize: number;
      rows: Record<TableName, number>;
    };
    if (done.version === VERSION && done.sf === sf && done.rowGroupSize === rowGroupSize)
      return { dir, sf, tables, rowGroupSize, rows: done.rows };
  }
  rmSync(dir, { recursive: true, force: true });
  for (const t of TABLES) mkdirSync(tables[t], { recursive: true });
  const pool = new TextEncoder().encode(
    textPool(Math.max(1 << 20, Math.min(1 << 23, sf * (1 << 23)))),
  );
  const g: Gen = { sf, n, pool };
  const rows = Object.fromEntries(TABLES.map((t) => [t, 0])) as Record<TableName, number>;
  const count = (cols: Columns): number => Object.values(cols)[0].length;
  const simple: readonly [TableName, (g: Gen) => Generator<Columns>][] = [
    ['region', region],
    ['nation', nation],
    ['supplier', supplier],
    ['part', part],
    ['partsupp', partsupp],
    ['customer', customer],
  ];
  for (const [name, gen] of simple) {
    let k = 0;
    for (const cols of gen(g)) {
      rows[name] += count(cols);
      await writeChunk(tables[name], k++, cols, rowGroupSize);
    }
  }
  let k = 0;
  for (const { orders, lineitem } of ordersAndLines(g)) {
    rows.orders += count(orders);
    rows.lineitem += count(lineitem);
    await writeChunk(tables.orders, k, orders, rowGroupSize);
    await writeChunk(tables.lineitem, k, lineitem, rowGroupSize);
    k++;
  }
  writeFileSync(marker, JSON.stringify({ version: VERSION, sf, rowGroupSize, rows }));
  return { dir, sf, tables, rowGroupSize, rows };
}
