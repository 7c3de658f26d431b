// Where a pool's workers spill results to disk. With a memory limit, a worker keeps the results it
// holds in memory under SPILL_FRACTION of that limit and writes older ones to its own directory
// (see @dask-ts/worker's held-data.ts). Each worker gets a fresh directory under `spillDir`
// (default: the OS temporary folder), named after the pool's process and the worker, and the pool
// removes it when the worker exits, however it ends (a normal close, a crash, a terminate), or
// when a signal ends the pool's process (protocol's signal-cleanup.ts).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanUpOnSignals } from '@dask-ts/protocol/runtime';
import type { SpillOptions } from '@dask-ts/worker';
import type { WorkerLimits } from './worker-exit.js';

/** The share of the memory limit that results held in memory may take before older ones spill. */
export const SPILL_FRACTION = 0.6;

/**
 * The spill settings of worker `name` under `limits` (none without a memory limit).
 *
 * @example
 * const spill = spillFor('thread-0', { memoryLimitMb: 512 }); // spills past ~307 MiB of results
 */
export function spillFor(name: string, limits: WorkerLimits): SpillOptions | undefined {
  if (limits.memoryLimitMb === undefined) return undefined;
  const id = `${process.pid}-${name.replace(/[^\w.-]/g, '_')}-${randomBytes(4).toString('hex')}`;
  const dir = join(limits.spillDir ?? tmpdir(), `dask-ts-spill-${id}`);
  // Also when Ctrl-C (or another signal left to its default) ends the process: no exit runs then.
  signalled.set(
    dir,
    cleanUpOnSignals(() => rmSync(dir, { recursive: true, force: true })),
  );
  return { aboveBytes: Math.floor(limits.memoryLimitMb * SPILL_FRACTION * 2 ** 20), dir };
}

/** The spill directories removed if a signal ends the process, and how to stop that. */
const signalled = new Map<string, () => void>();

/**
 * Removes a worker's spill directory (after it exited).
 *
 * @example
 * removeSpill(spill);
 */
export function removeSpill(spill: SpillOptions | undefined): void {
  if (spill === undefined) return;
  signalled.get(spill.dir)?.();
  signalled.delete(spill.dir);
  try {
    rmSync(spill.dir, { recursive: true, force: true });
  } catch {
    // Best effort: a directory that cannot be removed is left in the temporary folder.
  }
}
