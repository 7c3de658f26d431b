// getClient(): the client a task (or any code) should use. Outside a worker it is the client that
// is the default scheduler now. Inside a task on a dask-ts worker it is a client of that worker's
// scheduler (the worker node tells its threads where it is, in DASK_TS_SCHEDULER_ADDRESS), made
// once per thread and kept, so tasks can submit tasks and wait for them. Anywhere else it fails,
// saying how to get a client.
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
  inTask ??= new Client(address);
  return inTask;
}
