// DuckDB as the reference and the peer: one in-memory database with a view per table over the
// generated Parquet files (sql.ts), answering the specification's SQL. Values come back through
// DuckDB's JSON conversion (dates as ISO strings, decimals and big integers as text) and are
// turned into numbers where they read as numbers.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { TpchFiles } from './generate.js';
import type { QueryParams } from './params.js';
import { tpchSql, viewStatements } from './sql.js';
import type { Answer, Cell } from './tables.js';

/**
 * A DuckDB connection with the TPC-H views.
 *
 * @example
 * const duck = await openDuck(files, 2);
 * const a = await duck.run(6);
 * duck.close();
 */
export interface TpchDuck {
  run(id: number, params?: QueryParams): Promise<Answer>;
  /** Any SQL over the views (the test's checks of the generator's value rules). */
  sql(text: string): Promise<Answer>;
  close(): void;
}

const cellOf = (v: unknown): Cell => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(v) ? Number(v) : v;
  if (typeof v === 'boolean') return Number(v);
  return String(v);
};

/**
 * Opens DuckDB (in memory, `threads` threads) over the generated files.
 *
 * @example
 * const duck = await openDuck(files, 2);
 */
export async function openDuck(files: TpchFiles, threads: number): Promise<TpchDuck> {
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  let conn: DuckDBConnection | undefined;
  try {
    conn = await db.connect();
    for (const s of viewStatements(files)) await conn.run(s);
  } catch (err) {
    conn?.closeSync();
    db.closeSync();
    throw err;
  }
  const c = conn;
  const sql = async (text: string): Promise<Answer> => {
    const reader = await c.runAndReadAll(text);
    return { columns: reader.columnNames(), rows: reader.getRowsJson().map((r) => r.map(cellOf)) };
  };
  return {
    run: (id, params) => sql(tpchSql(id, files.sf, params)),
    sql,
    close() {
      c.closeSync();
      db.closeSync();
    },
  };
}
