// Kernels of categoricals behind the `cat` accessor: the categories of the whole dataframe are
// the sorted union of the partitions' dictionaries, computed first; then each partition is recoded
// against them (`cat.codes`), so codes mean the same thing in every partition.
import type { Table } from 'apache-arrow';
import { colsOf, tableOf, type Col, type Utf8Col } from './columns.js';
import { codesInto, encodeCategory, mergeDicts } from './columns-cat.js';

type Cat = Extract<Col, { type: 'category' }>;

function catOf(t: Table, name: string): Cat {
  const c = colsOf(t).get(name);
  if (c === undefined) throw new Error(`no column '${name}' in the partition`);
  return c.type === 'category' ? c : encodeCategory(c as Utf8Col);
}

/** The kernels of this file. @internal */
export const catKernels = {
  /** A partition's categories of one column, as a one-column utf8 table. */
  catDict: (t: Table, name: string): Table =>
    tableOf(new Map<string, Col>([[name, catOf(t, name).dict]])),
  /** The sorted union of the partitions' categories. */
  catUnion: (name: string, ...parts: Table[]): Table => {
    const dicts = parts.map((p) => colsOf(p).get(name) as Utf8Col);
    return tableOf(new Map<string, Col>([[name, mergeDicts(dicts).dict]]));
  },
  /** A category column replaced by its codes into the whole dataframe's categories. */
  catCodes: (t: Table, name: string, out: string, categories: Table): Table => {
    const all = colsOf(categories).get(name) as Utf8Col;
    const codes = codesInto(catOf(t, name), all);
    const res = new Map<string, Col>([
      [out, { type: 'int32', length: codes.length, values: codes }],
    ]);
    return tableOf(res);
  },
};
