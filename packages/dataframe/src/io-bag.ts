// fromBag: a dataframe from a bag of records (Dask's `Bag.to_dataframe`). Policy: one partition per
// bag partition, in order; the schema is given, not computed, so building stays lazy (as
// `fromDelayed`); each record is a plain object: fields outside the schema are ignored, missing
// ones and null / undefined are nulls, and a value of the wrong type is an error naming the
// partition, the record and the column. Dates may be Date objects, ISO 8601 strings or epoch
// milliseconds. The bag package is not a dependency: any collection whose keys are its partitions
// (a bag) will do.
import { collectionLayer, tokenize } from '@dask-ts/graph';
import { defineKernels } from '@dask-ts/graph/kernels';
import { daskKeys, type Collection, type NestedKeys } from '@dask-ts/protocol';
import type { Table } from 'apache-arrow';
import { tableOf, utf8Of, valuesCtor, type Col, type Utf8Col } from './columns.js';
import { encodeCategory } from './columns-cat.js';
import { DAY_MS, parseTemporal } from './kernels-dt.js';
import type { DType, Schema } from './dtypes.js';
import { DataFrame } from './frame.js';
import { schemaOption, type FromDelayedOptions } from './io-delayed.js';
import { NamedLayer, partKey } from './layers.js';

/**
 * Options of {@link fromBag}: the records' schema, as a schema or as an Arrow table with the
 * same columns (as {@link fromDelayed}'s).
 *
 * @example
 * const o: FromBagOptions = { schema: [['name', 'utf8'], ['amount', 'float64']] };
 */
export type FromBagOptions = FromDelayedOptions;

type Rec = Readonly<Record<string, unknown>>;

function flatKeys(keys: readonly NestedKeys[], out: string[] = []): string[] {
  for (const k of keys) {
    if (typeof k === 'string') out.push(k);
    else flatKeys(k, out);
  }
  return out;
}

/**
 * A dataframe of a bag of records, one partition per bag partition (Dask's `Bag.to_dataframe`).
 * Give the schema (columns and dtypes): records' other fields are left out, missing ones are
 * null.
 *
 * @example
 * const people = bag.fromSequence([{ name: 'ann', age: 31 }, { name: 'bob', age: 42 }]);
 * const df = fromBag(people, { schema: [['name', 'utf8'], ['age', 'int32']] });
 * await df.groupby('name').agg({ age: ['age', 'max'] }).compute();
 */
export function fromBag(bag: Collection, options: FromBagOptions): DataFrame {
  const where = 'fromBag';
  if (bag === null || typeof bag !== 'object' || typeof bag[daskKeys] !== 'function')
    throw new TypeError(`${where}: give a bag (a collection of records), got ${typeof bag}`);
  const schema = schemaOption(options, where);
  const keys = flatKeys(bag[daskKeys]());
  if (keys.length === 0) throw new Error(`${where}: the bag has no partitions`);
  const name = `from-bag-${tokenize(keys, schema)}`;
  const layer = new NamedLayer(
    name,
    [collectionLayer(bag)],
    () =>
      keys.map(
        (k, i) =>
          [partKey(name, i), bagKernels.task('recordsPart', [{ $ref: k }, schema, i])] as const,
      ),
    `fromBag[${keys.length} partitions]`,
  );
  return new DataFrame(layer, keys.length, schema);
}

/** One bag partition's records as a table of `schema`'s columns. */
function recordsPart(value: unknown, schema: Schema, index: number): Table {
  const where = `fromBag: partition ${index}`;
  const recs: unknown[] = Array.isArray(value) ? value : value == null ? [] : [...(value as [])];
  recs.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r))
      throw new TypeError(
        `${where}: record ${i} is ${r === null ? 'null' : Array.isArray(r) ? 'an array' : typeof r}, not an object with the columns ${schema.map(([n]) => `'${n}'`).join(', ')}`,
      );
  });
  const cols = new Map<string, Col>();
  for (const [n, t] of schema) cols.set(n, colOfRecords(recs as Rec[], n, t, where));
  return tableOf(cols);
}

function bad(where: string, name: string, type: DType, i: number, v: unknown): TypeError {
  const text = v instanceof Date ? v.toISOString() : JSON.stringify(v)?.slice(0, 40);
  return new TypeError(
    `${where}: column '${name}' is ${type} but record ${i} holds ${text} (${typeof v}); give the column another dtype in the schema`,
  );
}

function colOfRecords(recs: readonly Rec[], name: string, type: DType, where: string): Col {
  const n = recs.length;
  if (type === 'category')
    return encodeCategory(colOfRecords(recs, name, 'utf8', where) as Utf8Col);
  if (type === 'utf8')
    return utf8Of(
      recs.map((r) => {
        const v = r[name];
        return v == null ? null : typeof v === 'string' ? v : JSON.stringify(v);
      }),
    );
  if (type === 'date32' || type === 'timestamp') return temporalOf(recs, name, type, where);
  let valid: Uint8Array | undefined;
  const values = new (valuesCtor(type))(n);
  for (let i = 0; i < n; i++) {
    const v = recs[i][name];
    if (v == null) {
      valid ??= new Uint8Array((n + 7) >> 3).fill(0xff);
      valid[i >> 3] &= ~(1 << (i & 7));
      continue;
    }
    const ok =
      type === 'bool'
        ? typeof v === 'boolean'
        : typeof v === 'number' && (type === 'float64' || (v | 0) === v);
    if (!ok) throw bad(where, name, type, i, v);
    values[i] = v === true ? 1 : v === false ? 0 : (v as number);
  }
  return { type, length: n, values, valid } as Col;
}

/** Dates from Date objects, epoch milliseconds or ISO 8601 strings. */
function temporalOf(
  recs: readonly Rec[],
  name: string,
  type: 'date32' | 'timestamp',
  where: string,
): Col {
  const text = parseTemporal(
    utf8Of(recs.map((r) => (typeof r[name] === 'string' ? r[name] : null))) as Utf8Col,
    type,
  ) as Extract<Col, { type: 'date32' | 'timestamp' }>;
  const values = text.values;
  let valid = text.valid;
  // Non-string values were read as nulls above: they are filled in here.
  for (let i = 0; i < recs.length; i++) {
    const v = recs[i][name];
    let ms: number;
    if (typeof v === 'string') {
      if (valid === undefined || ((valid[i >> 3] >> (i & 7)) & 1) === 1) continue;
      throw bad(where, name, type, i, v);
    } else if (v instanceof Date) ms = v.getTime();
    else if (typeof v === 'number') ms = v;
    else if (v == null) continue;
    else throw bad(where, name, type, i, v);
    if (!Number.isFinite(ms)) throw bad(where, name, type, i, v);
    values[i] = type === 'date32' ? Math.floor(ms / DAY_MS) : ms;
    if (valid !== undefined) valid[i >> 3] |= 1 << (i & 7);
  }
  if (valid !== undefined && allSet(valid, recs.length)) valid = undefined;
  return { ...text, values, valid } as Col;
}

/** Whether every row of a validity bitmap of `n` rows is set. */
function allSet(valid: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (((valid[i >> 3] >> (i & 7)) & 1) === 0) return false;
  return true;
}

/**
 * The kernels of {@link fromBag}.
 *
 * @example
 * bagKernels.ref('recordsPart');
 */
const bagKernels = defineKernels('dataframe-bag', import.meta.url, { recordsPart });
