// getClient(): the client a task (or any code) should use. Outside a worker it is the client that
// is the default scheduler now. Inside a task on a dask-ts worker it is a client of that worker's
// scheduler (the worker node tells its threads where it is, in DASK_TS_SCHEDULER_ADDRESS), made
// once per thread and kept, so tasks can submit tasks and wait for them: while it waits for
// anything, the worker lends its slot (lender.ts), so even a one-thread worker does not deadlock.
// Anywhere else it fails, saying how to get a client.
import { isMainThread, workerData } from 'node:worker_threads';
import { Client, currentClient } from './client.js';

let inTask: Client | undefined;

/**
 * The client to use here (see the file comment).
 *
 * @example
 * // inside a task (a module function run on the cluster):
 * export async function fanOut(n: number) {
 *   const client = getClient();
 *   return client.gather(client.map((i: number) => i * i, [...Array(n).keys()]));
 * }
 */
export function getClient(): Client {
  const open = currentClient();
  if (open !== undefined) return open;
  const address = process.env.DASK_TS_SCHEDULER_ADDRESS;
  if (address === undefined || address === '') {
    throw new Error(
      'getClient(): no client is open here, and this is not a task on a dask-ts worker; open one with `await Client.connect(address)` or `await Client.local()`',
    );
  }
  if (inTask === undefined) {
    inTask = new Client(address);
    // While it waits, this task's worker lends its slot (lender.ts).
    const name = (workerData as { name?: unknown } | null)?.name;
    if (!isMainThread && typeof name === 'string') inTask.lendWhileBusy(name);
  }
  return inTask;
}
