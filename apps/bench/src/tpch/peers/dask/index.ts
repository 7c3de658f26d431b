// Python dask.dataframe as a peer of the tpch suites. Debian's Dask has no pyarrow, so the
// generated Parquet tables are first copied to CSV by DuckDB (`<dir>-csv/<table>.csv`, beside the
// Parquet directory, whose size the suite reports), once per generated directory: a marker holds
// the generator's own marker text, so regenerated Parquet means new CSV. Then python/tpch_dask.py
// runs the 22 queries in one process (best of `reps` each) and prints every answer. Policy: Dask
// missing, the script failing, or one query failing is reported as such, never thrown: the suite
// still runs every other implementation.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON, runJson } from '../../../harness.js';
import { daskAvailable, DASK_MISSING } from '../../../peers/dask.js';
import { duckCopyToCsv } from '../../../suites/df-groupby-sum-data.js';
import { TABLES, type TpchFiles } from '../../generate.js';
import { differ } from '../../compare.js';
import { VALIDATION } from '../../params.js';
import type { Answer, Cell } from '../../tables.js';

const SCRIPT = fileURLToPath(new URL('../../../../python/tpch_dask.py', import.meta.url));
const MARKER = 'csv-complete.json';

/**
 * Copies the generated tables to CSV once (dates stay ISO strings) and gives the directory.
 *
 * @example
 * const csvDir = await tpchCsv(files);
 */
export async function tpchCsv(files: TpchFiles): Promise<string> {
  const dir = `${files.dir}-csv`;
  const source = readFileSync(join(files.dir, 'tpch-complete.json'), 'utf8');
  const marker = join(dir, MARKER);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === source) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const t of TABLES)
    await duckCopyToCsv(join(files.tables[t], '*.parquet'), join(dir, `${t}.csv`));
  writeFileSync(marker, source);
  return dir;
}

/** One query's outcome on Dask: its best time and answer, or why there is none. */
export interface DaskQuery {
  readonly ms?: number;
  readonly answer?: Answer;
  readonly problem?: string;
}

interface ScriptQuery {
  readonly id: number;
  readonly ms?: number;
  readonly columns?: string[];
  readonly rows?: Cell[][];
  readonly error?: string;
}

/**
 * Runs the 22 queries on Dask's threaded scheduler (`workers` threads) over the CSV copies: a map
 * from query number to outcome, or a string saying why Dask did not run at all.
 *
 * @example
 * const dask = await runDaskTpch(files, 3, 2);
 * if (typeof dask !== 'string') console.log(dask.get(6)?.ms);
 */
export async function runDaskTpch(
  files: TpchFiles,
  reps: number,
  workers: number,
): Promise<Map<number, DaskQuery> | string> {
  if (!daskAvailable()) return DASK_MISSING;
  try {
    const csvDir = await tpchCsv(files);
    const out = await runJson<{ dask: string; queries: ScriptQuery[] }>(PYTHON, [
      SCRIPT,
      csvDir,
      '--sf',
      String(files.sf),
      '--reps',
      String(reps),
      '--workers',
      String(workers),
      '--params',
      JSON.stringify(VALIDATION),
    ]);
    return new Map(
      out.queries.map((q): [number, DaskQuery] => [
        q.id,
        q.error !== undefined || q.columns === undefined || q.rows === undefined
          ? { problem: `error: ${q.error ?? 'no answer'}` }
          : { ms: q.ms, answer: { columns: q.columns, rows: q.rows } },
      ]),
    );
  } catch (err) {
    return `dask.dataframe did not run: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * A Dask query's outcome checked against the reference answer (`differ`): its time, or why it
 * has none (an error, a wrong answer, or no reference to check against).
 *
 * @example
 * const t = checkedDask(dask.get(3), duckAnswer, ORDER_BY[3]);
 */
export function checkedDask(
  q: DaskQuery | undefined,
  want: Answer | undefined,
  orderBy: readonly string[],
): { ms?: number; problem?: string } {
  if (q === undefined) return { problem: 'error: no outcome from tpch_dask.py' };
  if (q.answer === undefined || q.ms === undefined) return { problem: q.problem ?? 'error' };
  if (want === undefined) return { problem: 'error: no reference answer to check against' };
  let why: string | undefined;
  try {
    why = differ(q.answer, want, orderBy);
  } catch (err) {
    why = err instanceof Error ? err.message : String(err);
  }
  return why === undefined ? { ms: q.ms } : { problem: `wrong answer: ${why}` };
}
