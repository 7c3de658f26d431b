// Kernels for user functions over whole partitions (`mapPartitions`) and for reading one value out
// of a one-row result (`cell`). A user function receives the partition as an Arrow `Table` and
// returns a `Table` or plain columns (typed arrays, or arrays of numbers / strings / booleans with
// nulls): a function that runs on a worker cannot import Arrow, so plain columns are the easy way
// to build new data there. The result is checked against the schema given (or inferred) when the
// operation was built: a missing or extra column, or a type that cannot be converted, is named.
import { withFns } from '@dask-ts/graph/kernels';
import { Table } from 'apache-arrow';
import { colsOf, tableOf, utf8Of, type Col } from './columns.js';
import type { DType, Schema } from './dtypes.js';
import { castCol } from './kernels-ops.js';
import { groupIds } from './kernels-agg.js';
import { sortedGroups } from './kernels-group-sort.js';
import { concatTables, groupRows } from './kernels-shuffle.js';
import { take } from './take.js';

/** What a mapPartitions function may return. */
type Out = Table | Readonly<Record<string, unknown>>;

function plainCol(name: string, xs: unknown): Col {
  if (xs instanceof Float64Array) return { type: 'float64', length: xs.length, values: xs };
  if (xs instanceof Int32Array) return { type: 'int32', length: xs.length, values: xs };
  if (ArrayBuffer.isView(xs) && !(xs instanceof DataView)) {
    const a = xs as unknown as ArrayLike<number | bigint>;
    return { type: 'float64', length: a.length, values: Float64Array.from(a, Number) };
  }
  if (!Array.isArray(xs))
    throw new TypeError(
      `mapPartitions: the function returned column '${name}' as ${typeof xs}, not an array`,
    );
  const kinds = new Set<string>();
  for (const x of xs) if (x !== null && x !== undefined) kinds.add(typeof x);
  if (kinds.size > 1)
    throw new TypeError(
      `mapPartitions: the function's column '${name}' mixes ${[...kinds].join(' and ')}`,
    );
  const kind = [...kinds][0] ?? 'number';
  if (kind === 'string') return utf8Of(xs as (string | null)[]);
  if (kind !== 'number' && kind !== 'boolean')
    throw new TypeError(`mapPartitions: the function's column '${name}' holds ${kind} values`);
  const n = xs.length;
  const values = kind === 'number' ? new Float64Array(n) : new Uint8Array(n);
  let valid: Uint8Array | undefined;
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number | boolean | null | undefined;
    if (x === null || x === undefined) {
      valid ??= new Uint8Array((n + 7) >> 3).fill(0xff);
      valid[i >> 3] &= ~(1 << (i & 7));
    } else values[i] = Number(x);
  }
  return kind === 'number'
    ? { type: 'float64', length: n, values: values as Float64Array, valid }
    : { type: 'bool', length: n, values: values as Uint8Array, valid };
}

/** A user function's result as columns of the expected schema. @internal */
export function conform(r: unknown, schema: Schema): Table {
  let cols: Map<string, Col>;
  if (r instanceof Table) cols = colsOf(r);
  else if (r !== null && typeof r === 'object' && !Array.isArray(r)) {
    cols = new Map(Object.entries(r as Out).map(([k, v]) => [k, plainCol(k, v)]));
  } else {
    throw new TypeError(
      `mapPartitions: the function must return an Arrow Table or an object of columns, got ${r === null ? 'null' : Array.isArray(r) ? 'an array' : typeof r}`,
    );
  }
  const lengths = new Set([...cols.values()].map((c) => c.length));
  if (lengths.size > 1)
    throw new RangeError(
      `mapPartitions: the function returned columns of different lengths (${[...lengths].join(', ')})`,
    );
  const want = schema.map(([n]) => n);
  const extra = [...cols.keys()].filter((c) => !want.includes(c));
  const missing = want.filter((c) => !cols.has(c));
  if (extra.length > 0 || missing.length > 0) {
    throw new Error(
      `mapPartitions: the function's result does not match meta: ${missing.length > 0 ? `missing ${missing.map((c) => `'${c}'`).join(', ')}` : ''}${missing.length > 0 && extra.length > 0 ? '; ' : ''}${extra.length > 0 ? `unexpected ${extra.map((c) => `'${c}'`).join(', ')}` : ''} (meta has ${want.map((c) => `'${c}'`).join(', ')})`,
    );
  }
  const out = new Map<string, Col>();
  for (const [name, type] of schema) {
    const c = cols.get(name)!;
    if (c.type !== type && (c.type === 'utf8') !== (type === 'utf8')) {
      throw new TypeError(
        `mapPartitions: column '${name}' came back ${c.type}, but meta says ${type}`,
      );
    }
    out.set(name, castCol(c, type));
  }
  return tableOf(out);
}

/**
 * Calls a user function on a partition and conforms the result. @internal
 */
export function mapPartitionsKernel(
  f: unknown,
  t: Table,
  names: readonly string[],
  types: readonly DType[],
): unknown {
  const schema = names.map((n, i) => [n, types[i]] as const);
  return withFns([f], ([fn]) => {
    const r = (fn as (t: Table) => unknown)(t);
    if (r instanceof Promise) return r.then((x: unknown) => conform(x, schema));
    return conform(r, schema);
  });
}

/**
 * Calls a user function on each group of a partition (groups in key order, rows with a null key
 * left out) and concatenates the conformed results. @internal
 */
export function groupApplyKernel(
  f: unknown,
  t: Table,
  keys: readonly string[],
  names: readonly string[],
  types: readonly DType[],
): unknown {
  const schema = names.map((n, i) => [n, types[i]] as const);
  const cols = colsOf(t);
  const { ids, firsts } = groupIds(
    keys.map((k) => cols.get(k)!),
    t.numRows,
  );
  const order = sortedGroups(keys.map((k) => take(cols.get(k)!, firsts)));
  const members = groupRows(
    Int32Array.from(ids, (g) => (g < 0 ? firsts.length : g)),
    firsts.length + 1,
  );
  return withFns([f], ([fn]) => {
    const results = Array.from(order, (g) => {
      const part = new Map<string, Col>();
      for (const [name, c] of cols) part.set(name, take(c, members[g]));
      return (fn as (t: Table) => unknown)(tableOf(part));
    });
    const finish = (rs: unknown[]): Table =>
      concatTables(
        rs.map((r) => conform(r, schema)),
        names,
        types,
      );
    if (results.some((r) => r instanceof Promise)) return Promise.all(results).then(finish);
    return finish(results);
  });
}

/** The kernels of this file. @internal */
export const mapKernels = {
  mapPartitions: mapPartitionsKernel,
  groupApply: groupApplyKernel,
  /** Column `name` of row 0 (`fallback` when there is no row or the value is null). */
  cell: (t: Table, name: string, fallback: unknown): unknown =>
    (t.numRows === 0 ? undefined : t.getChild(name)?.get(0)) ?? fallback,
};
