// The input of the df-csv2parquet suite: a seeded CSV of order-line-like rows (integers, money
// with two decimals, a one-letter flag, a word from a small vocabulary, an ISO date and a free-text
// comment, ~85 bytes a row) grown to a target size, written once into the OS temp directory and
// reused; it appears only when complete (written to a `.partial` name, then renamed). The check
// reads every written output back through DuckDB: rows, sum(qty) and sum(price).
import {
  createWriteStream,
  existsSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { duckRow, sqlString, withDuck, type Totals } from './df-groupby-sum-peers.js';

const MODES = ['AIR', 'MAIL', 'SHIP', 'TRUCK', 'RAIL', 'FOB', 'REG AIR'];
const FLAGS = ['A', 'N', 'R'];
const WORDS =
  'quick brown fox jumps over lazy dogs final deposits sleep carefully ironic packages'.split(' ');
const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(1992, 0, 1);
const DATES = Array.from({ length: 2557 }, (_, d) =>
  new Date(EPOCH + d * DAY_MS).toISOString().slice(0, 10),
);

/**
 * Writes (once) a CSV of about `bytes` bytes and gives its path, size and row count.
 *
 * @example
 * const { path, rows } = await csvInput(16 << 20);
 */
export async function csvInput(
  bytes: number,
): Promise<{ path: string; bytes: number; rows: number }> {
  const path = join(tmpdir(), `dask-ts-bench-csv2parquet-${bytes}-v1.csv`);
  const rowsFile = `${path}.rows`;
  if (existsSync(path) && existsSync(rowsFile))
    return { path, bytes: statSync(path).size, rows: Number(readFileSync(rowsFile, 'utf8')) };
  let s = 17;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const tmp = `${path}.partial`;
  const out = createWriteStream(tmp);
  out.write('id,key,qty,price,flag,mode,shipdate,comment\n');
  let written = 0;
  let rows = 0;
  while (written < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 8192; i++) {
      const words = 2 + Math.floor(next() * 5);
      let comment = pick(WORDS);
      for (let w = 1; w < words; w++) comment += ` ${pick(WORDS)}`;
      lines.push(
        `${rows + i},${Math.floor(next() * 1_000_000)},${1 + Math.floor(next() * 50)},${(Math.floor(next() * 10_000_000) / 100).toFixed(2)},${pick(FLAGS)},${pick(MODES)},${pick(DATES)},${comment}`,
      );
    }
    const chunk = lines.join('\n') + '\n';
    rows += lines.length;
    written += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  renameSync(tmp, path);
  writeFileSync(rowsFile, String(rows));
  return { path, bytes: statSync(path).size, rows };
}

/**
 * Rows, sum(qty) and sum(price) of written Parquet files (a glob), read back by DuckDB.
 *
 * @example
 * const [rows, qty, price] = await parquetTotals('/tmp/out/*.parquet');
 */
export function parquetTotals(glob: string): Promise<Totals> {
  return withDuck(2, (conn) =>
    duckRow(
      conn,
      `SELECT count(*), sum(qty), sum(CAST(price AS DOUBLE)) FROM read_parquet(${sqlString(glob)})`,
    ),
  );
}
