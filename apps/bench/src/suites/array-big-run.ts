// What the `array-sum` and `array-chain` suites share: running one workload in a child process
// (dask-ts or the hand loop: array-big-child.ts; dask.array: python/array_big_bench.py), checking
// its mean, and describing the machine's load around the runs (the machine is shared: a ratio
// within one run means more than an absolute number).
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { fmt, PYTHON, runJson, runNodeJson } from '../harness.js';

/** What every run of a big-array workload reports. */
export interface BigResult {
  readonly best_ms: number;
  readonly times_ms: readonly number[];
  readonly cpu_ms: number;
  readonly peak_rss: number;
  readonly mean: number;
  readonly dask?: string;
}

/** The workload's size: n elements in blocks of `chunk`, `reps` timed runs. */
export interface BigSize {
  readonly n: number;
  readonly chunk: number;
  readonly reps: number;
  readonly workers: number;
}

const SCRIPT = fileURLToPath(new URL('../../python/array_big_bench.py', import.meta.url));

/** n for a size in GiB of float64 (a whole number of blocks of `chunk`, at least one). */
export function elementsOf(gib: number, chunk: number): number {
  if (!(gib > 0))
    throw new RangeError(`array bench: the size must be a positive GiB count, got ${gib}`);
  return Math.max(chunk, Math.round((gib * 2 ** 30) / 8 / chunk) * chunk);
}

function checkMean(who: string, r: BigResult, expected: number): BigResult {
  if (!(Math.abs(r.mean - expected) < 0.002)) {
    throw new Error(`${who} gave a mean of ${r.mean}, expected about ${expected}`);
  }
  return r;
}

function args(size: BigSize, mode: string): string[] {
  return [
    '--n',
    String(size.n),
    '--chunk',
    String(size.chunk),
    '--workers',
    String(size.workers),
    '--reps',
    String(size.reps),
    '--mode',
    mode,
  ];
}

/** Runs `mode` (sum, chain or hand) of the Node child. @example await runOurs('sum', size, 0.5) */
export async function runOurs(
  mode: 'sum' | 'chain' | 'hand',
  size: BigSize,
  expected: number,
): Promise<BigResult> {
  const r = await runNodeJson<BigResult>(
    new URL('./array-big-child.js', import.meta.url),
    args(size, mode),
  );
  return checkMean(mode === 'hand' ? 'the hand loop' : `dask-ts (${mode})`, r, expected);
}

/** Runs `mode` (sum or chain) on dask.array. @example await runDask('sum', size, 0.5) */
export async function runDask(
  mode: 'sum' | 'chain',
  size: BigSize,
  expected: number,
): Promise<BigResult> {
  const r = await runJson<BigResult>(PYTHON, [SCRIPT, ...args(size, mode)]);
  return checkMean(`dask.array (${mode})`, r, expected);
}

/** The 1-minute load average, as text. @example loadNow() // '7.31' */
export function loadNow(): string {
  return fmt(os.loadavg()[0]);
}

/** GiB per second of float64 for n elements in `ms`. @example rate(2 ** 27, 1000) // '1.00' */
export function rate(n: number, ms: number): string {
  return fmt((n * 8) / 2 ** 30 / (ms / 1000));
}

/**
 * Runs dask-ts's `mode` and the hand loop alternately, `size.reps` times each (one timed run per
 * process), so a change in the machine's load hits both alike; the best run of each, with the
 * highest peak RSS of its runs.
 *
 * @example
 * const [ours, hand] = await runAlternately('chain', size, 0.765);
 */
export async function runAlternately(
  mode: 'sum' | 'chain',
  size: BigSize,
  expected: number,
): Promise<[BigResult, BigResult]> {
  const ours: BigResult[] = [];
  const hand: BigResult[] = [];
  const one = { ...size, reps: 1 };
  for (let r = 0; r < size.reps; r++) {
    ours.push(await runOurs(mode, one, expected));
    hand.push(await runOurs('hand', one, expected));
  }
  return [bestRun(ours), bestRun(hand)];
}

function bestRun(runs: readonly BigResult[]): BigResult {
  const best = runs.reduce((a, b) => (b.best_ms < a.best_ms ? b : a));
  return {
    ...best,
    times_ms: runs.flatMap((r) => r.times_ms),
    peak_rss: Math.max(...runs.map((r) => r.peak_rss)),
  };
}
