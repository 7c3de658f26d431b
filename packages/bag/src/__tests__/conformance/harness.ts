// Shared set-up of the bag conformance suite: every case runs on the in-thread `sync` scheduler
// and on a two-worker `threads` pool (functions travel as source text there, so the functions the
// cases use are self-contained or pass their outer values in `scope`). Also the small helpers the
// translated cases share and a temporary directory per file. Workers run the built dist/.
import { afterAll, describe } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphComputeOptions } from '@dask-ts/graph';
import { createThreadsScheduler } from '@dask-ts/scheduler';

export type Run = GraphComputeOptions;

const threads = createThreadsScheduler({ workers: 2 });
const dirs: string[] = [];

afterAll(async () => {
  await threads.close?.();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Declares `body` once per scheduler: `sync` and `threads`. */
export function onEachScheduler(body: (run: Run, name: 'sync' | 'threads') => void): void {
  describe('sync', () => body({ scheduler: 'sync' }, 'sync'));
  describe('threads', () => body({ scheduler: threads }, 'threads'));
}

/** A fresh temporary directory, removed after the file's tests. */
export function tempDir(tag: string): string {
  const d = mkdtempSync(join(tmpdir(), `dask-ts-bag-conf-${tag}-`));
  dirs.push(d);
  return d;
}

export const inc = (x: number): number => x + 1;
export const add = (a: number, b: number): number => a + b;
export const iseven = (x: number): boolean => x % 2 === 0;
export const isodd = (x: number): boolean => x % 2 === 1;

/** The fixed three-partition bag of Dask's test module: `range(5)` three times. */
export const L: number[] = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4];

/** Sorts a copy (for results whose order Dask leaves open). */
export function sorted<T>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
