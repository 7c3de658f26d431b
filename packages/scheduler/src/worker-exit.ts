// Why a pool worker died, in one sentence: out of memory (with the heap limit it reached), a
// crash (the error), a signal, or an exit code. The spawn layers (threads.ts, processes.ts) report
// it through `events.exit`, and the pool passes it on to the errors users see. Also the per-worker
// memory limit option both pools accept.

/**
 * Limits a pool applies to each of its workers.
 *
 * @example
 * const limits: WorkerLimits = { memoryLimitMb: 512 };
 */
export interface WorkerLimits {
  /**
   * The most JavaScript heap each worker may use, in MiB (threads: `resourceLimits.
   * maxOldGenerationSizeMb`; processes: `--max-old-space-size`). A worker that needs more dies
   * and is replaced; the error says it ran out of memory. Default: Node's own limit.
   */
  readonly memoryLimitMb?: number;
  /**
   * Where workers spill results to disk (default: the OS temporary folder). With
   * `memoryLimitMb`, each worker keeps the results it holds in memory under 60 % of the limit
   * and writes the least recently used ones there, reading them back when a task needs them.
   */
  readonly spillDir?: string;
}

/**
 * Checks a `memoryLimitMb` option: a positive integer, else a RangeError naming it.
 *
 * @example
 * checkMemoryLimit(256); // 256
 */
export function checkMemoryLimit(mb: unknown): number {
  if (typeof mb !== 'number' || !Number.isInteger(mb) || mb < 1) {
    throw new RangeError(
      `memoryLimitMb must be a positive whole number of MiB, got ${typeof mb === 'number' ? mb : typeof mb}`,
    );
  }
  return mb;
}

/**
 * What is known about a worker's end.
 *
 * @example
 * const e: WorkerExit = { what: 'thread thread-0', code: 1, signal: null, outOfMemory: true };
 */
export interface WorkerExit {
  /** The worker, as named in the sentence (`thread thread-0`, `process process-1 (pid 42)`). */
  readonly what: string;
  readonly code: number | null;
  readonly signal: string | null;
  readonly outOfMemory: boolean;
  readonly memoryLimitMb?: number;
  /** An error the worker reported before it ended (a crash, a failed spawn). */
  readonly error?: Error;
}

/**
 * The sentence that says why a worker ended.
 *
 * @example
 * describeExit({ what: 'thread thread-0', code: 1, signal: null, outOfMemory: true, memoryLimitMb: 64 });
 * // 'thread thread-0 ran out of memory: it reached its heap limit of 64 MiB (memoryLimitMb)'
 */
export function describeExit(e: WorkerExit): string {
  if (e.outOfMemory) {
    const limit =
      e.memoryLimitMb !== undefined
        ? `its heap limit of ${e.memoryLimitMb} MiB (memoryLimitMb)`
        : "Node's default heap limit (raise it with memoryLimitMb)";
    return `${e.what} ran out of memory: it reached ${limit}`;
  }
  if (e.error !== undefined) {
    return `${e.what} crashed: ${e.error.message}${e.code !== null ? ` (exit code ${e.code})` : ''}`;
  }
  if (e.signal !== null) return `${e.what} was killed by signal ${e.signal}`;
  return `${e.what} exited with code ${e.code ?? 'unknown'}`;
}
