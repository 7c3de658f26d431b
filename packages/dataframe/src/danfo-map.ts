// `mapPartitions(fn, { as: 'danfo' })`: the same per-partition layer as the Arrow form, with the
// danfo kernel (danfo-kernels.ts). The function gets each partition as a danfo DataFrame and
// returns a danfo DataFrame, an Arrow table or plain columns. Its output columns come from `meta`,
// or, as in the Arrow form, from one call on a two-row stand-in partition when the operation is
// built: that call needs danfo at once, so it is required synchronously here (and the error says
// to pass `meta` when danfo cannot be loaded). As for any user function, on worker threads `fn`
// must be self-contained (outer values passed as `scope`).
import { fnKeyPrefix, userFunctions, type UserFn } from '@dask-ts/graph';
import type { Table } from 'apache-arrow';
import { blockwise } from './blockwise.js';
import { DANFO_MAP, callDanfo, danfoKernels } from './danfo-kernels.js';
import { loadDanfoSync } from './danfo-load.js';
import type { DanfoFrame, DanfoModule } from './danfo-types.js';
import type { DType, Schema } from './dtypes.js';
import { tableOf, utf8Of, type Col } from './columns.js';
import type { DataFrame } from './frame.js';
import {
  inferMeta,
  metaSchema,
  type MapPartitionsOptions,
  type PartitionResult,
} from './ops-frame.js';

const fns = userFunctions('dataframe');

/**
 * Options of `mapPartitions` with a danfo function: `as: 'danfo'` and the usual `meta`, `scope`
 * and `name`.
 *
 * @example
 * df.mapPartitions((d) => d, { as: 'danfo', meta: { a: 'float64' } });
 */
export interface DanfoMapOptions extends MapPartitionsOptions {
  readonly as: 'danfo';
}

/**
 * A function over one partition as a danfo DataFrame: it returns a danfo DataFrame, an Arrow
 * table or plain columns (or a promise of one).
 *
 * @example
 * const fn: DanfoPartitionFn = (d) => d;
 */
export type DanfoPartitionFn<D extends DanfoFrame = DanfoFrame> = (
  d: D,
) => D | PartitionResult | Promise<D | PartitionResult>;

function inferDanfoMeta(fn: unknown, schema: Schema): Schema {
  const hint = "pass { meta: { column: type, ... } } with { as: 'danfo' }";
  if (typeof fn !== 'function')
    throw new Error(`${DANFO_MAP}: a function reference needs its output schema; ${hint}`);
  let dfd: DanfoModule;
  try {
    dfd = loadDanfoSync(DANFO_MAP);
  } catch (err) {
    throw new Error(`${(err as Error).message}; or, to build the operation without it, ${hint}`, {
      cause: err,
    });
  }
  // The Arrow form's inference (a call on a stand-in partition, its result checked), on a
  // stand-in of our own as a danfo DataFrame, and a danfo result turned back into Arrow.
  const standIn = standInTable(schema);
  return inferMeta(() => callDanfo(dfd, fn as (d: unknown) => unknown, standIn), schema);
}

/**
 * Two rows per column. danfo infers the dtype of a column it computes from its values, so float
 * stand-ins have fractions that arithmetic keeps: with 1 and 2, `d.x.mul(2)` would be 'int32'.
 */
function standInTable(schema: Schema): Table {
  const stand = (t: DType): Col => {
    switch (t) {
      case 'utf8':
      case 'category':
        return utf8Of(['foo', 'bar']);
      case 'bool':
        return { type: t, length: 2, values: Uint8Array.of(1, 0) };
      case 'int32':
      case 'date32':
        return { type: t, length: 2, values: Int32Array.of(1, 2) };
      case 'float64':
      case 'timestamp':
        return { type: t, length: 2, values: Float64Array.of(1.1, 2.3) };
    }
  };
  return tableOf(new Map(schema.map(([n, t]) => [n, stand(t)] as const)));
}

/** `df.mapPartitions(fn, { as: 'danfo', ... })`. @internal */
export function mapPartitionsDanfo(
  frame: DataFrame,
  fn: UserFn<DanfoPartitionFn<never>>,
  options: MapPartitionsOptions,
): DataFrame {
  const f = fns.arg(fn, options, 'mapPartitions');
  const schema =
    options.meta !== undefined ? metaSchema(options.meta) : inferDanfoMeta(fn, frame.schema);
  const names = schema.map(([n]) => n);
  const types = schema.map(([, t]) => t);
  const label = fnKeyPrefix(fn, options) ?? 'mapPartitions';
  return blockwise(
    `${label}-danfo`,
    [frame],
    frame.npartitions,
    schema,
    [f.token, schema, 'danfo'],
    ([ref]) => danfoKernels.task('mapPartitions', [f.arg, ref, names, types]),
    `mapPartitions(${label}, as danfo) -> ${names.join(', ')}`,
  );
}
