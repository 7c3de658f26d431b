// Suite `df-join`: an inner join of 10M rows (an int32 key drawn uniformly from 0..1.25M-1 and a
// float64 value) with 1M rows (each key 0..1M-1 once, and a float64 weight) on the key, then a
// small aggregate so every answer is checkable: the joined rows and the sum of value * weight.
// Side by side in one run: dask-ts's dataframe on 2 worker threads (readParquet -> merge -> assign
// -> count and sum, as a user writes it; the optimizer picks the join's strategy), DuckDB and
// nodejs-polars on the same Parquet files (2 threads each), Python dask.dataframe on CSV copies
// (it cannot read Parquet here), and arquero (single-threaded, in process) on the Parquet read by
// our reader into typed arrays. Sizes: DF_JOIN_LEFT (default 10,000,000) and DF_JOIN_RIGHT
// (default 1,000,000); --quick uses 200k x 20k.
import { col, readParquet } from '@dask-ts/dataframe';
import { compute } from '@dask-ts/graph';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { table as aqTable, op } from 'arquero';
import { fmt, nowNs, type Suite, type SuiteResult } from '../harness.js';
import { warmThreads } from './bag-data.js';
import { keyValueData } from './df-groupby-sum-data.js';
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
import { envInt } from './df-groupby-sum.js';

const WORKERS = 2;

type Threads = ReturnType<typeof createThreadsScheduler>;

/** Reads Parquet with our reader into arquero (typed-array columns). */
async function arqueroTable(dir: string, names: readonly string[], threads: Threads) {
  const arrow = await readParquet(dir, { splitRowGroups: true }).compute({ scheduler: threads });
  return aqTable(Object.fromEntries(names.map((n) => [n, arrow.getChild(n)!.toArray()])));
}

/** The `df-join` suite. @example await dfJoin.run({ quick: true }) */
export const dfJoin: Suite = {
  name: 'df-join',
  describe:
    '10M x 1M-row join on an integer key + count/sum: dask-ts vs DuckDB, polars, dask.dataframe, arquero',
  async run({ quick }): Promise<SuiteResult> {
    const leftRows = quick ? 200_000 : envInt('DF_JOIN_LEFT', 10_000_000);
    const rightRows = quick ? 20_000 : envInt('DF_JOIN_RIGHT', 1_000_000);
    const reps = quick ? 2 : 3;
    const keys = Math.round(rightRows * 1.25);
    const left = await keyValueData('join-left', { rows: leftRows, keys, seed: 11 });
    const right = await keyValueData('join-right', {
      rows: rightRows,
      keys: 'dense',
      seed: 13,
      valueName: 'weight',
    });
    const check = totalsReference();
    const out: Outcome[] = [];
    const notes: string[] = [];
    const threads = createThreadsScheduler({ workers: WORKERS });
    try {
      await warmThreads(threads, WORKERS);
      out.push(
        await timeChecked(
          `dask-ts dataframe, threads (${WORKERS} workers)`,
          'Parquet',
          reps,
          async () => {
            const product = readParquet(left.parquetDir, { splitRowGroups: true })
              .merge(readParquet(right.parquetDir, { splitRowGroups: true }), { on: 'key' })
              .assign({ p: col('value').mul(col('weight')) })
              .col('p');
            const [n, total] = await compute(product.count(), product.sum(), {
              scheduler: threads,
            });
            return [Number(n), Number(total)];
          },
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
                `SELECT count(*), sum(l.value * r.weight) FROM read_parquet(${sqlString(left.parquetGlob)}) l JOIN read_parquet(${sqlString(right.parquetGlob)}) r ON l.key = r.key`,
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
            const got = await pl
              .scanParquet(left.parquetGlob)
              .join(pl.scanParquet(right.parquetGlob), { on: 'key' })
              .select(pl.col('value').mul(pl.col('weight')).alias('p'))
              .select(pl.col('p').count().alias('n'), pl.col('p').sum().alias('s'))
              .collect();
            return [Number(got.getColumn('n').get(0)), Number(got.getColumn('s').get(0))];
          },
          check,
        ),
      );
      out.push(await daskPeer('join', [left.csv, right.csv], reps, check, WORKERS));
      let loadMs = Infinity;
      out.push(
        await timeChecked(
          'arquero 8, 1 thread',
          'Parquet via dask-ts readParquet',
          reps,
          async () => {
            const t0 = nowNs();
            const l = await arqueroTable(left.parquetDir, ['key', 'value'], threads);
            const r = await arqueroTable(right.parquetDir, ['key', 'weight'], threads);
            loadMs = Math.min(loadMs, Number(nowNs() - t0) / 1e6);
            const agg = l.join(r, 'key').rollup({
              n: op.count(),
              s: (d: { value: number; weight: number }) => op.sum(d.value * d.weight),
            });
            return [Number(agg.get('n', 0)), Number(agg.get('s', 0))];
          },
          check,
        ),
      );
      notes.push(
        `arquero's time includes loading both sides with readParquet on ${WORKERS} threads into typed-array columns: ${fmt(loadMs)} ms (best) of it`,
      );
    } finally {
      await threads.close();
    }
    const { rows, problems } = outcomeRows(out, leftRows);
    return {
      suite: 'df-join',
      title: `inner join ${fmt(leftRows / 1e6)}M x ${fmt(rightRows / 1e6)}M rows on an integer key, then count and sum`,
      headers: OUTCOME_HEADERS,
      rows,
      notes: [
        `left ${fmt(leftRows / 1e6)} M rows (key uniform in 0..${keys - 1}, so ~${Math.round((100 * rightRows) / keys)}% match), Parquet ${fmt(left.parquetBytes / 2 ** 20)} MiB, CSV ${fmt(left.csvBytes / 2 ** 20)} MiB; right ${fmt(rightRows / 1e6)} M rows (each key once), Parquet ${fmt(right.parquetBytes / 2 ** 20)} MiB; M rows/s counts the left side`,
        ...notes,
        ...problems,
        `best of ${reps}; every answer (joined rows, sum of value * weight) equals dask-ts's to 1e-6 relative; dask.dataframe reads the CSV copies (no pyarrow here), so its time includes CSV parsing`,
        'a loaded shared 2-core machine (other jobs running): compare within one run',
      ],
    };
  },
};
