// fromDelayed: a dataframe from Delayed values (`toDelayed`, the other way, is io-partition.ts).
// Policy: `fromDelayed` takes
// Delayed values that compute to Arrow tables, one partition each; as the
// values are not computed when the dataframe is built, the schema must be given (`schema`, or
// `meta`: an Arrow table, possibly empty, with the right columns), and each partition is checked
// against it when computed (an error names the partition and the column).
import type { Table } from 'apache-arrow';
import { Table as ArrowTable } from 'apache-arrow';
import { collectionLayer, isDelayed, tokenize, type DelayedCore } from '@dask-ts/graph';
import { DTYPE_LIST, type DType, type Schema } from './dtypes.js';
import { DataFrame } from './frame.js';
import { ioKernels } from './io-kernels.js';
import { schemaOfFields } from './io-arrow-cols.js';
import { NamedLayer, partKey } from './layers.js';

const DTYPES = new Set<DType>(DTYPE_LIST);

/**
 * Options of {@link fromDelayed}: the partitions' schema, as a schema or as an Arrow table with
 * the same columns.
 *
 * @example
 * const o: FromDelayedOptions = { schema: [['a', 'float64'], ['k', 'utf8']] };
 */
export type FromDelayedOptions = { readonly schema: Schema } | { readonly meta: Table };

/**
 * The schema that `{ schema }` or `{ meta }` gives (fromDelayed, fromBag), checked. @internal
 */
export function schemaOption(options: FromDelayedOptions, where: string): Schema {
  if (options !== null && typeof options === 'object' && 'meta' in options) {
    if (!(options.meta instanceof ArrowTable))
      throw new TypeError(`${where}: meta must be an apache-arrow Table`);
    return schemaOfFields(options.meta.schema.fields, `${where} meta`);
  }
  if (
    options !== null &&
    typeof options === 'object' &&
    'schema' in options &&
    Array.isArray(options.schema)
  ) {
    for (const e of options.schema)
      if (!Array.isArray(e) || typeof e[0] !== 'string' || !DTYPES.has(e[1]))
        throw new TypeError(
          `${where}: a schema entry is [name, ${DTYPE_LIST.map((t) => `'${t}'`).join(' | ')}], got ${JSON.stringify(e)}`,
        );
    return options.schema;
  }
  throw new Error(
    `${where}: give the partitions' schema as { schema: [[name, dtype], ...] } or { meta: table }`,
  );
}

/**
 * A dataframe whose partitions are Delayed values that compute to Arrow
 * tables, one partition each, in order. The schema is given, not computed; each partition is
 * checked against it when computed (other integer and float types become float64).
 *
 * @example
 * const load = delayed((i: number) => tableFromArrays({ a: Float64Array.from([i, i + 1]) }));
 * const df = fromDelayed([load(0), load(10)], { schema: [['a', 'float64']] });
 */
export function fromDelayed(
  values: readonly DelayedCore<Table>[],
  options: FromDelayedOptions,
): DataFrame {
  const where = 'fromDelayed';
  if (!Array.isArray(values) || values.length === 0)
    throw new Error(`${where}: give a non-empty list of Delayed values`);
  values.forEach((d, i) => {
    if (!isDelayed(d))
      throw new TypeError(`${where}: element ${i} is not a Delayed value (got ${typeof d})`);
  });
  const schema = schemaOption(options, where);
  const keys = values.map((d) => d.key);
  const name = `from-delayed-${tokenize(keys, schema)}`;
  const deps = values.map((d) => collectionLayer(d));
  const layer = new NamedLayer(
    name,
    deps,
    () =>
      keys.map(
        (k, i) =>
          [partKey(name, i), ioKernels.task('checkPart', [{ $ref: k }, schema, i])] as const,
      ),
    `fromDelayed[${values.length} partitions]`,
  );
  return new DataFrame(layer, values.length, schema);
}
