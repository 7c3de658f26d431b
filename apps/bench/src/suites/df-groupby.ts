// Suite `df-groupby`: a two-column numeric CSV (2M rows: an integer key with 100 values and a
// float value; --quick uses 200k) read in blocks and grouped: readCsv -> groupby('key') ->
// agg({ value: 'sum' }), on the sync scheduler and on threads (2 workers), vs dask.dataframe
// (read_csv -> groupby -> sum, threaded scheduler, 2 workers) and danfojs (readCSV -> groupby ->
// agg sum, one thread; its module load is not timed) on the same file. Every implementation must
// find the same number of groups and the same total (to 1e-6 relative). The file is generated
// once per size into the OS temp directory from df-runs.ts's seeded columns.
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsv } from '@dask-ts/dataframe';
import { fmt, ratio, PYTHON, runJson, type Suite, type SuiteResult } from '../harness.js';
import { DASK_MISSING, daskAvailable } from '../peers/dask.js';
import { bestWithCpu } from './bag-data.js';
import {
  groupbyColumns,
  timeDaskTs,
  totalsChecker,
  type GroupTotals,
  type Timed,
} from './df-runs.js';

const SCRIPT = fileURLToPath(new URL('../../python/df_bench.py', import.meta.url));
const BLOCKSIZE = 4 << 20;

interface DaskDfResult {
  readonly best_ms: number;
  readonly cpu_ms: number;
  readonly result: [number, number];
  readonly dask: string;
}

function csvFile(rows: number): string {
  const path = join(tmpdir(), `dask-ts-bench-groupby-${rows}-v2.csv`);
  if (existsSync(path)) return path;
  const { key, value } = groupbyColumns(rows);
  const lines: string[] = ['key,value'];
  for (let i = 0; i < rows; i++) lines.push(`${key[i]},${value[i].toFixed(4)}`);
  writeFileSync(`${path}.partial`, lines.join('\n') + '\n');
  renameSync(`${path}.partial`, path);
  return path;
}

/** danfojs' readCSV -> groupby -> agg sum, as a danfo user writes it; or why it cannot run. */
async function timeDanfo(
  path: string,
  reps: number,
  check: (got: GroupTotals, who: string) => void,
): Promise<Timed | string> {
  let dfd: typeof import('danfojs-node');
  try {
    dfd = await import('danfojs-node');
  } catch (err) {
    return `danfojs not run: ${err instanceof Error ? err.message : String(err)}`;
  }
  const t = await bestWithCpu(reps, async () => {
    const g = (await dfd.readCSV(path)).groupby(['key']).agg({ value: 'sum' });
    const sums = g.column('value_sum').values as number[];
    check([g.shape[0], sums.reduce((a, x) => a + x, 0)], 'danfojs');
  });
  return { name: 'danfojs-node 1.1.2 (one thread)', ...t };
}

/** The `df-groupby` suite. @example await dfGroupby.run({ quick: true }) */
export const dfGroupby: Suite = {
  name: 'df-groupby',
  describe:
    'CSV read + groupby sum over a 2M-row numeric CSV: dask-ts dataframe vs dask.dataframe and danfojs',
  async run({ quick }): Promise<SuiteResult> {
    const rows = quick ? 200_000 : 2_000_000;
    const reps = quick ? 2 : 5;
    const path = csvFile(rows);
    const mib = statSync(path).size / 2 ** 20;
    const check = totalsChecker();
    const results: Timed[] = await timeDaskTs(
      () => readCsv(path, { blocksize: BLOCKSIZE }).groupby('key').agg({ value: 'sum' }),
      reps,
      check,
    );
    const notes = [
      `${fmt(rows / 1e6)} M rows, ${fmt(mib)} MiB, blocks of ${BLOCKSIZE >> 20} MiB (${Math.ceil((mib * 2 ** 20) / BLOCKSIZE)} tasks to read), best of ${reps}; a loaded shared 2-core machine: compare within one run`,
    ];
    let dask: number | undefined;
    if (daskAvailable()) {
      const d = await runJson<DaskDfResult>(PYTHON, [
        SCRIPT,
        path,
        '--blocksize',
        String(BLOCKSIZE),
        '--workers',
        '2',
        '--reps',
        String(reps),
      ]);
      check(d.result, 'dask.dataframe');
      dask = d.best_ms;
      results.push({
        name: `dask.dataframe ${d.dask}, threads (2 workers)`,
        best: d.best_ms,
        cpu: d.cpu_ms,
      });
    } else {
      notes.push(DASK_MISSING);
    }
    // danfo is one thread and slow: two repetitions are enough to see its best.
    const danfoReps = Math.min(reps, 2);
    const danfo = await timeDanfo(path, danfoReps, check);
    if (typeof danfo === 'string') notes.push(danfo);
    else {
      results.push(danfo);
      notes.push(
        `danfojs: readCSV (papaparse) + groupby + agg on one thread, best of ${danfoReps}; loading its module is not timed`,
      );
    }
    const ref = dask ?? results[0].best;
    return {
      suite: 'df-groupby',
      title: 'CSV read + groupby sum',
      headers: [
        'implementation',
        'best ms',
        'CPU ms',
        'M rows/s',
        dask === undefined ? 'speed-up vs sync' : 'speed-up vs dask.dataframe',
      ],
      rows: results.map((r) => [
        r.name,
        fmt(r.best),
        fmt(r.cpu),
        fmt(rows / 1e6 / (r.best / 1000)),
        ratio(ref, r.best),
      ]),
      notes,
    };
  },
};
