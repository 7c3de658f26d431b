// @dask-ts/scheduler: the schedulers. `sync` runs a graph in the calling thread; `threads` (the
// default) and `processes` run it on a local pool driven by the pure scheduling core. The core, and
// the scheduler shell around it (core + turn loop + wire translation, fed by worker endpoints), are
// exported too for integrators who bring their own transport. Importing this package registers
// the three schedulers with the protocol registry, so `compute()` from @dask-ts/graph finds them
// (`closeSchedulers()` from @dask-ts/protocol closes the default pools).
import { registerScheduler } from '@dask-ts/protocol';
import { createProcessesScheduler } from './processes.js';
import { syncScheduler } from './sync.js';
import { createThreadsScheduler } from './threads.js';

export { syncScheduler } from './sync.js';
export { createThreadsScheduler, type ThreadsSchedulerOptions } from './threads.js';
export { createProcessesScheduler, type ProcessesSchedulerOptions } from './processes.js';
export { LocalCluster, type LocalClusterOptions, type WorkerInfo } from './cluster.js';
export type { PoolWorker, PoolWorkerEvents, SpawnWorker, WorkerEndpoint } from './pool-worker.js';
export { SchedulerShell, type ShellOptions, type Departure, type HeldKey } from './shell.js';
export type { TransferredValues } from './shell-options.js';
export type { WorkerLimits } from './worker-exit.js';
export { renderBar } from './progress.js';
export {
  SchedulerCore,
  type SchedulerCoreOptions,
  type CoreCounts,
  type WorkerId,
  type CoreEvent,
  type CoreCommand,
  type TaskState,
  type Waits,
} from './core/index.js';

registerScheduler('sync', () => syncScheduler);
registerScheduler('threads', () => createThreadsScheduler(), { asDefault: true });
registerScheduler('processes', () => createProcessesScheduler());
