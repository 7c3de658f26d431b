// @dask-ts/graph: task-graph tools for dask-ts. Deterministic tokens, validation, culling, linear
// fusion and memory-aware ordering of graphs; function-reference helpers; `delayed` lazy calls;
// `compute`/`persist`, which run any collection on the registered scheduler; and the collection
// kit (kit-*.ts) that collection packages are built on: layers, kernels, user functions and the
// optimizer hook (docs/writing-a-collection.md).
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
  type GraphComputeOptions,
  type Computed,
  type ComputedValue,
} from './compute.js';
export {
  toDot,
  visualize,
  type VisualizeOptions,
  type VisualizeFileOptions,
} from './visualize.js';
export { Layer, dataLayer, collectionLayer, type LayerNodes } from './kit-layer.js';
export {
  layersInOrder,
  layerDependents,
  rewriteLayers,
  lowerLayers,
  type RewriteContext,
} from './kit-layer-graph.js';
export {
  isLayered,
  optimizeCollections,
  layeredGraph,
  type LayeredCollection,
} from './kit-optimize.js';
export { defineKernels, type Kernels } from './kit-kernels.js';
export { chunksToDelayed } from './kit-to-delayed.js';
export { fnOf, withFns } from './kit-kernel-fns.js';
export { treeNodes, combineWith, type TreeSpec } from './kit-tree.js';
export {
  userFunctions,
  fnKeyPrefix,
  type UserFunctions,
  type UserFn,
  type FnOptions,
  type FnArg,
} from './kit-user-fn.js';
// Moved to @dask-ts/protocol's collection protocol; re-exported so existing imports keep working.
export { daskGraphInto, daskFinalizeRef } from '@dask-ts/protocol';
