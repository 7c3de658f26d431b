// A worker starts importing, in the background, the kernel modules its parent defined (see
// protocol's kernel-modules.ts), so a collection's first task on this thread finds them loaded.
// Not awaited: the worker answers the scheduler at once, and a task that needs a module still
// loading waits for the same import through the thread's loader. TypeScript sources are left to
// the first task that needs them (they need tsx's hooks, which a pool that never runs them should
// not pay for); a module that fails keeps its error for the task that needs it, as at task time.
import { sharedKernelModules } from '@dask-ts/protocol/runtime';
import { isTypeScriptUrl, threadModules } from './module-loader.js';

/**
 * Starts importing the kernel modules this worker's parent defined; returns their URLs.
 *
 * @example
 * preloadKernelModules(); // in a worker's entry, before it runs
 */
export function preloadKernelModules(): string[] {
  const urls = sharedKernelModules().filter((url) => !isTypeScriptUrl(url));
  for (const url of urls) threadModules.load(url);
  return urls;
}
