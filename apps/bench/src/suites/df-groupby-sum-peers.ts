// What the df-groupby-sum, df-join and df-csv2parquet suites share: timing one implementation
// (best of N, each run building its query afresh) with its answer checked against the first
// implementation's, the peers' entry points (DuckDB, nodejs-polars loaded with a fixed thread
// count, Python Dask through python/df_peers_bench.py), and the result table. Policy: a peer that
// fails or answers differently is shown as such in its row (and its message in the notes), never
// hidden and never allowed to stop the other implementations; ratios are the peer's time over
// dask-ts's (above 1: dask-ts is faster).
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { fmt, nowNs, PYTHON, runJson } from '../harness.js';
import { daskAvailable, DASK_MISSING } from '../peers/dask.js';

/** A checkable answer: counts and totals, compared to 1e-6 relative. */
export type Totals = readonly number[];

/** One implementation's outcome in a suite's table. */
export interface Outcome {
  readonly name: string;
  /** What it read (Parquet, CSV, ...). */
  readonly input: string;
  readonly ms?: number;
  readonly problem?: string;
}

/**
 * A checker: the first answer given is the reference; `check` says why a later one differs.
 *
 * @example
 * const c = totalsReference(); c([3, 1.5]); c([3, 1.5]) === undefined;
 */
export function totalsReference(): (got: Totals) => string | undefined {
  let want: Totals | undefined;
  return (got) => {
    want ??= got;
    const bad =
      got.length !== want.length ||
      got.some((g, i) => Math.abs(g - want![i]) > 1e-6 * Math.max(1, Math.abs(want![i])));
    return bad ? `answered ${got.join(' / ')}, expected ${want.join(' / ')}` : undefined;
  };
}

/**
 * Times `run` `reps` times (best kept); the first answer goes through `check`. Errors and wrong
 * answers become the outcome's `problem`. `run` may give a function instead of its answer: the
 * time stops there and the function (reading a written output back) gives the answer untimed.
 *
 * @example
 * const o = await timeChecked('DuckDB', 'Parquet', 3, () => duck(), check);
 */
export async function timeChecked(
  name: string,
  input: string,
  reps: number,
  run: () => Promise<Totals | (() => Promise<Totals>)>,
  check: (got: Totals) => string | undefined,
): Promise<Outcome> {
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = nowNs();
    let got: Totals;
    let ms: number;
    try {
      const answer = await run();
      ms = Number(nowNs() - t0) / 1e6;
      got = typeof answer === 'function' ? await answer() : answer;
    } catch (err) {
      return { name, input, problem: `error: ${err instanceof Error ? err.message : String(err)}` };
    }
    best = Math.min(best, ms);
    const why = i === 0 ? check(got) : undefined;
    if (why !== undefined) return { name, input, problem: `wrong answer: ${why}` };
    process.stderr.write(`  ${name}: ${fmt(ms)} ms\n`);
  }
  return { name, input, ms: best };
}

/**
 * DuckDB (in memory, `threads` threads) for the duration of `body`.
 *
 * @example
 * await withDuck(2, async (conn) => (await conn.runAndReadAll('SELECT 1')).getRows());
 */
export async function withDuck<T>(
  threads: number,
  body: (conn: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  try {
    const conn = await db.connect();
    try {
      return await body(conn);
    } finally {
      conn.closeSync();
    }
  } finally {
    db.closeSync();
  }
}

/** The numbers of DuckDB's first row. @example await duckRow(conn, 'SELECT 1, 2') // [1, 2] */
export async function duckRow(conn: DuckDBConnection, sql: string): Promise<number[]> {
  const rows = (await conn.runAndReadAll(sql)).getRows();
  return (rows[0] ?? []).map((v) => Number(v));
}

/** SQL string literal. @example sqlString("a'b") // "'a''b'" */
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The nodejs-polars module's default export. */
export type Polars = typeof import('nodejs-polars').default;

/**
 * Loads nodejs-polars with `threads` threads (polars reads the count once, when it loads: a
 * process that loaded it earlier keeps that count).
 *
 * @example
 * const pl = await loadPolars(2);
 */
export async function loadPolars(threads: number): Promise<Polars> {
  process.env.POLARS_MAX_THREADS ??= String(threads);
  const mod = (await import('nodejs-polars')) as unknown as { default: Polars };
  return mod.default;
}

const SCRIPT = fileURLToPath(new URL('../../python/df_peers_bench.py', import.meta.url));

interface DaskPeerResult {
  readonly best_ms: number;
  readonly result: Totals;
  readonly dask: string;
}

/**
 * Runs python/df_peers_bench.py (`mode` and its paths) on Dask's threaded scheduler; its answer
 * goes through `check`. Without Dask the outcome says how to install it.
 *
 * @example
 * const o = await daskPeer('groupby', [csv], 3, check);
 */
export async function daskPeer(
  mode: 'groupby' | 'join' | 'csv',
  paths: readonly string[],
  reps: number,
  check: (got: Totals) => string | undefined,
  workers = 2,
): Promise<Outcome> {
  const input = 'CSV';
  if (!daskAvailable()) return { name: 'dask.dataframe', input, problem: DASK_MISSING };
  try {
    const r = await runJson<DaskPeerResult>(PYTHON, [
      SCRIPT,
      mode,
      ...paths,
      '--workers',
      String(workers),
      '--reps',
      String(reps),
    ]);
    const name = `dask.dataframe ${r.dask}, threads (${workers} workers)`;
    const why = check(r.result);
    return why === undefined
      ? { name, input, ms: r.best_ms }
      : { name, input, problem: `wrong answer: ${why}` };
  } catch (err) {
    return {
      name: 'dask.dataframe',
      input,
      problem: `error: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/**
 * The table rows and problem notes of a suite: each outcome with its time, throughput and the
 * ratio of its time to dask-ts's (`ours`, the first outcome named 'dask-ts...').
 *
 * @example
 * const { rows, problems } = outcomeRows(outcomes, 10_000_000);
 */
export function outcomeRows(
  outcomes: readonly Outcome[],
  rows: number,
): { rows: string[][]; problems: string[] } {
  const ours = outcomes.find((o) => o.name.startsWith('dask-ts'))?.ms;
  const problems: string[] = [];
  const table = outcomes.map((o) => {
    if (o.ms === undefined) {
      problems.push(`${o.name}: ${o.problem ?? ''}`.slice(0, 500));
      return [o.name, o.input, o.problem?.startsWith('wrong') ? 'wrong' : 'error', '-', '-'];
    }
    return [
      o.name,
      o.input,
      fmt(o.ms),
      fmt(rows / 1e6 / (o.ms / 1000)),
      ours === undefined ? '-' : `${fmt(o.ms / ours)}×`,
    ];
  });
  return { rows: table, problems };
}

/** The headers of `outcomeRows`' table. @example OUTCOME_HEADERS[0] // 'implementation' */
export const OUTCOME_HEADERS: readonly string[] = [
  'implementation',
  'input',
  'best ms',
  'M rows/s',
  'its time / dask-ts threads',
];
