// Dask (Python) as a peer: runs python/tree_bench.py on Debian's /usr/bin/python3 (python3-dask)
// in a child process and reads its JSON. When Dask cannot be imported the column is skipped with
// the install hint, never an error: benchmarks must run on machines without Python.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PYTHON, runJson } from '../harness.js';

/** The hint printed when Dask is missing. @example console.log(DASK_MISSING) */
export const DASK_MISSING = 'dask not installed: apt-get install python3-dask python3-distributed';

/**
 * What a Dask run reports.
 *
 * @example
 * const r: DaskTreeResult = { best_ms: 1100, times_ms: [1100], tasks: 39999, result: 199990000, dask: '2022.12.1', python: '3.11.2' };
 */
export interface DaskTreeResult {
  readonly best_ms: number;
  readonly times_ms: readonly number[];
  readonly tasks: number;
  readonly result: number;
  readonly dask: string;
  readonly python: string;
}

let available: boolean | undefined;

/**
 * Whether `import dask` works on /usr/bin/python3 (checked once).
 *
 * @example
 * if (!daskAvailable()) console.log(DASK_MISSING);
 */
export function daskAvailable(): boolean {
  if (available === undefined) {
    try {
      execFileSync(PYTHON, ['-c', 'import dask, dask.threaded, dask.local'], { stdio: 'ignore' });
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}

const SCRIPT = fileURLToPath(new URL('../../python/tree_bench.py', import.meta.url));

/**
 * Runs the tree reduction on Dask's sync or threaded scheduler; best of `reps`.
 *
 * @example
 * const r = await runDaskTree({ leaves: 20_000, scheduler: 'sync', reps: 5 });
 */
export function runDaskTree(options: {
  leaves: number;
  scheduler: 'sync' | 'threads';
  workers?: number;
  reps: number;
}): Promise<DaskTreeResult> {
  return runJson<DaskTreeResult>(PYTHON, [
    SCRIPT,
    '--leaves',
    String(options.leaves),
    '--scheduler',
    options.scheduler,
    '--workers',
    String(options.workers ?? 2),
    '--reps',
    String(options.reps),
    '--warmup',
    '1',
  ]);
}
