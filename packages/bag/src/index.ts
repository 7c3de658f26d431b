// @dask-ts/bag: parallel processing of plain objects and text, as `dask.bag` users know it. Bags
// are lazy and partitioned; operations build a task graph that any registered scheduler runs
// (`threads` by default). Importing this package registers the bag kernels (so it has side effects).
export { Bag, type MapOptions, type KeyFn, type Flat, type PartitionArgs } from './bag.js';
export { Item } from './item.js';
export {
  fromSequence,
  range,
  fromDelayed,
  concat,
  zip,
  map,
  mapPartitions,
  type PartitionOptions,
} from './creation.js';
export { readText, readJson, type ReadTextOptions } from './read-text.js';
export { type ToTextFilesOptions } from './write-text.js';
export { type Compression } from './compression.js';
export { type DecodeErrors } from './text-codec.js';
export { type TakeOptions } from './take.js';
export { type JoinOther } from './join.js';
export { StrAccessor } from './str.js';
export { type UserFn, type FnOptions } from './fn-arg.js';
export { type ArgValue, type ArgValues, type BagLike } from './args.js';
export {
  type TreeOptions,
  type ReductionOptions,
  type FoldOptions,
  type FoldbyOptions,
  type GroupbyOptions,
} from './aggregations.js';
export { KERNELS_MODULE } from './kernels.js';
