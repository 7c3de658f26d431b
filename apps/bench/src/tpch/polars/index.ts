// nodejs-polars as a peer: lazy Parquet scans of the generated tables and the 22 queries in
// polars' own API (queries.ts). Polars reads its thread count once, when it loads, so the module
// is imported here, after POLARS_MAX_THREADS is set; when it is not installed the suite says so.
import type { TableName, TpchFiles } from '../generate.js';
import { isDate, isoDay, type Answer, type Cell } from '../tables.js';
import type { Pl, Scans } from './queries.js';

/**
 * The polars peer: `run(id)` collects query `id` and returns its answer.
 *
 * @example
 * const p = await openPolars(files, 2);
 * await p.run(1);
 */
export interface TpchPolars {
  run(id: number): Promise<Answer>;
}

const cellOf = (v: unknown): Cell =>
  v === null || v === undefined
    ? null
    : typeof v === 'number' || typeof v === 'string'
      ? v
      : typeof v === 'bigint' || typeof v === 'boolean'
        ? Number(v)
        : isDate(v)
          ? isoDay(v.getTime())
          : String(v);

/**
 * Loads nodejs-polars with `threads` threads and opens the tables as lazy scans.
 *
 * @example
 * const p = await openPolars(files, 2);
 */
export async function openPolars(files: TpchFiles, threads: number): Promise<TpchPolars> {
  process.env.POLARS_MAX_THREADS = String(threads);
  const mod = (await import('nodejs-polars')) as unknown as { default: Pl };
  const pl = mod.default;
  const { POLARS_QUERIES } = await import('./queries.js');
  const scans = Object.fromEntries(
    (Object.entries(files.tables) as [TableName, string][]).map(([name, dir]) => [
      name,
      pl.scanParquet(`${dir}/*.parquet`),
    ]),
  ) as Scans;
  return {
    async run(id) {
      const q = POLARS_QUERIES[id - 1];
      if (q === undefined) throw new RangeError(`TPC-H has queries 1 to 22, got ${id}`);
      const df = await q(pl, scans, files.sf);
      const columns = df.columns;
      return { columns, rows: df.rows().map((r) => (r as unknown[]).map(cellOf)) };
    },
  };
}
