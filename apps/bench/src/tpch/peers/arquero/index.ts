// arquero as a peer of the tpch suites: arquero cannot read Parquet, so each generated table is
// read once with dask-ts's readParquet and handed to arquero as plain columns (typed arrays for
// numbers, arrays of strings for text: what arquero's own loaders build, and what its per-row
// expressions read fastest); the 22 queries (queries-a.ts, queries-b.ts) then run in memory, on
// one thread, as an arquero user writes them. Policy: loading is done once and timed apart (the
// suite prints it), so a query's time is arquero's work alone, which favours arquero over every
// implementation that reads its files per query.
import { readParquet } from '@dask-ts/dataframe';
import { DataType, type DateDay, type Utf8, type Vector } from 'apache-arrow';
import { table as aqTable, type ColumnTable } from 'arquero';
import { nowNs } from '../../../harness.js';
import type { TableName, TpchFiles } from '../../generate.js';
import { VALIDATION } from '../../params.js';
import type { Answer } from '../../tables.js';
import { AQ_QUERIES_A } from './queries-a.js';
import { AQ_QUERIES_B } from './queries-b.js';
import type { AqQuery } from './shared.js';

/**
 * The arquero peer: `run(id)` answers query `id`; `loadMs` is the time the tables took to load.
 *
 * @example
 * const aq = await openArquero(files);
 * const a = await aq.run(6);
 */
export interface TpchArquero {
  readonly loadMs: number;
  run(id: number): Promise<Answer>;
}

const QUERIES: readonly AqQuery[] = [...AQ_QUERIES_A, ...AQ_QUERIES_B];

/** Distinct strings kept shared per column before interning stops (comments are all distinct). */
const INTERN_LIMIT = 1 << 16;

/**
 * A column as arquero holds it: numbers as the vector's typed array; strings as an array in which
 * repeated values (flags, modes, dates) share one string, so SF 1's tens of millions of cells fit
 * in the heap; dates (Arrow date32, which arrow-js reads as epoch milliseconds) as ISO
 * 'YYYY-MM-DD' strings, which compare as dates do, as the queries' literals expect.
 *
 * @internal exported for its test
 * @example
 * plainColumn(makeVector(new Int32Array([1, 2]))); // Int32Array [1, 2]
 */
export function plainColumn(v: Vector): unknown[] | ArrayLike<number> {
  if (DataType.isDate(v.type)) {
    const iso = new Map<number, string>();
    const out = new Array<string | null>(v.length);
    let i = 0;
    for (const ms of v as Vector<DateDay>) {
      if (ms === null) out[i++] = null;
      else {
        let s = iso.get(ms);
        if (s === undefined) iso.set(ms, (s = new Date(ms).toISOString().slice(0, 10)));
        out[i++] = s;
      }
    }
    return out;
  }
  if (!DataType.isUtf8(v.type) && !DataType.isDictionary(v.type))
    return v.toArray() as ArrayLike<number>;
  const seen = new Map<string, string>();
  const out = new Array<string | null>(v.length);
  let i = 0;
  for (const x of v as Vector<Utf8>) {
    if (x === null || seen.size >= INTERN_LIMIT) out[i++] = x;
    else {
      let s = seen.get(x);
      if (s === undefined) seen.set(x, (s = x));
      out[i++] = s;
    }
  }
  return out;
}

/**
 * Loads the generated tables into arquero (read by readParquet on the sync scheduler).
 *
 * @example
 * const aq = await openArquero(files);
 */
export async function openArquero(files: TpchFiles): Promise<TpchArquero> {
  const t0 = nowNs();
  const tables = {} as Record<TableName, ColumnTable>;
  for (const [name, dir] of Object.entries(files.tables) as [TableName, string][]) {
    const arrow = await readParquet(dir).compute({ scheduler: 'sync' });
    tables[name] = aqTable(
      Object.fromEntries(
        arrow.schema.fields.map((f) => [f.name, plainColumn(arrow.getChild(f.name)!)]),
      ),
    );
  }
  const loadMs = Number(nowNs() - t0) / 1e6;
  return {
    loadMs,
    run(id) {
      const q = QUERIES[id - 1];
      if (q === undefined)
        return Promise.reject(new RangeError(`TPC-H has queries 1 to 22, got ${id}`));
      try {
        return Promise.resolve(q(tables, files.sf, VALIDATION));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
  };
}
