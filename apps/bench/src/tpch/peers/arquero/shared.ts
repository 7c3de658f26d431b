// The shape of an arquero TPC-H query, the expressions several queries share, and answers read
// from arquero tables. arquero parses
// a table expression from its function's source text, so these are self-contained arrow functions
// (no closures: values from outside come in through `params` as `$`).
import type { ColumnTable } from 'arquero';
import type { TableName } from '../../generate.js';
import type { QueryParams } from '../../params.js';
import type { Answer, Cell } from '../../tables.js';

/** The tables loaded into arquero. @example const li: ColumnTable = t.lineitem; */
export type AqTables = Readonly<Record<TableName, ColumnTable>>;

/**
 * One query: its answer from the loaded tables, the scale factor and the parameters.
 *
 * @example
 * const a = AQ_QUERIES_A[5](tables, 1, VALIDATION);
 */
export type AqQuery = (
  t: AqTables,
  sf: number,
  params: Readonly<Record<number, QueryParams>>,
) => Answer;

/** l_extendedprice * (1 - l_discount). @example t.derive({ volume: REV }) */
export const REV = (d: Record<string, number>): number => d.l_extendedprice * (1 - d.l_discount);

/**
 * The rows of an arquero table (in its order), for the named columns.
 *
 * @example
 * const a = answerOfAq(t.orderby('n_name'), ['n_name', 'revenue']);
 */
export function answerOfAq(t: ColumnTable, columns: readonly string[]): Answer {
  const arrays = columns.map((c) => {
    if (!t.columnNames().includes(c))
      throw new Error(`arquero answer: no column '${c}' in ${t.columnNames().join(', ')}`);
    return t.array(c) as ArrayLike<unknown>;
  });
  const rows: Cell[][] = [];
  for (let i = 0; i < t.numRows(); i++)
    rows.push(
      arrays.map((a) => {
        const v = a[i];
        return typeof v === 'number' || typeof v === 'string' ? v : v == null ? null : String(v);
      }),
    );
  return { columns, rows };
}

/**
 * `t` with parameters for its expressions (`$` in `(d, $) => ...`): `Table.params` is typed as
 * a getter and a setter at once, so its result is narrowed here.
 *
 * @example
 * given(t.part, { sizes: [1, 2] }).filter((d, $) => op.includes($.sizes, d.p_size))
 */
export function given(t: ColumnTable, values: Readonly<Record<string, unknown>>): ColumnTable {
  return t.params(values) as ColumnTable;
}
