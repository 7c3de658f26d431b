// The bag kernels, registered as builtins `bag.<name>` when this module loads. Tasks reference a
// kernel by name together with this module's URL, so a worker thread or process that does not know
// the name yet imports this module (which registers them all) and finds it. Running from source
// (tests through a TypeScript loader), workers are pointed at the built twin in dist/.
import { registerBuiltin, type BuiltinRef, type TaskFunction } from '@dask-ts/protocol';
import * as agg from './kernels-aggregate.js';
import * as el from './kernels-elementwise.js';
import * as io from './kernels-io.js';
import { pipe } from './kernels-pipe.js';

/**
 * The module workers import to register the bag kernels.
 *
 * @example
 * await import(KERNELS_MODULE);
 */
export const KERNELS_MODULE: string = /\.[cm]?ts$/.test(import.meta.url)
  ? new URL('../dist/kernels.js', import.meta.url).href
  : import.meta.url;

const table = {
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
} satisfies Record<string, TaskFunction>;

/**
 * The name of a bag kernel.
 *
 * @example
 * const k: KernelName = 'map';
 */
export type KernelName = keyof typeof table;

for (const [name, fn] of Object.entries(table)) registerBuiltin(`bag.${name}`, fn as TaskFunction);

const refs = new Map<string, BuiltinRef>();

/**
 * The function reference of a bag kernel (shared object per name).
 *
 * @example
 * task(kernel('flatten'), [ref(['x', 0])]);
 */
export function kernel(name: KernelName): BuiltinRef {
  let r = refs.get(name);
  if (r === undefined) {
    r = { kind: 'builtin', name: `bag.${name}`, module: KERNELS_MODULE };
    refs.set(name, r);
  }
  return r;
}
