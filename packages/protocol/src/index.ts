// @dask-ts/protocol: the contracts every dask-ts package meets at. Keys and the task model,
// function references, the collection protocol, the scheduler interface and registry, wire
// messages with their zod schemas, codecs, and the errors users see.
export { type Key, keyToString, parseKey, keyName } from './keys.js';
export { keySchema } from './key-schema.js';
export {
  type TaskFunction,
  type ModuleRef,
  type BuiltinRef,
  type SourceRef,
  type LocalRef,
  type FunctionRef,
  type PortableFunctionRef,
  functionName,
  registerBuiltin,
  lookupBuiltin,
  registerFunctionResolver,
  resolveFunctionRef,
  type FunctionResolve,
} from './functions.js';
export {
  type Ref,
  type Call,
  type Literal,
  type Task,
  type DataNode,
  type GraphNode,
  type Graph,
  ref,
  data,
  task,
  isRef,
  isCall,
  isPlainObject,
  collectDeps,
  substitute,
} from './task.js';
export {
  ArgKind,
  argKind,
  allRefs,
  visitArgs,
  mapArgs,
  type ArgVisitor,
  type ArgMapper,
} from './arg-node.js';
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
  type Codec,
  type Encoded,
  type ClassCodecOptions,
  type DecodeOptions,
  registerCodec,
  registerClass,
  MissingCodecError,
  encodeValue,
  decodeValue,
  sizeOf,
} from './codecs.js';
export {
  PROTOCOL_VERSION,
  portableFunctionRefSchema,
  wireTaskSchema,
  computeSchema,
  packCompute,
  unpackCompute,
  type ComputeMessage,
  toWorkerSchema,
  fromWorkerSchema,
  type ToWorker,
  type FromWorker,
  type WireTask,
  parseMessage,
} from './messages.js';
export { checkFromWorker, checkToWorker } from './wire-check.js';
export { isInsideWorker, enterWorker } from './inside-worker.js';
export type { ToWorkerSingle } from './wire.js';
export {
  type SerializedError,
  serializeError,
  deserializeError,
  TaskError,
  taskFailure,
  isTaskError,
  type TaskFailure,
  GraphError,
  FunctionRefError,
  ProtocolError,
  ComputeAbortedError,
} from './errors.js';
