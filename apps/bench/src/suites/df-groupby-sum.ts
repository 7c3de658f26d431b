// Suite `df-groupby-sum`: a sum per group over 10M rows (an int32 key, a float64 value), once with
// 100 groups and once with 1M, side by side in one run: dask-ts's dataframe on 2 worker threads
// (readParquet -> groupby('key') -> agg({ value: 'sum' }), as a user writes it), DuckDB and
// nodejs-polars on the same Parquet files (2 threads each), Python dask.dataframe on a CSV copy
// (2 threads; it cannot read Parquet here), and arquero (single-threaded, in process) on the
// Parquet read by our reader into typed arrays. Every answer (groups found and the total of the
// sums) must equal dask-ts's to 1e-6 relative. With many groups, dask-ts also runs with
// `groupby(key, { shuffle: true })` (what Dask's split_out asks for). Sizes: DF_GROUPBY_ROWS
// (default 10,000,000) and DF_GROUPBY_MANY (the larger group count, default 1,000,000); --quick
// uses 200k rows and 20k groups.
import { readParquet } from '@dask-ts/dataframe';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { table as aqTable, op } from 'arquero';
import { fmt, int, nowNs, type Suite, type SuiteResult } from '../harness.js';
import { warmThreads } from './bag-data.js';
import { keyValueData, type Dataset } from './df-groupby-sum-data.js';
import {
  daskPeer,
  duckRow,
  loadPolars,
  OUTCOME_HEADERS,
  outcomeRows,
  sqlString,
  timeChecked,
  totalsReference,
  withDuck,
  type Outcome,
} from './df-groupby-sum-peers.js';
import { tableTotals } from './df-runs.js';

const WORKERS = 2;

/** A positive integer from the environment, or the default. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`${name} must be a positive whole number, got '${raw}'`);
  return n;
}

/** The five implementations on one dataset. */
async function runShape(
  data: Dataset,
  reps: number,
  threads: ReturnType<typeof createThreadsScheduler>,
  notes: string[],
  shuffle: boolean,
): Promise<Outcome[]> {
  const check = totalsReference();
  const out: Outcome[] = [];
  out.push(
    await timeChecked(
      `dask-ts dataframe, threads (${WORKERS} workers)`,
      'Parquet',
      reps,
      async () =>
        tableTotals(
          await readParquet(data.parquetDir, { splitRowGroups: true })
            .groupby('key')
            .agg({ value: 'sum' })
            .compute({ scheduler: threads }),
        ),
      check,
    ),
  );
  if (shuffle)
    // A user who knows there are many groups can ask for the shuffle (Dask's split_out); the
    // default above chooses from the key's Parquet statistics (its range bounds the groups).
    out.push(
      await timeChecked(
        `dask-ts dataframe, threads (${WORKERS} workers), groupby shuffle: true`,
        'Parquet',
        reps,
        async () =>
          tableTotals(
            await readParquet(data.parquetDir, { splitRowGroups: true })
              .groupby('key', { shuffle: true })
              .agg({ value: 'sum' })
              .compute({ scheduler: threads }),
          ),
        check,
      ),
    );
  out.push(
    await withDuck(WORKERS, (conn) =>
      timeChecked(
        `DuckDB, ${WORKERS} threads`,
        'Parquet',
        reps,
        () =>
          duckRow(
            conn,
            `SELECT count(*), sum(value) FROM (SELECT key, sum(value) AS value FROM read_parquet(${sqlString(data.parquetGlob)}) GROUP BY key)`,
          ),
        check,
      ),
    ),
  );
  const pl = await loadPolars(WORKERS);
  out.push(
    await timeChecked(
      `nodejs-polars, ${WORKERS} threads`,
      'Parquet',
      reps,
      async () => {
        const df = pl
          .scanParquet(data.parquetGlob)
          .groupBy('key')
          .agg(pl.col('value').sum())
          .collect();
        const got = await df;
        return [got.height, Number(got.getColumn('value').sum())];
      },
      check,
    ),
  );
  out.push(await daskPeer('groupby', [data.csv], reps, check, WORKERS));
  let loadMs = Infinity;
  out.push(
    await timeChecked(
      'arquero 8, 1 thread',
      'Parquet via dask-ts readParquet',
      reps,
      async () => {
        const t0 = nowNs();
        const arrow = await readParquet(data.parquetDir, { splitRowGroups: true }).compute({
          scheduler: threads,
        });
        const t = aqTable({
          key: arrow.getChild('key')!.toArray() as Int32Array,
          value: arrow.getChild('value')!.toArray() as Float64Array,
        });
        loadMs = Math.min(loadMs, Number(nowNs() - t0) / 1e6);
        const sums = t.groupby('key').rollup({ value: op.sum('value') });
        const values = sums.array('value') as ArrayLike<number>;
        let total = 0;
        for (let i = 0; i < values.length; i++) total += values[i];
        return [sums.numRows(), total];
      },
      check,
    ),
  );
  notes.push(
    `arquero's time includes loading: readParquet on ${WORKERS} threads into typed-array columns took ${fmt(loadMs)} ms (best) of it`,
  );
  return out;
}

/** The `df-groupby-sum` suite. @example await dfGroupbySum.run({ quick: true }) */
export const dfGroupbySum: Suite = {
  name: 'df-groupby-sum',
  describe:
    'groupby sum over 10M rows, 100 and 1M groups: dask-ts vs DuckDB, polars, dask.dataframe, arquero',
  async run({ quick }): Promise<SuiteResult> {
    const rows = quick ? 200_000 : envInt('DF_GROUPBY_ROWS', 10_000_000);
    const many = quick ? 20_000 : envInt('DF_GROUPBY_MANY', 1_000_000);
    const reps = quick ? 2 : 3;
    const notes: string[] = [];
    const table: string[][] = [];
    const threads = createThreadsScheduler({ workers: WORKERS });
    try {
      await warmThreads(threads, WORKERS);
      for (const groups of [100, many]) {
        const data = await keyValueData('groupby-sum', { rows, keys: groups, seed: 7 });
        notes.push(
          `${int(groups)} groups: ${fmt(rows / 1e6)} M rows, Parquet ${fmt(data.parquetBytes / 2 ** 20)} MiB (snappy, ${Math.ceil(rows / (1 << 20))} files of 1M-row row groups), CSV ${fmt(data.csvBytes / 2 ** 20)} MiB`,
        );
        const outcomes = await runShape(data, reps, threads, notes, groups > 100);
        const { rows: r, problems } = outcomeRows(outcomes, rows);
        table.push(...r.map((cells) => [int(groups), ...cells]));
        notes.push(...problems.map((p) => `${int(groups)} groups: ${p}`));
      }
    } finally {
      await threads.close();
    }
    notes.push(
      `best of ${reps}; every answer (groups found, total of the sums) equals dask-ts's to 1e-6 relative; DuckDB's query counts and totals the grouped rows inside DuckDB; dask.dataframe reads the CSV copy (no pyarrow here), so its time includes CSV parsing`,
      'a loaded shared 2-core machine (other jobs running): compare within one run',
    );
    return {
      suite: 'df-groupby-sum',
      title: 'groupby sum, 100 and many groups',
      headers: ['groups', ...OUTCOME_HEADERS],
      rows: table,
      notes,
    };
  },
};
