// @dask-ts/protocol/runtime: the protocol without its zod schemas — keys, function references,
// the task model, codecs, errors, the scheduler registry, the wire message types with their
// packing, and `checkToWorker`, which validates messages to a worker as `toWorkerSchema` does.
// A worker imports this alone: zod takes tens of milliseconds to load, most of a worker's start.
// It shares its modules with the main entry, so codecs and builtins registered through either
// are the same registry.
export { type Key, keyToString, parseKey, keyName, keySplit } from './keys.js';
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
  type Placement,
  checkPlacement,
  checkResources,
  withPlacement,
  placeGraph,
} from './placement.js';
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
  packCompute,
  unpackCompute,
  type ComputeMessage,
  type ToWorker,
  type ToWorkerSingle,
  type FromWorker,
  type WireTask,
} from './wire.js';
export { checkToWorker } from './wire-check.js';
export { isInsideWorker, enterWorker } from './inside-worker.js';
export { isEntryModule, shareEntryModule } from './entry-module.js';
export { sharedKernelModules, shareKernelModule } from './kernel-modules.js';
export type { Endpoint, EndpointEvents } from './endpoint.js';
export {
  type SerializedError,
  serializeError,
  deserializeError,
  TaskError,
  GraphError,
  FunctionRefError,
  ProtocolError,
  ComputeAbortedError,
} from './errors.js';
