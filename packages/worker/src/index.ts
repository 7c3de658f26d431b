// @dask-ts/worker: the worker runtime. `WorkerState` is its sans-I/O core (it runs tasks and holds
// their results); `runWorker` drives it over a `Transport` (a worker_threads MessagePort or a
// child process's IPC channel). The entry files `@dask-ts/worker/thread-entry` and
// `@dask-ts/worker/process-entry` start a worker in a thread or a process. `resolveFunction` and
// `FunctionResolver` are the one function resolver of every scheduler and collection kernel.
// `HeldData` holds a worker's results and spills them to disk past a size.
export {
  WorkerState,
  type WorkerStateOptions,
  type Outgoing,
  type Handled,
} from './worker-state.js';
export { runWorker, type RunWorkerOptions } from './run-worker.js';
export { HeldData, type HeldStats, type SpillOptions } from './held-data.js';
export { garbageCollector } from './collect-garbage.js';
export {
  type Transport,
  type IpcProcess,
  messagePortTransport,
  processTransport,
} from './transport.js';
export { buildSourceFunction } from './source-function.js';
export {
  FunctionResolver,
  resolveFunction,
  type FunctionResolverOptions,
} from './function-resolver.js';
export { Suspend } from './suspend.js';
export {
  UNSENDABLE_CODEC,
  type UnsendablePayload,
  unsendable,
  isUnsendable,
  cannotSend,
} from './unsendable.js';
