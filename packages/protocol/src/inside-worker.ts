// Whether this thread or process is a dask-ts worker. A worker runs tasks; a task that computes
// must not start pools of its own there (nested pools in every thread, a chain of forks on
// processes). So the worker runtime marks its thread when it starts (`enterWorker`), the default
// scheduler there is 'sync' (see scheduler.ts), and pools refuse to start. The mark lives on a
// global symbol so every copy of this package in the thread sees it.

const MARK_SLOT = Symbol.for('@dask-ts/protocol/inside-worker');
type GlobalWithMark = typeof globalThis & { [MARK_SLOT]?: number };

/**
 * Whether the current thread or process runs a dask-ts worker (a thread or process of a pool).
 *
 * @example
 * if (isInsideWorker()) console.log('running inside a dask-ts worker');
 */
export function isInsideWorker(): boolean {
  return ((globalThis as GlobalWithMark)[MARK_SLOT] ?? 0) > 0;
}

/**
 * Marks the current thread or process as a dask-ts worker until the returned function is called
 * (the worker runtime calls it; marks nest).
 *
 * @example
 * const leave = enterWorker();
 * try { await serve(); } finally { leave(); }
 */
export function enterWorker(): () => void {
  const g = globalThis as GlobalWithMark;
  g[MARK_SLOT] = (g[MARK_SLOT] ?? 0) + 1;
  let left = false;
  return () => {
    if (left) return;
    left = true;
    g[MARK_SLOT] = Math.max(0, (g[MARK_SLOT] ?? 1) - 1);
  };
}
