// Pools never start inside a dask-ts worker: a task that started one would nest a pool in every
// worker thread, or fork a chain of processes. Inside a worker the default scheduler is 'sync'
// (see @dask-ts/protocol's scheduler registry), and asking a pool for a compute is refused with
// this error, which says what to do.

/**
 * Why the pool `name` refuses to compute inside a worker, and what to do instead.
 *
 * @example
 * if (isInsideWorker()) throw new Error(nestedPoolProblem('threads'));
 */
export function nestedPoolProblem(name: string): string {
  return `The ${name} scheduler cannot start its pool inside a dask-ts worker (a task that starts a pool would nest pools in every worker thread, or fork a chain of processes). Inside a worker, compute on the default scheduler (it is 'sync' there) or pass { scheduler: 'sync' }; or return the work to the caller and compute it there.`;
}
