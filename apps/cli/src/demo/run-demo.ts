// The demo workload, end to end: delayed tasks write `files` CSV-ish files of `rows` numbers into
// a temporary directory, then a delayed pipeline loads each file, parses it, takes per-file stats,
// reduces the stats pairwise (a tree) and summarizes them. Everything is computed in one call on
// the chosen scheduler. The temporary directory is removed afterwards, even on failure; a
// caller-given `dir` is left in place (the caller owns it). Task functions are module references
// into kernels.ts, so the same graph runs on sync, threads and processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@dask-ts/scheduler';
import { compute, delayed, moduleRef, type Delayed, type DelayedFunction } from '@dask-ts/graph';
import { daskGraph, getScheduler, type Scheduler } from '@dask-ts/protocol';
import type * as K from './kernels.js';
import { KERNELS_MODULE, type Stats, type Summary } from './kernels.js';

/**
 * Options of {@link runDemo}.
 *
 * @example
 * const o: DemoOptions = { scheduler: 'sync', files: 4, rows: 1000 };
 */
export interface DemoOptions {
  /** A registered scheduler name ('threads' by default) or a scheduler instance. */
  readonly scheduler?: string | Scheduler;
  /** How many files to generate (default 16). */
  readonly files?: number;
  /** Rows per file (default 100,000). */
  readonly rows?: number;
  /** Write the files here and keep them; by default a temporary directory, removed afterwards. */
  readonly dir?: string;
  /** Show the progress bar (default: on when stderr is a terminal). */
  readonly progress?: boolean | 'always';
}

/**
 * What the demo did and computed.
 *
 * @example
 * const r = await runDemo({ scheduler: 'sync', files: 2, rows: 10 });
 * console.log(r.summary.mean, r.tasks, r.ms);
 */
export interface DemoResult {
  readonly scheduler: string;
  readonly files: number;
  readonly rows: number;
  /** Tasks in the graph as built (`compute` may fuse linear chains into fewer before running). */
  readonly tasks: number;
  readonly summary: Summary;
  /** Wall time of the compute (graph building included), in milliseconds. */
  readonly ms: number;
  readonly tasksPerSecond: number;
  /** Where the files were written. */
  readonly dir: string;
  /** Whether the files are still there (a caller-given `dir`) or were removed. */
  readonly kept: boolean;
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > 10_000_000) {
    throw new RangeError(
      `demo: ${name} must be an integer between ${min} and 10,000,000, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Builds the demo's delayed pipeline over `files` files in `dir` (nothing runs yet).
 *
 * @example
 * const total = demoPipeline('/tmp/demo', 4, 1000); // a Delayed<Summary>
 */
export function demoPipeline(dir: string, files: number, rows: number): Delayed<Summary> {
  const url = KERNELS_MODULE;
  const kernel = <F extends (...args: never[]) => unknown>(name: string) =>
    delayed(moduleRef(url, name)) as unknown as DelayedFunction<F>;
  const writeNumbers = kernel<typeof K.writeNumbers>('writeNumbers');
  const loadText = kernel<typeof K.loadText>('loadText');
  const parseValues = kernel<typeof K.parseValues>('parseValues');
  const fileStats = kernel<typeof K.fileStats>('fileStats');
  const mergeStats = kernel<typeof K.mergeStats>('mergeStats');
  const summarize = kernel<typeof K.summarize>('summarize');
  let level: Delayed<Stats>[] = [];
  for (let i = 0; i < files; i++) {
    level.push(fileStats(parseValues(loadText(writeNumbers(dir, i, rows)))));
  }
  while (level.length > 1) {
    const next: Delayed<Stats>[] = [];
    for (let j = 0; j + 1 < level.length; j += 2) next.push(mergeStats(level[j], level[j + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return summarize(level[0]);
}

/**
 * Runs the demo and returns what it did; the summary equals a plain computation over the files.
 *
 * @example
 * const r = await runDemo({ scheduler: 'threads', files: 8, rows: 50_000 });
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const files = checkCount('files', options.files ?? 16, 1);
  const rows = checkCount('rows', options.rows ?? 100_000, 0);
  const scheduler = getScheduler(options.scheduler ?? 'threads');
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'dask-ts-demo-'));
  try {
    const t0 = process.hrtime.bigint();
    const total = demoPipeline(dir, files, rows);
    const tasks = total[daskGraph]().size;
    const [summary] = await compute(total, { scheduler, progress: options.progress ?? true });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    return {
      scheduler: scheduler.name,
      files,
      rows,
      tasks,
      summary,
      ms,
      tasksPerSecond: (tasks / ms) * 1000,
      dir,
      kept: options.dir !== undefined,
    };
  } finally {
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}
