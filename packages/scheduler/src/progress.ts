// Opt-in progress for every shell. `onProgress` is called as tasks finish, at most once per
// interval (a few times a second), and once at the end: at 100% exactly once when the compute
// succeeded (updates never report the total; the final call does). An update that arrives within
// the interval is not lost: a trailing timer reports the latest count when the interval is over.
// That timer is unref'd and cleared by `finish`, so nothing is left running after a compute. With
// `progress: true` (and stderr a terminal) or `progress: 'always'`, a one-line bar on stderr shows
// tasks done of total, the rate and the time left, and is finished with a newline.
import type { ComputeOptions, ProgressInfo } from '@dask-ts/protocol';

/** How often (ms) `onProgress` and the bar are updated at most. */
const INTERVAL_MS = 200;
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
  // The latest count, and the one last reported.
  private done = 0;
  private erred = 0;
  private shownDone = -1;
  private shownErred = -1;
  private trailing: NodeJS.Timeout | undefined;

  constructor(
    readonly total: number,
    private readonly onProgress: ((p: ProgressInfo) => void) | undefined,
    private readonly bar: ProgressSink | undefined,
  ) {}

  /**
   * Tells how many tasks are done; reports now when the interval has passed, else once it has.
   * The total itself is left to {@link ProgressReporter.finish}, so 100% is reported once.
   */
  update(done: number, erred: number): void {
    if (this.finished) return;
    this.done = done;
    this.erred = erred;
    if (done >= this.total || this.trailing !== undefined) return;
    const now = performance.now();
    const wait = this.last + INTERVAL_MS - now;
    if (wait <= 0) {
      this.flush(now);
      return;
    }
    this.trailing = setTimeout(() => {
      this.trailing = undefined;
      if (!this.finished && this.done < this.total) this.flush(performance.now());
    }, wait);
    this.trailing.unref();
  }

  /** Reports the final state and finishes the bar. Idempotent. */
  finish(done: number, erred: number): void {
    if (this.finished) return;
    this.finished = true;
    if (this.trailing !== undefined) clearTimeout(this.trailing);
    this.trailing = undefined;
    this.report(done, erred, performance.now(), true);
  }

  private flush(now: number): void {
    if (this.done === this.shownDone && this.erred === this.shownErred) return;
    this.last = now;
    this.report(this.done, this.erred, now, false);
  }

  private report(done: number, erred: number, now: number, final: boolean): void {
    this.shownDone = done;
    this.shownErred = erred;
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
  sink?: ProgressSink,
): ProgressReporter | undefined {
  const bar = options?.progress;
  if (options?.onProgress === undefined && (bar === undefined || bar === false)) return undefined;
  // process.stderr is read only here: it is a getter, and most computes ask for no progress.
  sink ??= process.stderr;
  const wantBar = bar === 'always' || (bar === true && sink.isTTY === true);
  if (options?.onProgress === undefined && !wantBar) return undefined;
  const n = typeof total === 'function' ? total() : total;
  return new ProgressReporter(n, options?.onProgress, wantBar ? sink : undefined);
}
