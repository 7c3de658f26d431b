// @dask-ts/protocol: the contracts every dask-ts package meets at. Keys and the task model,
// function references, the collection protocol, the scheduler interface and registry, wire
// messages with their zod schemas, codecs, and the errors users see. Everything a worker needs
// is the runtime entry (runtime.ts, without zod); this entry adds the rest to it, so the two
// lists never drift apart.
export * from './runtime.js';
export { keySchema } from './key-schema.js';
export {
  type Collection,
  type NestedKeys,
  type GraphLayer,
  type LayerOptimizer,
  daskGraph,
  daskKeys,
  daskFinalize,
  daskRebuild,
  daskGraphInto,
  daskFinalizeRef,
  daskLayers,
  daskOptimize,
  isCollection,
  flattenKeys,
} from './collection.js';
export {
  type ProgressInfo,
  type ComputeOptions,
  type Scheduler,
  registerScheduler,
  setDefaultScheduler,
  getScheduler,
  registeredSchedulers,
  closeSchedulers,
} from './scheduler.js';
export {
  portableFunctionRefSchema,
  wireTaskSchema,
  computeSchema,
  toWorkerSchema,
  fromWorkerSchema,
  parseMessage,
} from './messages.js';
export { checkFromWorker } from './wire-check.js';
export { placementSchema } from './placement-schema.js';
export { taskFailure, isTaskError, type TaskFailure } from './errors.js';
