// @dask-ts/dataframe: lazy partitioned dataframes whose partitions are Apache Arrow tables, with
// kernels of our own on typed arrays, a CSV reader that parses bytes into typed columns, column
// expressions typed when built, tree-reduction aggregations and groupby, and an optimizer that
// fuses row-wise steps and pushes projections into readers.
export { DataFrame, GroupBy, type AggSpec, type AggName } from './frame.js';
export type { QuantileOptions } from './describe.js';
export type { NamedAgg, GroupByOptions } from './ops-agg.js';
export type { MapPartitionsOptions, PartitionResult, DropnaOptions } from './ops-frame.js';
export type {
  SortOptions,
  DropDuplicatesOptions,
  DropDuplicatesSubset,
  DropDuplicatesKeep,
} from './sort.js';
export type { FrameIndex, IndexValue, LocRange, SetIndexOptions } from './index-ops.js';
export { configureShuffle, type ShuffleConfig } from './shuffle-disk.js';
export { concat, merge, type MergeOptions } from './merge.js';
export { StrAccessor, type StrFn } from './str.js';
export { DtAccessor, type DtFn } from './dt.js';
export { CatAccessor } from './cat.js';
export { Rolling, type RollingOptions } from './window.js';
export { Series } from './series.js';
export { Scalar } from './scalar.js';
export { Expr, col, lit, type LazyNumber, type Operand, type Literal } from './expr.js';
export type { DType, Schema } from './dtypes.js';
export {
  fromColumns,
  fromRecords,
  fromArrow,
  readCsv,
  type ColumnInput,
  type PartitionOptions,
  type ReadCsvOptions,
} from './creation.js';
export { readParquet, type ReadParquetOptions } from './io-parquet.js';
export { readArrowIpc, type ReadArrowIpcOptions } from './io-ipc.js';
export { readJson, type ReadJsonOptions } from './io-json.js';
export { fromDelayed, type FromDelayedOptions } from './io-delayed.js';
export { fromBag, type FromBagOptions } from './io-bag.js';
export { fromDanfo, type FromDanfoOptions } from './danfo-from.js';
export { toDanfo, type DanfoComputeOptions } from './danfo.js';
export type { DanfoMapOptions, DanfoPartitionFn } from './danfo-map.js';
export type { DanfoFrame } from './danfo-types.js';
export type { Filter, Filters, FilterValue } from './io-filters.js';
export type { ToParquetOptions, ToArrowIpcOptions, ToJsonOptions } from './io-write.js';
export type { StorageOptions } from '@dask-ts/graph/fs';
export type { ParquetCompression } from './io-kernels.js';
export { toDaskArray, fromDaskArray, type ToDaskArrayOptions } from './array-interop.js';
