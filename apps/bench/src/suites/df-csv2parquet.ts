// Suite `df-csv2parquet`: a CSV of ~1 GiB (8 columns: integers, money, flags, words, ISO dates,
// text) converted to snappy Parquet, side by side in one run: dask-ts's dataframe on 2 worker
// threads (readCsv -> toParquet, as a user writes it: our CSV reader in 64 MiB blocks, our Parquet
// writer, one file per block), DuckDB (COPY ... TO ... (FORMAT PARQUET), 2 threads) and
// nodejs-polars (scanCSV -> sinkParquet, 2 threads). Python Dask cannot write Parquet here (no
// pyarrow or fastparquet in Debian), so it runs read_csv -> to_csv, a different job shown as such;
// arquero has no Parquet writer and is left out. Every Parquet output is read back by DuckDB and
// must hold the input's rows, sum(qty) and sum(price). Size: DF_CSV_MIB (default 1024); --quick
// uses 16 MiB. Outputs go to the OS temp directory and are deleted after the run.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv } from '@dask-ts/dataframe';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { fmt, type Suite, type SuiteResult } from '../harness.js';
import { warmThreads } from './bag-data.js';
import { csvInput, parquetTotals } from './df-csv2parquet-data.js';
import {
  daskPeer,
  loadPolars,
  outcomeRows,
  OUTCOME_HEADERS,
  sqlString,
  timeChecked,
  totalsReference,
  withDuck,
  type Outcome,
  type Totals,
} from './df-groupby-sum-peers.js';
import { envInt } from './df-groupby-sum.js';

const WORKERS = 2;

/** The `df-csv2parquet` suite. @example await dfCsv2parquet.run({ quick: true }) */
export const dfCsv2parquet: Suite = {
  name: 'df-csv2parquet',
  describe: 'CSV (~1 GiB) to snappy Parquet: dask-ts vs DuckDB COPY, polars, dask.dataframe to_csv',
  async run({ quick }): Promise<SuiteResult> {
    const target = (quick ? 16 : envInt('DF_CSV_MIB', 1024)) * 2 ** 20;
    const reps = quick ? 2 : 3;
    const input = await csvInput(target);
    const outRoot = join(tmpdir(), `dask-ts-bench-csv2parquet-out-${process.pid}`);
    const check = totalsReference();
    const out: Outcome[] = [];
    let rep = 0;
    /** A fresh output path for each run (the previous ones are deleted at the end). */
    const fresh = (who: string): string => join(outRoot, `${who}-${rep++}`);
    const threads = createThreadsScheduler({ workers: WORKERS });
    try {
      await warmThreads(threads, WORKERS);
      out.push(
        await timeChecked(
          `dask-ts dataframe, threads (${WORKERS} workers)`,
          'CSV -> Parquet',
          reps,
          async () => {
            const dir = fresh('dask-ts');
            await readCsv(input.path).toParquet(dir, { compression: 'snappy', scheduler: threads });
            return () => parquetTotals(join(dir, '*.parquet'));
          },
          check,
        ),
      );
      out.push(
        await withDuck(WORKERS, (conn) =>
          timeChecked(
            `DuckDB COPY, ${WORKERS} threads`,
            'CSV -> Parquet',
            reps,
            async () => {
              const file = `${fresh('duckdb')}.parquet`;
              await conn.run(
                `COPY (SELECT * FROM read_csv_auto(${sqlString(input.path)})) TO ${sqlString(file)} (FORMAT PARQUET, COMPRESSION SNAPPY)`,
              );
              return () => parquetTotals(file);
            },
            check,
          ),
        ),
      );
      const pl = await loadPolars(WORKERS);
      out.push(
        await timeChecked(
          `nodejs-polars, ${WORKERS} threads`,
          'CSV -> Parquet',
          reps,
          async () => {
            const file = `${fresh('polars')}.parquet`;
            await pl
              .scanCSV(input.path)
              .sinkParquet(file, { compression: 'snappy', mkdir: true })
              .collect();
            return () => parquetTotals(file);
          },
          check,
        ),
      );
      const rowsOnly = (got: Totals): string | undefined =>
        got[0] === input.rows ? undefined : `wrote ${got[0]} rows, expected ${input.rows}`;
      const dask = await daskPeer('csv', [input.path, fresh('dask')], reps, rowsOnly, WORKERS);
      out.push({ ...dask, input: 'CSV -> CSV (no Parquet writer here)' });
    } finally {
      await threads.close();
      rmSync(outRoot, { recursive: true, force: true });
    }
    const { rows, problems } = outcomeRows(out, input.rows);
    return {
      suite: 'df-csv2parquet',
      title: `CSV (${fmt(input.bytes / 2 ** 30)} GiB) to snappy Parquet`,
      headers: OUTCOME_HEADERS,
      rows,
      notes: [
        `${fmt(input.rows / 1e6)} M rows x 8 columns (id, key, qty, price, flag, mode, shipdate, comment), ${fmt(input.bytes / 2 ** 20)} MiB; best of ${reps}; every written Parquet output is read back through DuckDB (untimed) and must hold dask-ts's rows, sum(qty) and sum(price)`,
        'dask.dataframe cannot write Parquet here (Debian has no pyarrow or fastparquet): its row is read_csv -> to_csv, checked by its row count only, and is not the same work; arquero has no Parquet writer and is left out',
        ...problems,
        'a loaded shared 2-core machine (other jobs running): compare within one run',
      ],
    };
  },
};
