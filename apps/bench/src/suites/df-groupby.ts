// Suite `df-groupby`: a two-column numeric CSV (2M rows: an integer key with 100 values and a
// float value; --quick uses 200k) read in blocks and grouped: readCsv -> groupby('key') ->
// agg({ value: 'sum' }), on the sync scheduler and on threads (2 workers), vs dask.dataframe
// (read_csv -> groupby -> sum, threaded scheduler, 2 workers) on the same file. Every
// implementation must find the same number of groups and the same total (to 1e-6 relative). The
// file is generated once per size into the OS temp directory with a fixed seed.
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsv } from '@dask-ts/dataframe';
import { createThreadsScheduler } from '@dask-ts/scheduler';
import { fmt, ratio, PYTHON, runJson, type Suite, type SuiteResult } from '../harness.js';
import { DASK_MISSING, daskAvailable } from '../peers/dask.js';
import { bestWithCpu, warmThreads } from './bag-data.js';

const SCRIPT = fileURLToPath(new URL('../../python/df_bench.py', import.meta.url));
const BLOCKSIZE = 4 << 20;

interface DaskDfResult {
  readonly best_ms: number;
  readonly cpu_ms: number;
  readonly result: [number, number];
  readonly dask: string;
}

function csvFile(rows: number): string {
  const path = join(tmpdir(), `dask-ts-bench-groupby-${rows}.csv`);
  if (existsSync(path)) return path;
  let s = 7;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const lines: string[] = ['key,value'];
  for (let i = 0; i < rows; i++)
    lines.push(`${Math.floor(next() * 100)},${(next() * 100).toFixed(4)}`);
  writeFileSync(`${path}.partial`, lines.join('\n') + '\n');
  renameSync(`${path}.partial`, path);
  return path;
}

/** The `df-groupby` suite. @example await dfGroupby.run({ quick: true }) */
export const dfGroupby: Suite = {
  name: 'df-groupby',
  describe: 'CSV read + groupby sum over a 2M-row numeric CSV: dask-ts dataframe vs dask.dataframe',
  async run({ quick }): Promise<SuiteResult> {
    const rows = quick ? 200_000 : 2_000_000;
    const reps = quick ? 2 : 5;
    const path = csvFile(rows);
    const mib = statSync(path).size / 2 ** 20;
    let expected: [number, number] | undefined;
    const check = (got: [number, number], who: string): void => {
      expected ??= got;
      if (got[0] !== expected[0] || Math.abs(got[1] - expected[1]) > 1e-6 * Math.abs(expected[1]))
        throw new Error(`${who} found ${got.join('/')}, expected ${expected.join('/')}`);
    };
    const query = () =>
      readCsv(path, { blocksize: BLOCKSIZE }).groupby('key').agg({ value: 'sum' });
    const table = (
      t: Awaited<ReturnType<ReturnType<typeof query>['compute']>>,
    ): [number, number] => {
      const v = t.getChild('value')?.toArray() as Float64Array;
      return [t.numRows, v.reduce((a, x) => a + x, 0)];
    };
    const results: { name: string; best: number; cpu: number }[] = [];
    const sync = await bestWithCpu(reps, async () =>
      check(table(await query().compute({ scheduler: 'sync' })), 'dask-ts sync'),
    );
    results.push({ name: 'dask-ts dataframe, sync', ...sync });
    const threads = createThreadsScheduler({ workers: 2 });
    try {
      await warmThreads(threads, 2);
      const t = await bestWithCpu(reps, async () =>
        check(table(await query().compute({ scheduler: threads })), 'dask-ts threads'),
      );
      results.push({ name: 'dask-ts dataframe, threads (2 workers)', ...t });
    } finally {
      await threads.close?.();
    }
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
