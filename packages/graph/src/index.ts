// @dask-ts/graph: task-graph tools for dask-ts. Deterministic tokens, validation, culling, linear
// fusion and memory-aware ordering of graphs; function-reference helpers; `delayed` lazy calls;
// and `compute`/`persist`, which run any collection on the registered scheduler.
export { tokenize, tokenizeSymbol } from './tokenize.js';
export { validateGraph } from './validate.js';
export { cull } from './cull.js';
export { fuse, type FuseOptions, type FuseResult } from './fuse.js';
export { order } from './order.js';
export {
  sourceRef,
  toFunctionRef,
  toPortableRef,
  moduleRef,
  builtinRef,
  type SourceRefOptions,
} from './source.js';
export { JS_GLOBALS } from './js-globals.js';
export { isEntryModule } from './entry-module.js';
export {
  delayed,
  isDelayed,
  daskFinalizeRef,
  type Delayed,
  type DelayedCore,
  type DelayedMember,
  type DelayedArg,
  type DelayedArgs,
  type DelayedFunction,
  type DelayedTuple,
  type DelayedOptions,
} from './delayed.js';
export {
  internGraph,
  DepPredictor,
  KeyIndex,
  findKeys,
  findRecent,
  type InternedGraph,
  type KeyLookup,
} from './interner.js';
export {
  compute,
  persist,
  daskGraphInto,
  type GraphComputeOptions,
  type Computed,
  type ComputedValue,
} from './compute.js';
