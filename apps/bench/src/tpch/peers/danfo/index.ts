// danfojs as a peer of the tpch suites. danfo cannot read Parquet, so each table its queries need
// is read once with dask-ts's readParquet (only the columns used) and handed over with
// `compute({ as: 'danfo' })`, the dataframe package's own interop; ISO date columns become day
// numbers on the way (danfo compares numbers, not strings or Dates). Policy, as for the arquero
// peer: loading is done once and timed apart (the suite prints it), so a query's time is danfo's
// in-memory work alone, on one thread, which favours danfo. Queries danfo does not run come with
// the reason (queries.ts; at present all 22 run).
import { col, readParquet, type DataFrame } from '@dask-ts/dataframe';
import { nowNs } from '../../../harness.js';
import type { TableName, TpchFiles } from '../../generate.js';
import type { QueryParams } from '../../params.js';
import type { Answer } from '../../tables.js';
import { DANFO_QUERIES, NOT_RUN } from './queries.js';
import type { DanfoTables, DF, Dfd } from './shared.js';

/**
 * The danfo peer: `run(id)` answers query `id` (rejecting with the reason when danfo does not
 * run it); `loadMs` is the time the tables took to load.
 *
 * @example
 * const d = await openDanfo(files);
 * const a = await d.run(6);
 */
export interface TpchDanfo {
  readonly loadMs: number;
  /** Whether query `id` is written for danfo (else `run` rejects with the reason). */
  runs(id: number): boolean;
  /** The queries not run, each with its reason, for the suite's notes. */
  readonly notRun: string;
  /** Answers query `id`, with substitution parameters where given (else the validation values). */
  run(id: number, params?: QueryParams): Promise<Answer>;
}

/** The columns the danfo queries read, per table; dates end in `date`. */
const COLUMNS: Readonly<Partial<Record<TableName, readonly string[]>>> = {
  lineitem: [
    'l_orderkey',
    'l_partkey',
    'l_suppkey',
    'l_quantity',
    'l_extendedprice',
    'l_discount',
    'l_tax',
    'l_returnflag',
    'l_linestatus',
    'l_shipdate',
    'l_commitdate',
    'l_receiptdate',
    'l_shipmode',
    'l_shipinstruct',
  ],
  orders: [
    'o_orderkey',
    'o_custkey',
    'o_orderdate',
    'o_orderpriority',
    'o_shippriority',
    'o_totalprice',
    'o_orderstatus',
    'o_comment',
  ],
  customer: [
    'c_custkey',
    'c_name',
    'c_address',
    'c_nationkey',
    'c_phone',
    'c_acctbal',
    'c_mktsegment',
    'c_comment',
  ],
  nation: ['n_nationkey', 'n_name', 'n_regionkey'],
  region: ['r_regionkey', 'r_name'],
  supplier: [
    's_suppkey',
    's_nationkey',
    's_name',
    's_address',
    's_phone',
    's_acctbal',
    's_comment',
  ],
  part: ['p_partkey', 'p_name', 'p_mfgr', 'p_type', 'p_brand', 'p_container', 'p_size'],
  partsupp: ['ps_partkey', 'ps_suppkey', 'ps_availqty', 'ps_supplycost'],
};

/** A table's needed columns, ISO dates as day numbers (int32). */
function prepared(dir: string, columns: readonly string[]): DataFrame {
  const df = readParquet(dir).select(columns);
  const dates = columns.filter((c) => c.endsWith('date'));
  return df.assign(
    Object.fromEntries(dates.map((c) => [c, col(c).astype('date32').astype('int32')])),
  );
}

/**
 * Loads danfojs and the tables its queries read (through readParquet on the sync scheduler).
 *
 * @example
 * const d = await openDanfo(files);
 */
export async function openDanfo(files: TpchFiles): Promise<TpchDanfo> {
  const dfd = (await import('danfojs-node')) as unknown as Dfd;
  const t0 = nowNs();
  const tables: Partial<Record<TableName, DF>> = {};
  for (const [name, columns] of Object.entries(COLUMNS) as [TableName, string[]][])
    tables[name] = await prepared(files.tables[name], columns).compute<DF>({
      as: 'danfo',
      scheduler: 'sync',
    });
  const loadMs = Number(nowNs() - t0) / 1e6;
  const loaded: DanfoTables = tables;
  return {
    loadMs,
    runs: (id) => DANFO_QUERIES[id] !== undefined,
    notRun:
      Object.entries(NOT_RUN)
        .map(([id, why]) => `Q${id} (${why})`)
        .join('; ') || 'none',
    run(id, params) {
      const q = DANFO_QUERIES[id];
      if (q === undefined)
        return Promise.reject(new Error(`not run on danfo: ${NOT_RUN[id] ?? `no query ${id}`}`));
      try {
        return Promise.resolve(q(loaded, dfd, files.sf, params));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
  };
}
