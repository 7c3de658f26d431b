// How a client's calls say where and how often their tasks run: `retries`, `workers` (+
// `allowOtherWorkers`) and `resources`, the fields of @dask-ts/protocol's Placement, given with
// `submitWith`, `map`, `compute` and `scatter` (its `workers` only). They are checked here, where
// the user gave them (an error names the call and the field), and travel on the task nodes:
// `submit`/`map` place the tasks they make, `compute` every task of the graph it sends.
import {
  checkPlacement,
  placeGraph,
  type ComputeOptions,
  type Graph,
  type Placement,
  type Scheduler,
} from '@dask-ts/protocol';

/**
 * Where and how often tasks run (see the file comment).
 *
 * @example
 * client.map(inc, [1, 2, 3], { retries: 2, workers: ['gpu-box'], resources: { GPU: 1 } });
 */
export type PlacementOptions = Placement;

/**
 * Options of {@link Client.compute}: the scheduler's options plus a placement for every task.
 *
 * @example
 * await client.compute(total, { retries: 1, resources: { MEM: 1e9 } });
 */
export interface ClientComputeOptions extends ComputeOptions, Placement {}

/**
 * The placement part of `options`, checked (undefined when it asks for nothing).
 *
 * @example
 * placementOf({ retries: 2, signal }, 'client.compute'); // { retries: 2 }
 */
export function placementOf(options: Placement | undefined, where: string): Placement | undefined {
  if (options === undefined) return undefined;
  const { retries, workers, allowOtherWorkers, resources } = options;
  const p: Placement = {
    ...(retries !== undefined ? { retries } : {}),
    ...(workers !== undefined ? { workers } : {}),
    ...(allowOtherWorkers !== undefined ? { allowOtherWorkers } : {}),
    ...(resources !== undefined ? { resources } : {}),
  };
  return checkPlacement(p, where);
}

/**
 * A scheduler that runs graphs on `inner` with `placement` on every task (for `compute`).
 *
 * @example
 * await compute(x, { scheduler: placedScheduler(client, { retries: 1 }) });
 */
export function placedScheduler(inner: Scheduler, placement: Placement): Scheduler {
  return {
    name: inner.name,
    get: (graph: Graph, keys, options) => inner.get(placeGraph(graph, placement), keys, options),
  };
}
