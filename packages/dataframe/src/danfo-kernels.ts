// The kernel behind `mapPartitions(fn, { as: 'danfo' })`, registered as the builtin
// `dataframe-danfo.mapPartitions` in a module of its own, so that the core kernels never load
// danfo. A partition reaches the task as an Arrow table (between threads, as transferred Arrow
// buffers, like every partition); the kernel loads danfo in the thread it runs in, builds a danfo
// DataFrame, calls the user function and turns what it returns (a danfo DataFrame, an Arrow
// table, or plain columns) back into Arrow, checked against the operation's schema. An empty
// partition is not given to the function (danfo cannot work on empty frames): its result is empty.
import { defineKernels, withFns } from '@dask-ts/graph/kernels';
import type { Table } from 'apache-arrow';
import './codec.js';
import { emptyCol, tableOf } from './columns.js';
import { colsOfDanfo, danfoOfTable, isDanfoFrame } from './danfo-convert.js';
import { loadDanfo } from './danfo-load.js';
import type { DanfoModule } from './danfo-types.js';
import type { DType } from './dtypes.js';
import { conform } from './kernels-map.js';

/** The operation's name in errors. @internal */
export const DANFO_MAP = "mapPartitions(fn, { as: 'danfo' })";

/**
 * What a danfo user function returned, as something `conform` takes: a danfo DataFrame becomes
 * an Arrow table; a table or plain columns pass. @internal
 */
export function fromDanfoResult(r: unknown): unknown {
  if (isDanfoFrame(r)) return tableOf(colsOfDanfo(r, DANFO_MAP));
  const o = r as { values?: unknown; dtypes?: unknown } | null;
  if (typeof o === 'object' && o !== null && 'values' in o && Array.isArray(o.dtypes))
    throw new TypeError(
      `${DANFO_MAP}: the function returned a danfo Series; return a danfo DataFrame, an Arrow Table or columns`,
    );
  return r;
}

/** Calls `fn` on the partition as a danfo DataFrame and returns its result as Arrow. @internal */
export function callDanfo(dfd: DanfoModule, fn: (d: unknown) => unknown, t: Table): unknown {
  const r = fn(danfoOfTable(dfd, t));
  return r instanceof Promise ? r.then(fromDanfoResult) : fromDanfoResult(r);
}

async function mapPartitionsDanfo(
  f: unknown,
  t: Table,
  names: readonly string[],
  types: readonly DType[],
): Promise<Table> {
  const schema = names.map((n, i) => [n, types[i]] as const);
  // An empty partition gives an empty result without a call: danfo 1.1 fails on most operations
  // over an empty frame (addColumn, groupby...).
  if (t.numRows === 0) return tableOf(new Map(schema.map(([n, type]) => [n, emptyCol(type)])));
  const dfd = await loadDanfo(DANFO_MAP);
  return withFns([f], async ([fn]) =>
    conform(await callDanfo(dfd, fn as (d: unknown) => unknown, t), schema),
  );
}

/**
 * The danfo kernels and their references.
 *
 * @example
 * danfoKernels.task('mapPartitions', [fnArg, { $ref: '["from-columns-1",0]' }, ['a'], ['float64']]);
 */
export const danfoKernels = defineKernels('dataframe-danfo', import.meta.url, {
  mapPartitions: mapPartitionsDanfo,
});
