// Suite `df-parquet`: a 2M-row Parquet file (an int32 key with 100 values and a float64 value,
// snappy, row groups of 250k rows; --quick uses 200k rows) read and grouped:
// readParquet(file, { splitRowGroups: true }) -> groupby('key') -> agg({ value: 'sum' }), on the
// sync scheduler and on threads (2 workers), vs DuckDB (`SELECT key, sum(value) FROM
// read_parquet(...) GROUP BY key`, 2 threads) on the same file. Every implementation must find the
// same number of groups and the same total (to 1e-6 relative). The file is written once per size
// into the OS temp directory (by dask-ts's own toParquet) from df-runs.ts's seeded columns.
import { existsSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { fromColumns, readParquet } from '@dask-ts/dataframe';
import { fmt, ratio, type Suite, type SuiteResult } from '../harness.js';
import { bestWithCpu } from './bag-data.js';
import { groupbyColumns, timeDaskTs, totalsChecker } from './df-runs.js';

const ROW_GROUP = 250_000;

async function parquetFile(rows: number): Promise<string> {
  const path = join(tmpdir(), `dask-ts-bench-groupby-${rows}.parquet`);
  if (existsSync(path)) return path;
  const dir = `${path}.partial`;
  const [written] = await fromColumns(groupbyColumns(rows)).toParquet(dir, {
    compression: 'snappy',
    rowGroupSize: ROW_GROUP,
    scheduler: 'sync',
  });
  renameSync(written, path);
  return path;
}

/** The `df-parquet` suite. @example await dfParquet.run({ quick: true }) */
export const dfParquet: Suite = {
  name: 'df-parquet',
  describe: 'Parquet read + groupby sum over a 2M-row file: dask-ts dataframe vs DuckDB',
  async run({ quick }): Promise<SuiteResult> {
    const rows = quick ? 200_000 : 2_000_000;
    const reps = quick ? 2 : 5;
    const path = await parquetFile(rows);
    const mib = statSync(path).size / 2 ** 20;
    const check = totalsChecker();
    const results = await timeDaskTs(
      () => readParquet(path, { splitRowGroups: true }).groupby('key').agg({ value: 'sum' }),
      reps,
      check,
    );
    const duck = await DuckDBInstance.create(':memory:', { threads: '2' });
    try {
      const conn = await duck.connect();
      const sql = `SELECT key, sum(value) AS value FROM read_parquet('${path.replace(/'/g, "''")}') GROUP BY key`;
      const d = await bestWithCpu(reps, async () => {
        const rowsOut = (await conn.runAndReadAll(sql)).getRows();
        check([rowsOut.length, rowsOut.reduce((a, r) => a + Number(r[1]), 0)], 'DuckDB');
      });
      conn.closeSync();
      results.push({ name: 'DuckDB (@duckdb/node-api), 2 threads', ...d });
    } finally {
      duck.closeSync();
    }
    const ref = results[results.length - 1].best;
    return {
      suite: 'df-parquet',
      title: 'Parquet read + groupby sum',
      headers: ['implementation', 'best ms', 'CPU ms', 'M rows/s', 'speed-up vs DuckDB'],
      rows: results.map((r) => [
        r.name,
        fmt(r.best),
        fmt(r.cpu),
        fmt(rows / 1e6 / (r.best / 1000)),
        ratio(ref, r.best),
      ]),
      notes: [
        `${fmt(rows / 1e6)} M rows, ${fmt(mib)} MiB snappy Parquet, row groups of ${ROW_GROUP / 1000}k rows (one task each), best of ${reps}; a loaded shared 2-core machine: compare within one run`,
      ],
    };
  },
};
