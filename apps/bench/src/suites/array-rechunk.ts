// Suite `array-rechunk`: an n x n uniform random float64 array made in row bands (chunk x n) and
// reduced with max over axis 0, as it is and after `rechunk` to column bands (n x chunk), so the
// difference is the rechunk's cost; time and peak RSS of each, dask-ts (threads, 2 workers; a
// child process per mode, see array-rechunk-child.ts) vs dask.array (threaded, 2 workers; a
// Python process per mode). n = 8,192 (512 MiB; --quick: 4,096; DASK_TS_BENCH_RECHUNK_N
// overrides): the 4 GiB does not fit beside the other sessions on this machine. Every
// run must give n maxima, each about 1.
import { fileURLToPath } from 'node:url';
import {
  fmt,
  mib,
  PYTHON,
  ratio,
  runJson,
  runNodeJson,
  type Suite,
  type SuiteResult,
} from '../harness.js';

interface ChildResult {
  readonly best_ms: number;
  readonly times_ms: readonly number[];
  readonly peak_rss: number;
  readonly low: number;
  readonly dask?: string;
}

const SCRIPT = fileURLToPath(new URL('../../python/rechunk_bench.py', import.meta.url));

function check(who: string, r: ChildResult): void {
  if (!(r.low > 0.99 && r.low <= 1)) {
    throw new Error(`${who} gave a smallest maximum of ${r.low}, expected about 1`);
  }
}

/** The `array-rechunk` suite. @example await arrayRechunk.run({ quick: true }) */
export const arrayRechunk: Suite = {
  name: 'array-rechunk',
  describe:
    'rechunk of n x n float64 from row bands to column bands: time and peak RSS, dask-ts vs dask.array',
  async run({ quick }): Promise<SuiteResult> {
    const n = quick ? 4096 : Number(process.env.DASK_TS_BENCH_RECHUNK_N ?? 8192);
    const chunk = n / 8;
    const reps = 2;
    const args = [
      '--n',
      String(n),
      '--chunk',
      String(chunk),
      '--workers',
      '2',
      '--reps',
      String(reps),
    ];
    const rows: string[][] = [];
    const ours: Record<string, ChildResult> = {};
    for (const mode of ['base', 'rechunk']) {
      const r = await runNodeJson<ChildResult>(
        new URL('./array-rechunk-child.js', import.meta.url),
        [...args, '--mode', mode],
        ['--max-old-space-size=8192'],
      );
      check(`dask-ts (${mode})`, r);
      ours[mode] = r;
      rows.push([
        `dask-ts threads (2 workers), ${mode === 'base' ? 'no rechunk' : 'rechunk'}`,
        fmt(r.best_ms),
        mib(r.peak_rss),
      ]);
    }
    const notes = [
      `n = ${n} (${fmt((n * n * 8) / 2 ** 30)} GiB of float64), row bands of ${chunk} x ${n} to column bands of ${n} x ${chunk}, max over axis 0, best of ${reps}; the numbers are generated inside each run; peak RSS of the whole process (worker threads included), one process per row`,
      `dask-ts rechunk's own cost: ${fmt(ours.rechunk.best_ms - ours.base.best_ms)} ms`,
    ];
    if (n * n * 8 < 4 * 2 ** 30)
      notes.push(
        `smaller than the issue's 4 GiB (set DASK_TS_BENCH_RECHUNK_N to change n; 23552 gives 4.13 GiB)`,
      );
    const peer: Record<string, ChildResult> = {};
    try {
      for (const mode of ['base', 'rechunk']) {
        const r = await runJson<ChildResult>(PYTHON, [SCRIPT, ...args, '--mode', mode]);
        check(`dask.array (${mode})`, r);
        peer[mode] = r;
        rows.push([
          `dask.array ${r.dask} threads (2 workers), ${mode === 'base' ? 'no rechunk' : 'rechunk'}`,
          fmt(r.best_ms),
          mib(r.peak_rss),
        ]);
      }
      notes.push(
        `with rechunk, dask-ts vs dask.array: time ${ratio(peer.rechunk.best_ms, ours.rechunk.best_ms)}, peak RSS ${ratio(peer.rechunk.peak_rss, ours.rechunk.peak_rss)} (above 1: dask-ts is faster / smaller)`,
      );
    } catch (err) {
      notes.push(`dask.array did not run: ${(err as Error).message.slice(0, 200)}`);
    }
    notes.push('a loaded shared 2-core machine (other sessions running): compare within one run');
    return {
      suite: 'array-rechunk',
      title: 'rechunk from row bands to column bands (max over axis 0 after it)',
      headers: ['implementation', 'best ms', 'peak RSS'],
      rows,
      notes,
    };
  },
};
