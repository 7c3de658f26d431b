// Opt-in progress for every shell. `onProgress` is called at most once per interval while tasks
// finish and once more at the end (at 100% when the compute succeeded); with `progress: true` (and
// stderr a terminal) or `progress: 'always'`, a one-line bar on stderr shows tasks done of total,
// the rate and the time left, and is finished with a newline. Updates are driven by the shell as
// tasks finish (cheap time checks, no timers), so nothing is left running after a compute.
import type { ComputeOptions, ProgressInfo } from '@dask-ts/protocol';

/** How often (ms) `onProgress` and the bar are updated at most. */
const INTERVAL_MS = 100;
const BAR_WIDTH = 24;

/** Where the bar is written (stderr in practice; a test may pass its own). */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * Reports the progress of one compute. Create it with {@link createProgress}, which returns
 * `undefined` when no progress was asked for, so shells pay nothing by default.
 *
 * @example
 * const p = createProgress(options, total);
 * p?.update(done, 0);
 * p?.finish(done, 0);
 */
export class ProgressReporter {
  private readonly start = performance.now();
  private last = -Infinity;
  private finished = false;
  private drawn = false;

  constructor(
    readonly total: number,
    private readonly onProgress: ((p: ProgressInfo) => void) | undefined,
    private readonly bar: ProgressSink | undefined,
  ) {}

  /** Tells how many tasks are done; reports when the interval has passed. */
  update(done: number, erred: number): void {
    if (this.finished) return;
    const now = performance.now();
    if (now - this.last < INTERVAL_MS) return;
    this.last = now;
    this.report(done, erred, now, false);
  }

  /** Reports the final state and finishes the bar. Idempotent. */
  finish(done: number, erred: number): void {
    if (this.finished) return;
    this.finished = true;
    this.report(done, erred, performance.now(), true);
  }

  private report(done: number, erred: number, now: number, final: boolean): void {
    const elapsedMs = now - this.start;
    if (this.onProgress !== undefined) {
      try {
        this.onProgress({ done, total: this.total, erred, elapsedMs });
      } catch (err) {
        // A broken callback must not break the compute.
        process.emitWarning(`onProgress threw: ${(err as Error)?.message ?? String(err)}`);
      }
    }
    if (this.bar !== undefined && (final ? this.drawn || done > 0 : true)) {
      this.bar.write(
        `\r\x1b[2K${renderBar(done, this.total, erred, elapsedMs)}${final ? '\n' : ''}`,
      );
      this.drawn = true;
    }
  }
}

/**
 * The text of the progress bar: a gauge, tasks done of total, the rate and the time left.
 *
 * @example
 * renderBar(50, 100, 0, 1000); // '[############------------] 50/100  50%  50 tasks/s  1.0s left'
 */
export function renderBar(done: number, total: number, erred: number, elapsedMs: number): string {
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(frac * BAR_WIDTH);
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const left = rate > 0 ? (total - done) / rate : Infinity;
  const parts = [
    `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`,
    `${done}/${total}`,
    `${String(Math.floor(frac * 100)).padStart(3)}%`,
    `${Math.round(rate)} tasks/s`,
    done >= total
      ? `${(elapsedMs / 1000).toFixed(1)}s`
      : Number.isFinite(left)
        ? `${left.toFixed(1)}s left`
        : '? left',
  ];
  if (erred > 0) parts.push(`${erred} erred`);
  return parts.join('  ');
}

/**
 * A reporter for `options`, or `undefined` when neither `onProgress` nor a bar was asked for.
 * `total` may be a function, called only when a reporter is made (counting can cost a pass over
 * the graph).
 *
 * @example
 * const p = createProgress({ onProgress: console.log }, 100);
 */
export function createProgress(
  options: ComputeOptions | undefined,
  total: number | (() => number),
  sink: ProgressSink = process.stderr,
): ProgressReporter | undefined {
  const wantBar =
    options?.progress === 'always' || (options?.progress === true && sink.isTTY === true);
  if (options?.onProgress === undefined && !wantBar) return undefined;
  const n = typeof total === 'function' ? total() : total;
  return new ProgressReporter(n, options?.onProgress, wantBar ? sink : undefined);
}
