// @dask-ts/array: NumPy's and dask.array's concepts over arrays cut into blocks, each block a
// scijs ndarray over a typed array. Arrays are lazy: operations build layers that an optimizer
// fuses and culls, and any registered scheduler computes them (`sync`, `threads`...). Importing
// this package registers the array kernels and the ndarray codec (so it has side effects).
export { DaskArray, type NdArray, type ArrayValue, type WholeReduceOptions } from './array.js';
export {
  fromArray,
  asarray,
  full,
  zeros,
  ones,
  empty,
  zerosLike,
  onesLike,
  fullLike,
  emptyLike,
  arange,
  linspace,
} from './create.js';
export { toNdarray, toTypedArray } from './export-data.js';
export { type ArrayData, type CreateOptions, type FromArrayOptions } from './creation.js';
export { random, type RandomOptions } from './random.js';
export {
  add,
  sub,
  mul,
  div,
  pow,
  mod,
  maximum,
  minimum,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  negative,
  abs,
  sqrt,
  exp,
  log,
  sin,
  cos,
  where,
  sum,
  prod,
  min,
  max,
  any,
  all,
  mean,
  variance,
  std,
  type ArrayLike,
} from './functions.js';
export {
  floorDivide,
  arctan2,
  hypot,
  logicalAnd,
  logicalOr,
  logicalXor,
  logicalNot,
  isnan,
  isfinite,
  isinf,
  sign,
  square,
  tan,
  arcsin,
  arccos,
  arctan,
  sinh,
  cosh,
  tanh,
  log1p,
  expm1,
  log2,
  log10,
  floor,
  ceil,
  trunc,
  rint,
  round,
  clip,
  nansum,
  nanprod,
  nanmin,
  nanmax,
  nanmean,
  nanvar,
  nanstd,
  argmin,
  argmax,
  nanargmin,
  nanargmax,
  cumsum,
  cumprod,
  nancumsum,
  nancumprod,
  mapBlocks,
  blockwise,
  mapOverlap,
  reduction,
  type BlockFn,
} from './functions.js';
export { type BlockwiseOptions, type MapBlocksOptions } from './blockwise.js';
export { type MapOverlapOptions, type Boundary } from './map-overlap.js';
export { type CustomReduceOptions } from './custom-reduction.js';
export { type BlockInfo, type ReduceInfo } from './kernels-blocks.js';
export { type ArgOptions } from './arg-reduce.js';
export { type ScanOptions } from './cumulative.js';
export { eye, fromFunction, fromDelayed, concatenate, stack, block } from './create-more.js';
export {
  squeeze,
  expandDims,
  swapaxes,
  moveaxis,
  ravel,
  flip,
  roll,
  broadcastTo,
  repeat,
  tile,
  pad,
  type PadWidth,
} from './shape-fns.js';
export { unique, isin, bincount, histogram, topk, diff, digitize } from './stats-fns.js';
export { slice, newaxis, parseIndex, type Slice, type IndexItem } from './slicing.js';
export { type ReduceOptions, type VarOptions } from './reductions.js';
export { type Chunks, type ChunksLike } from './chunks.js';
export { rechunkPlan, type RechunkOptions } from './rechunk-plan.js';
export {
  type Dtype,
  type TypedArray,
  DTYPES,
  BIG_DTYPES,
  resultType,
  scalarResultType,
  floatResultType,
  divResultType,
} from './dtype.js';
export { isNdarray } from './kernels.js';
export {
  matmul,
  dot,
  tensordot,
  outer,
  einsum,
  linalg,
  type ContractOptions,
  type NormOptions,
  type NormOrd,
} from './linalg.js';
export { fft, ComplexArray, type FftOptions, type FftnOptions, type FftNorm } from './fft.js';
export { fromNpy, toNpy, fromZarr, toZarr, store } from './io-api.js';
export { type FromNpyOptions } from './io-npy.js';
export { type FromZarrOptions } from './io-zarr.js';
export { type ZarrWriteOptions } from './io-zarr-store.js';
