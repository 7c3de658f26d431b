// Whole-frame operations built from expressions and per-partition kernels: mapPartitions (a user
// function over each partition's Arrow table, through the collection kit's user functions: a
// self-contained function runs on any scheduler, a closure only on `sync` unless its variables are
// passed as `scope`), astype, fillna and dropna (row-wise steps, fused with their neighbours).
import type { Table } from 'apache-arrow';
import { fnKeyPrefix, userFunctions, type FnOptions, type UserFn } from '@dask-ts/graph';
import { tableOf, colsOf, utf8Of, type Col, type Utf8Col } from './columns.js';
import { encodeCategory } from './columns-cat.js';
import { DTYPE_LIST, isNumeric, typeOf, type DType, type Schema } from './dtypes.js';
import { col, lit, type Expr, type Literal } from './expr.js';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import { conform } from './kernels-map.js';
import { blockwise } from './blockwise.js';
import { hashPartition } from './shuffle.js';
import { exchangeOutputs } from './shuffle-disk.js';

const fns = userFunctions('dataframe');

/**
 * What a `mapPartitions` function may return: an Arrow `Table`, or columns as typed arrays or
 * arrays of numbers / strings / booleans (null for a null).
 *
 * @example
 * const r: PartitionResult = { a: new Float64Array([1, 2]) };
 */
export type PartitionResult = Table | Readonly<Record<string, unknown>>;

/**
 * Options of `mapPartitions`.
 *
 * @example
 * df.mapPartitions((t) => ({ n: [t.numRows] }), { meta: { n: 'float64' } });
 */
export interface MapPartitionsOptions extends FnOptions {
  /** The result's columns and types; without it, the function is called once on a two-row stand-in partition to find them. */
  readonly meta?: Schema | Readonly<Record<string, DType>>;
}

const DTYPES = new Set<DType>(DTYPE_LIST);

/** `meta` as a schema, its types checked. @internal */
export function metaSchema(meta: NonNullable<MapPartitionsOptions['meta']>): Schema {
  const entries: Schema = Array.isArray(meta)
    ? (meta as Schema)
    : Object.entries(meta as Record<string, DType>);
  for (const [n, t] of entries)
    if (!DTYPES.has(t))
      throw new TypeError(
        `mapPartitions: meta gives column '${n}' the unknown type '${String(t)}'; use ${[...DTYPES].join(', ')}`,
      );
  return entries;
}

/** Two rows of stand-in values per column (as Dask's `meta_nonempty`), to call a function on. */
function sampleTable(schema: Schema): Table {
  const col = (t: DType): Col =>
    t === 'utf8'
      ? utf8Of(['foo', 'bar'])
      : t === 'bool'
        ? { type: t, length: 2, values: Uint8Array.from([1, 0]) }
        : t === 'int32' || t === 'date32'
          ? { type: t, length: 2, values: Int32Array.from([1, 2]) }
          : t === 'category'
            ? encodeCategory(utf8Of(['bar', 'foo']) as Utf8Col)
            : { type: t, length: 2, values: Float64Array.from([1, 2]) };
  return tableOf(new Map(schema.map(([n, t]) => [n, col(t)] as const)));
}

/** The output schema of `fn`, from one call on a stand-in partition. @internal */
export function inferMeta(fn: unknown, schema: Schema): Schema {
  const hint = 'pass { meta: { column: type, ... } }';
  if (typeof fn !== 'function')
    throw new Error(`mapPartitions: a function reference needs its output schema; ${hint}`);
  let r: unknown;
  try {
    r = (fn as (t: Table) => unknown)(sampleTable(schema));
  } catch (e) {
    throw new Error(
      `mapPartitions: calling the function on a two-row stand-in partition (to find its output columns) failed: ${(e as Error).message}; ${hint}`,
    );
  }
  if (r instanceof Promise)
    throw new Error(
      `mapPartitions: the function is asynchronous, so its output columns cannot be found at once; ${hint}`,
    );
  const out =
    r instanceof Object && 'numRows' in r && 'schema' in r
      ? [...colsOf(r as Table)].map(([n, c]) => [n, c.type] as const)
      : plainSchema(r);
  conform(r, out); // the same checks as when it runs
  return out;
}

function plainSchema(r: unknown): Schema {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return [];
  return Object.entries(r as Record<string, unknown>).map(([n, v]) => {
    const first = Array.isArray(v) ? v.find((x) => x !== null && x !== undefined) : undefined;
    const t: DType =
      v instanceof Int32Array
        ? 'int32'
        : typeof first === 'string'
          ? 'utf8'
          : typeof first === 'boolean'
            ? 'bool'
            : 'float64';
    return [n, t] as const;
  });
}

