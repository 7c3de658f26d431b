// The kernel of a Parquet read filtered by a join's keys (join-filter.ts): the keys of the other
// side's partitions become an `isin` filter on the read's key column, run before the read's other
// steps (after its own first filter, whose parts were written to run in their order, and joined
// with it, so late materialization, io-parquet-late.ts, decodes the other columns for the kept
// rows only). A key read from a hive directory is not filtered.
import { defineKernels } from '@dask-ts/graph/kernels';
import type { Table } from 'apache-arrow';
import { colOfData, isValid } from './columns.js';
import type { ExprSpec, Literal } from './expr.js';
import { readParquetPart, type ParquetPart, type ReadPlan } from './io-kernels.js';
import type { Step } from './steps.js';

/** A keyed read's other side: its tables (weakly held) and key column, and their keys. */
interface Held {
  readonly tables: readonly WeakRef<Table>[];
  readonly name: string;
  readonly keys: Literal[];
}

/**
 * The keys of the other sides met so far, by their first table: every read task on a worker that
 * meets the same tables (a broadcast side's, or a range join's) shares one list of keys, and so
 * one lookup (kernels-isin.ts caches it by the list). Collecting 300 k keys for each of 115 reads
 * took a second per worker.
 */
const held = new WeakMap<Table, Held[]>();

/** The valid values of column `name` of some tables (numbers: join-filter.ts marks no other). */
function keysOf(tables: readonly Table[], name: string): Literal[] {
  if (tables.length === 0) return [];
  let list = held.get(tables[0]);
  if (list === undefined) held.set(tables[0], (list = []));
  const hit = list.find(
    (h) =>
      h.name === name &&
      h.tables.length === tables.length &&
      h.tables.every((t, i) => t.deref() === tables[i]),
  );
  if (hit !== undefined) return hit.keys;
  const keys = collectKeys(tables, name);
  list.push({ tables: tables.map((t) => new WeakRef(t)), name, keys });
  return keys;
}

function collectKeys(tables: readonly Table[], name: string): Literal[] {
  const out: number[] = [];
  for (const t of tables) {
    const v = t.getChild(name);
    if (v === null)
      throw new Error(`readParquetKeyed: the join's other side has no column '${name}'`);
    for (const d of v.data) {
      const c = colOfData(d);
      if (c.type === 'utf8')
        throw new Error(`readParquetKeyed: key '${name}' is not a number column`);
      const { values, valid } = c;
      for (let i = 0; i < c.length; i++) if (isValid(valid, i)) out.push(values[i]);
    }
  }
  return out;
}

/** Reads a Parquet part keeping only the rows whose `fileKey` is a `buildKey` of `builds`. */
function readParquetKeyed(
  part: ParquetPart,
  plan: ReadPlan,
  fileKey: string,
  buildKey: string,
  ...builds: Table[]
): Table {
  if (part.hive.some(([k]) => k === fileKey)) return readParquetPart(part, plan);
  const test: ExprSpec = {
    k: 'isin',
    x: { k: 'col', name: fileKey },
    values: keysOf(builds, buildKey),
  };
  const [first, ...rest] = plan.steps;
  const steps: Step[] =
    first?.op === 'filter'
      ? [{ op: 'filter', expr: { k: 'bin', op: 'and', l: first.expr, r: test } }, ...rest]
      : [{ op: 'filter', expr: test }, ...plan.steps];
  return readParquetPart(part, { ...plan, steps });
}

/**
 * The join filter's kernels.
 *
 * @example
 * filterKernels.task('readParquetKeyed', [part, plan, 'l_partkey', 'p_partkey', { $ref: key }]);
 */
export const filterKernels = defineKernels('dataframe-join-filter', import.meta.url, {
  readParquetKeyed,
});
