// Workers warm the kernel modules their parent defined. A thread's first task of a collection
// would otherwise import the collection's kernels (and Apache Arrow, hyparquet...) while a query
// waits: ~0.3 s per thread, paid again by every thread and on every new worker. So each module
// that registers kernels (`defineKernels`) is noted in the `DASK_TS_KERNEL_MODULES` environment
// variable, which worker threads copy and child processes inherit when they start, and a worker
// starts importing those modules in the background as it boots (`@dask-ts/worker`). A task that
// needs one meanwhile waits for the same import; one that does not is never held up for long.
// Only modules this process actually imported are noted, so a pool pays for what its user loads.

/** The environment variable that carries the kernel modules' URLs to workers, one per line. */
const KERNELS_ENV = 'DASK_TS_KERNEL_MODULES';

type ProcessLike = { env?: Record<string, string | undefined> };

/**
 * The URLs of the kernel modules this process (or the one that started this worker) defined.
 *
 * @example
 * for (const url of sharedKernelModules()) void import(url);
 */
export function sharedKernelModules(): string[] {
  const list = (globalThis as { process?: ProcessLike }).process?.env?.[KERNELS_ENV];
  return list === undefined || list === '' ? [] : list.split('\n');
}

/**
 * Notes a kernel module's URL for the workers this process starts from now on (once per URL).
 * Called by `defineKernels`.
 *
 * @example
 * shareKernelModule(import.meta.url);
 */
export function shareKernelModule(url: string): void {
  const env = (globalThis as { process?: ProcessLike }).process?.env;
  if (env === undefined || url.includes('\n')) return;
  const known = sharedKernelModules();
  if (!known.includes(url)) env[KERNELS_ENV] = [...known, url].join('\n');
}
