// The scheduler's side of worker memory: each worker thread's node reports its memory over the
// thread's link (`memory` messages, see memory-watch.ts), checked here; every report pauses or
// resumes that worker in the core as it says (for the reason 'memory', apart from a task's own
// waiting, so neither undoes the other; again each time, as a report may arrive before the
// thread's hello, when the scheduler cannot pause it yet). The last report of each worker
// is what `/status.json` shows. A malformed report is refused with a line naming the worker.
import { z } from 'zod';

/**
 * A worker's memory, as its node last reported it (see `SchedulerStatus.workers`).
 *
 * @example
 * const m: WorkerMemory = { paused: false, rss: 2 ** 28, limit: 2 ** 30, held: 2 ** 20, spilled: 0 };
 */
export interface WorkerMemory {
  /** Whether its node takes no new tasks for now (past 80 % of its limit). */
  readonly paused: boolean;
  /** Its node's resident memory (bytes). */
  readonly rss: number;
  /** Its node's memory limit (bytes). */
  readonly limit: number;
  /** What its results take in memory (bytes; spilled ones are on disk). */
  readonly held: number;
  /** What its spilled results take on disk (bytes; 0 from a worker that does not say). */
  readonly spilled: number;
}

const bytes = z.number().finite().nonnegative();
const reportSchema = z.object({
  op: z.literal('memory'),
  paused: z.boolean(),
  rss: bytes,
  limit: bytes,
  held: bytes,
  spilled: bytes.optional(),
});

/**
 * The memory reports of the connected workers.
 *
 * @example
 * const memory = new WorkerMemoryTable((name, paused) => shell.setPaused(name, paused, 'memory'));
 * memory.report('w-0', raw, log);
 */
export class WorkerMemoryTable {
  private readonly reports = new Map<string, WorkerMemory>();

  /** @param setPaused pauses or resumes a worker for its memory */
  constructor(private readonly setPaused: (worker: string, paused: boolean) => void) {}

  /**
   * Worker `name` sent a `memory` message.
   *
   * @example
   * memory.report('w-0', { op: 'memory', paused: true, rss: 9e8, limit: 1e9, held: 1e8 }, log);
   */
  report(name: string, raw: unknown, log: (line: string) => void): void {
    const parsed = reportSchema.safeParse(raw);
    if (!parsed.success) {
      log(
        `dask-ts scheduler: ignored a malformed memory report from ${name}: ${parsed.error.issues[0]?.message ?? ''}`,
      );
      return;
    }
    const { paused, rss, limit, held, spilled } = parsed.data;
    this.reports.set(name, { paused, rss, limit, held, spilled: spilled ?? 0 });
    this.setPaused(name, paused);
  }

  /** The last report of worker `name`. @example memory.of('w-0')?.paused; */
  of(name: string): WorkerMemory | undefined {
    return this.reports.get(name);
  }

  /**
   * Worker `name`'s memory as /status.json shows it (nothing for a worker without a limit).
   *
   * @example
   * const entry = { name: 'w-0', ...memory.statusOf('w-0') };
   */
  statusOf(name: string): { paused?: boolean; memory?: WorkerMemory } {
    const m = this.reports.get(name);
    return m === undefined ? {} : { paused: m.paused, memory: m };
  }

  /** Worker `name` left. @example memory.forget('w-0'); */
  forget(name: string): void {
    this.reports.delete(name);
  }
}
