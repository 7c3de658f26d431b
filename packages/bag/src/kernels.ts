// The bag kernels, registered as builtins `bag.<name>` (through the collection kit's
// `defineKernels`) when this module loads. Tasks reference a kernel by name together with this
// module's URL, so a worker thread or process that does not know the name yet imports this module
// (which registers them all) and finds it; run from TypeScript sources, that URL names this `.ts`
// file and workers load it through tsx.
import type { BuiltinRef } from '@dask-ts/protocol';
import { defineKernels } from '@dask-ts/graph/kernels';
import * as agg from './kernels-aggregate.js';
import * as el from './kernels-elementwise.js';
import * as io from './kernels-io.js';
import { pipe } from './kernels-pipe.js';

const kernels = defineKernels('bag', import.meta.url, {
  pipe,
  map: el.map,
  mapPartitions: el.mapPartitions,
  toArray: el.toArray,
  product: el.product,
  zip: el.zip,
  accumulateChunk: el.accumulateChunk,
  getIndex: el.getIndex,
  concat: el.concat,
  first: el.first,
  firstOfFirst: el.firstOfFirst,
  take: el.take,
  concatList: el.concatList,
  splitPart: el.splitPart,
  range: el.range,
  applyTo: agg.applyTo,
  applyToList: agg.applyToList,
  foldCombine: agg.foldCombine,
  unwrap: agg.unwrap,
  foldbyCombine: agg.foldbyCombine,
  entries: agg.entries,
  countCombine: agg.countCombine,
  distinctCombine: agg.distinctCombine,
  distinctValues: agg.distinctValues,
  topk: agg.topk,
  sum: agg.sum,
  sumAll: agg.sumAll,
  extreme: agg.extreme,
  extremeAll: agg.extremeAll,
  truthy: agg.truthy,
  truthyAll: agg.truthyAll,
  momentsAll: agg.momentsAll,
  fromMoments: agg.fromMoments,
  groupCollect: agg.groupCollect,
  digitSplit: agg.digitSplit,
  readText: io.readText,
  readJson: io.readJson,
  writeText: io.writeText,
});

/**
 * The module workers import to register the bag kernels (this module's own URL).
 *
 * @example
 * await import(KERNELS_MODULE);
 */
export const KERNELS_MODULE: string = kernels.module;

/**
 * The name of a bag kernel.
 *
 * @example
 * const k: KernelName = 'map';
 */
export type KernelName = Parameters<typeof kernels.ref>[0];

/**
 * The function reference of a bag kernel (shared object per name).
 *
 * @example
 * task(kernel('flatten'), [ref(['x', 0])]);
 */
export const kernel: (name: KernelName) => BuiltinRef = kernels.ref;
