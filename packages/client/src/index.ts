// @dask-ts/client: the Client of a distributed dask-ts cluster. `Client.connect(address)` joins a
// running scheduler (started with `dask-ts scheduler` or @dask-ts/distributed's
// `startScheduler`), `Client.local()` starts a whole cluster on this machine first; while a client
// is open it is the default scheduler, so `compute()` on any collection or Delayed runs on the
// cluster. Futures hold results on the cluster until no future refers to them. Collections never
// depend on this package: they reach the client through the scheduler registry of
// @dask-ts/graph.
export { Client, type ClientOptions, type ScatterOptions, type Scattered } from './client.js';
export { Future, isFuture, type FutureStatus } from './future.js';
export type { PlacementOptions, ClientComputeOptions } from './placement-options.js';
export {
  asCompleted,
  AsCompleted,
  wait,
  fireAndForget,
  type AsCompletedOptions,
  type WaitOptions,
  type WaitResult,
} from './as-completed.js';
export { getClient } from './get-client.js';
export type { LocalOptions, LocalCluster } from '@dask-ts/distributed';
