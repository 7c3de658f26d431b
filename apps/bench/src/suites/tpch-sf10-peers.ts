// What the SF 10 suites run outside their own process, each under a watch (tpch-sf10-watch.ts):
// an implementation in tpch-sf10-child.ts (dask-ts, polars, arquero) or Python Dask over CSV
// copies of the tables, one query per process so that what finished survives a kill and each
// query's memory is its own. Policy: each outcome is checked against DuckDB's answer by the
// suite; a peer that dies or passes its watch's limits is shown with the limit it hit.
import { fileURLToPath } from 'node:url';
import { PYTHON } from '../harness.js';
import { daskAvailable, DASK_MISSING } from '../peers/dask.js';
import type { TpchFiles } from '../tpch/generate.js';
import { VALIDATION } from '../tpch/params.js';
import { tpchCsv } from '../tpch/peers/dask/index.js';
import type { Answer, Cell } from '../tpch/tables.js';
import type { ChildQuery } from './tpch-sf10-child.js';
import { runWatched, type WatchLimits } from './tpch-sf10-watch.js';

const CHILD = fileURLToPath(new URL('./tpch-sf10-child.js', import.meta.url));
const DASK_SCRIPT = fileURLToPath(new URL('../../python/tpch_dask.py', import.meta.url));

/**
 * One implementation's run over the queries: each query's outcome, its load time (tables read
 * before the queries, for the in-memory peers), its process's peak resident memory, and why it
 * stopped early (undefined when it finished).
 *
 * @example
 * const r: PeerRun = { queries: new Map(), peakRssMb: 0, ms: 0, problem: undefined };
 */
export interface PeerRun {
  readonly queries: ReadonlyMap<number, ChildQuery>;
  readonly loadMs?: number;
  readonly peakRssMb: number;
  readonly ms: number;
  readonly problem: string | undefined;
}

/** Options of {@link runChild}. */
export interface ChildOptions {
  readonly mode: 'ours' | 'polars' | 'arquero';
  readonly workers: number;
  readonly memoryLimitMb?: number;
  readonly shuffleLimitMb?: number;
  /** Node's flags (the heap size for arquero). */
  readonly nodeFlags?: readonly string[];
}

/**
 * Runs the 22 queries on one implementation in a watched child process.
 *
 * @example
 * const r = await runChild(files, { mode: 'ours', workers: 2 }, { maxRssMb: 12288, timeoutS: 3600 });
 */
export async function runChild(
  files: TpchFiles,
  o: ChildOptions,
  limits: WatchLimits,
): Promise<PeerRun> {
  const args = [
    ...(o.nodeFlags ?? []),
    CHILD,
    '--dir',
    files.dir,
    '--sf',
    String(files.sf),
    '--mode',
    o.mode,
    '--workers',
    String(o.workers),
    ...(o.memoryLimitMb !== undefined ? ['--memory-limit-mb', String(o.memoryLimitMb)] : []),
    ...(o.shuffleLimitMb !== undefined ? ['--shuffle-limit-mb', String(o.shuffleLimitMb)] : []),
  ];
  const w = await runWatched(process.execPath, args, limits);
  const queries = new Map<number, ChildQuery>();
  let loadMs: number | undefined;
  let hwm = 0;
  for (const l of w.lines as Record<string, unknown>[]) {
    if (typeof l.hwmMb === 'number') hwm = Math.max(hwm, l.hwmMb);
    if (typeof l.loadMs === 'number') loadMs = l.loadMs;
    if (typeof l.id === 'number') queries.set(l.id, l as unknown as ChildQuery);
  }
  return {
    queries,
    ...(loadMs !== undefined ? { loadMs } : {}),
    peakRssMb: Math.max(hwm, w.peakRssMb),
    ms: w.ms,
    problem: w.problem,
  };
}

interface ScriptOut {
  readonly queries: readonly {
    id: number;
    ms?: number;
    columns?: string[];
    rows?: Cell[][];
    error?: string;
  }[];
}

/**
 * Python dask.dataframe (threads) over CSV copies of the tables (made once, beside the Parquet
 * directory), in batches of queries, one process per batch, each watched; stops starting batches
 * once `budgetS` seconds have passed. A string when Dask is missing or the CSV copy fails.
 *
 * @example
 * const r = await runPythonDask(files, [[1], [2]], 2, { maxRssMb: 8192, timeoutS: 900 }, 3600);
 */
export async function runPythonDask(
  files: TpchFiles,
  batches: readonly (readonly number[])[],
  workers: number,
  limits: WatchLimits,
  budgetS: number,
): Promise<{ run: PeerRun; csvMs: number } | string> {
  if (!daskAvailable()) return DASK_MISSING;
  const t0 = Date.now();
  let csvDir: string;
  try {
    csvDir = await tpchCsv(files);
  } catch (err) {
    return `the CSV copy failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  const csvMs = Date.now() - t0;
  const queries = new Map<number, ChildQuery>();
  let peak = 0;
  const problems: string[] = [];
  const t1 = Date.now();
  for (const batch of batches) {
    if ((Date.now() - t1) / 1000 > budgetS) {
      problems.push(`Q${batch.join(',')} not started: the ${budgetS} s budget was spent`);
      continue;
    }
    const w = await runWatched(
      PYTHON,
      [
        DASK_SCRIPT,
        csvDir,
        '--sf',
        String(files.sf),
        '--reps',
        '1',
        '--workers',
        String(workers),
        '--queries',
        batch.join(','),
        '--params',
        JSON.stringify(VALIDATION),
      ],
      limits,
    );
    peak = Math.max(peak, w.peakRssMb);
    const out = w.lines[w.lines.length - 1] as ScriptOut | undefined;
    for (const q of out?.queries ?? []) {
      const answer: Answer | undefined =
        q.columns !== undefined && q.rows !== undefined
          ? { columns: q.columns, rows: q.rows }
          : undefined;
      queries.set(q.id, {
        id: q.id,
        ...(q.ms !== undefined && answer !== undefined ? { ms: q.ms, answer } : {}),
        ...(q.error !== undefined || answer === undefined ? { error: q.error ?? 'no answer' } : {}),
        rssMb: w.peakRssMb,
        hwmMb: w.peakRssMb,
      });
    }
    if (w.problem !== undefined) {
      problems.push(`Q${batch.join(',')}: ${w.problem}`);
      for (const id of batch)
        if (!queries.has(id))
          queries.set(id, { id, error: w.problem, rssMb: w.peakRssMb, hwmMb: w.peakRssMb });
    }
  }
  return {
    run: {
      queries,
      peakRssMb: peak,
      ms: Date.now() - t1,
      problem: problems.length > 0 ? problems.join('; ') : undefined,
    },
    csvMs,
  };
}
