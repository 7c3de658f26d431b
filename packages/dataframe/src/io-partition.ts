// toDelayed: one Delayed per partition of a dataframe, through the kit's chunksToDelayed (the
// dataframe's layers optimized once for every partition; each Delayed's one key the partition's),
// so partitions can feed delayed functions and be computed one by one or together.
import type { Table } from 'apache-arrow';
import { chunksToDelayed, type Delayed } from '@dask-ts/graph';
import type { DataFrame } from './frame.js';
import { optimizeDataFrame } from './fusion.js';
import { ioKernels } from './io-kernels.js';
import { partKey } from './layers.js';

/** The partitions as Delayed values. @internal */
export function partitionsToDelayed(df: DataFrame): Delayed<Table>[] {
  const keys = Array.from({ length: df.npartitions }, (_, i) => partKey(df.layer.name, i));
  return chunksToDelayed<Table>([df.layer], optimizeDataFrame, keys, ioKernels.ref('firstOf'));
}