/** `df.mapPartitions(fn, options)`. @internal */
export function mapPartitions(
  frame: DataFrame,
  fn: UserFn<(t: Table) => PartitionResult | Promise<PartitionResult>>,
  options: MapPartitionsOptions,
): DataFrame {
  const f = fns.arg(fn, options, 'mapPartitions');
  const schema =
    options.meta !== undefined ? metaSchema(options.meta) : inferMeta(fn, frame.schema);
  const names = schema.map(([n]) => n);
  const types = schema.map(([, t]) => t);
  const label = fnKeyPrefix(fn, options) ?? 'mapPartitions';
  return blockwise(
    label,
    [frame],
    frame.npartitions,
    schema,
    [f.token, schema],
    ([ref]) => kernels.task('mapPartitions', [f.arg, ref, names, types]),
    `mapPartitions(${label}) -> ${names.join(', ')}`,
  );
}

/** `df.groupby(keys).apply(fn, options)`. @internal */
export function groupApply(
  frame: DataFrame,
  keys: readonly string[],
  fn: UserFn<(t: Table) => PartitionResult | Promise<PartitionResult>>,
  options: MapPartitionsOptions,
): DataFrame {
  const f = fns.arg(fn, options, 'groupby.apply');
  const schema =
    options.meta !== undefined ? metaSchema(options.meta) : inferMeta(fn, frame.schema);
  const names = schema.map(([n]) => n);
  const types = schema.map(([, t]) => t);
  const input =
    frame.npartitions === 1
      ? frame
      : hashPartition(frame, keys, exchangeOutputs(frame.npartitions));
  const label = fnKeyPrefix(fn, options) ?? 'apply';
  return blockwise(
    `groupby-${label}`,
    [input],
    input.npartitions,
    schema,
    [f.token, keys, schema],
    ([ref]) => kernels.task('groupApply', [f.arg, ref, keys, names, types]),
    `groupby(${keys.join(', ')}).apply(${label}) -> ${names.join(', ')}`,
  );
}

/** `df.astype(...)`. @internal */
export function astype(frame: DataFrame, to: DType | Readonly<Record<string, DType>>): DataFrame {
  const map: Record<string, DType> =
    typeof to === 'string' ? Object.fromEntries(frame.columns.map((c) => [c, to])) : { ...to };
  const exprs: Record<string, Expr> = {};
  for (const [c, t] of Object.entries(map)) {
    typeOf(frame.schema, c, 'DataFrame.astype');
    exprs[c] = col(c).astype(t);
  }
  return frame.assign(exprs);
}

function fits(t: DType, v: Literal): boolean {
  return typeof v === 'number' ? isNumeric(t) : typeof v === 'string' ? t === 'utf8' : t === 'bool';
}

/** `df.fillna(...)`. @internal */
export function fillna(
  frame: DataFrame,
  value: Literal | Readonly<Record<string, Literal>>,
): DataFrame {
  const exprs: Record<string, Expr> = {};
  if (typeof value === 'object' && value !== null) {
    for (const [c, v] of Object.entries(value)) {
      typeOf(frame.schema, c, 'DataFrame.fillna');
      exprs[c] = col(c).fillna(lit(v));
    }
  } else {
    // A scalar fills the columns whose type can hold it (numbers: numeric columns, and so on).
    for (const [c, t] of frame.schema) if (fits(t, value)) exprs[c] = col(c).fillna(lit(value));
  }
  return frame.assign(exprs);
}

/**
 * Options of `dropna`.
 *
 * @example
 * df.dropna({ subset: ['a'], how: 'all' });
 */
export interface DropnaOptions {
  /** The columns to look at (default: all). */
  readonly subset?: readonly string[];
  /** 'any' (default): drop a row with any null there; 'all': only a row whose values there are all null. */
  readonly how?: 'any' | 'all';
}

/** `df.dropna(...)`. @internal */
export function dropna(frame: DataFrame, options: DropnaOptions): DataFrame {
  const cols = options.subset ?? frame.columns;
  for (const c of cols) typeOf(frame.schema, c, 'DataFrame.dropna');
  if (cols.length === 0) return frame;
  const how = options.how ?? 'any';
  if (how !== 'any' && how !== 'all')
    throw new Error(`DataFrame.dropna: how must be 'any' or 'all', got '${String(how)}'`);
  const keep = cols
    .map((c) => col(c).notNull())
    .reduce((a, b) => (how === 'any' ? a.and(b) : a.or(b)));
  return frame.filter(keep);
}
