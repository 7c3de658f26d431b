// The eight tables as lazy dataframes over the generated Parquet directories, and what a query
// returns. Policy: the large tables (lineitem, orders, partsupp) are read one partition per row
// group so threads share them; the small ones are one partition each, so joins with them are
// broadcast joins (as a user who knows a dimension table is small would arrange); low-cardinality
// strings are read as categories (as a user who knows them would). Answers are plain
// rows (small: every query aggregates or limits), compared with DuckDB's in the test and the suite.
import { DataType } from 'apache-arrow';
import { readParquet, type DataFrame } from '@dask-ts/dataframe';
import type { GraphComputeOptions } from '@dask-ts/graph';
import type { TableName, TpchFiles } from './generate.js';
import type { QueryParams } from './params.js';

/**
 * The tables of one generated directory, as dataframes.
 *
 * @example
 * const t = tpchTables(await generateTpch(dir, 0.01));
 * await t.nation.compute();
 */
export type Tables = Readonly<Record<TableName, DataFrame>>;

const SPLIT: ReadonlySet<TableName> = new Set<TableName>(['lineitem', 'orders', 'partsupp']);

/**
 * Low-cardinality string columns (flags, modes, segments, names of a few dozen values) read as
 * categories: the file's dictionary becomes the
 * categories, and filters and string functions on them run once per category.
 */
const CATEGORIES: Readonly<Partial<Record<TableName, readonly string[]>>> = {
  lineitem: ['l_returnflag', 'l_linestatus', 'l_shipinstruct', 'l_shipmode'],
  orders: ['o_orderstatus', 'o_orderpriority'],
  customer: ['c_mktsegment'],
  part: ['p_mfgr', 'p_brand', 'p_type', 'p_container'],
  nation: ['n_name'],
  region: ['r_name'],
};

/**
 * Opens the generated tables (nothing is read until a query computes).
 *
 * @example
 * const t = tpchTables(files);
 */
export function tpchTables(files: TpchFiles): Tables {
  const out = {} as Record<TableName, DataFrame>;
  for (const [name, path] of Object.entries(files.tables) as [TableName, string][])
    out[name] = readParquet(path, {
      splitRowGroups: SPLIT.has(name),
      categories: CATEGORIES[name] ?? [],
    });
  return out;
}

/**
 * The first `n` rows of a sorted dataframe, looking through all its partitions: `head` reads only
 * the first partition unless told otherwise (as Dask's does), and a sort's first partition may
 * hold fewer than `n` rows.
 *
 * @example
 * const top = firstRows(df.sortValues('revenue', { ascending: false }), 10);
 */
export function firstRows(df: DataFrame, n: number): DataFrame {
  return df.head(n, { npartitions: df.npartitions });
}

/** A cell of an answer. @example const c: Cell = 'EUROPE'; */
export type Cell = number | string | null;

/**
 * A query's answer: column names and rows, in the query's order.
 *
 * @example
 * const a: Answer = { columns: ['n'], rows: [[1]] };
 */
export interface Answer {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

/**
 * What a query's computed table is (an Arrow table, typed without importing apache-arrow).
 *
 * @example
 * const table: Computed = await df.compute();
 */
export type Computed = Awaited<ReturnType<DataFrame['compute']>>;

const cell = (v: unknown): Cell =>
  v === null || v === undefined
    ? null
    : typeof v === 'bigint'
      ? Number(v)
      : typeof v === 'number' || typeof v === 'string'
        ? v
        : typeof v === 'boolean'
          ? Number(v)
          : isDate(v)
            ? isoDay(v.getTime())
            : String(v);

/**
 * Whether a value is a Date (of any realm: test sandboxes have their own `Date`).
 *
 * @example
 * isDate(new Date()); // true
 */
export const isDate = (v: unknown): v is Date =>
  Object.prototype.toString.call(v) === '[object Date]';

/**
 * A date (milliseconds since 1970-01-01 UTC) as DuckDB shows one: 'YYYY-MM-DD'.
 *
 * @example
 * isoDay(0); // '1970-01-01'
 */
export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The rows of a computed table, for the named columns in that order.
 *
 * @example
 * const a = answerOf(await df.compute(), ['n_name', 'revenue']);
 */
export function answerOf(table: Computed, columns: readonly string[]): Answer {
  const vectors = columns.map((c) => {
    const v = table.getChild(c);
    if (v === null)
      throw new Error(
        `TPC-H answer: no column '${c}' in ${table.schema.fields.map((f) => f.name).join(', ')}`,
      );
    // Arrow gives a date32 value as milliseconds: shown as its day, as DuckDB does.
    const date = DataType.isDate(v.type);
    return {
      get: (i: number): Cell =>
        date && typeof v.get(i) === 'number' ? isoDay(v.get(i) as number) : cell(v.get(i)),
    };
  });
  const rows: Cell[][] = [];
  for (let i = 0; i < table.numRows; i++) rows.push(vectors.map((v) => v.get(i)));
  return { columns, rows };
}

/**
 * One of the 22 queries written with the dataframe API. `run` computes it with the options given
 * (the scheduler) and returns its answer; `sf` is the scale factor (Q11's fraction depends on it);
 * `params` replace validation values of substitution parameters (params.ts).
 *
 * @example
 * const a = await q1.run(tables, { scheduler: 'sync' }, 0.01);
 */
export interface TpchQuery {
  readonly id: number;
  run(t: Tables, options: GraphComputeOptions, sf: number, params?: QueryParams): Promise<Answer>;
}
