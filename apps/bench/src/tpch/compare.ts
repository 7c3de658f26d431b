// Comparing a query's answer with the reference's. Policy: the same number of rows and columns;
// the same multiset of rows, numbers equal to a relative (and absolute) tolerance of 1e-6, a
// number and a numeric string equal when their values are (DuckDB's years and counts); and where
// the query orders its rows, the ordering columns, row by row, equal the reference's (rows tied on
// those columns may come in any order). The first difference is reported, naming the row.
import type { Answer, Cell } from './tables.js';

const TOL = 1e-6;

function same(a: Cell, b: Cell): boolean {
  if (a === null || b === null) return a === b;
  const x = typeof a === 'number' ? a : Number.NaN;
  const y = typeof b === 'number' ? b : Number.NaN;
  if (typeof a === 'number' || typeof b === 'number') {
    const p = typeof a === 'number' ? x : Number(a);
    const q = typeof b === 'number' ? y : Number(b);
    if (!Number.isFinite(p) || !Number.isFinite(q)) return p === q;
    return Math.abs(p - q) <= TOL * Math.max(1, Math.abs(p), Math.abs(q));
  }
  return a === b;
}

const sortKey = (c: Cell): string =>
  c === null
    ? '\u0000'
    : typeof c === 'number' || /^-?\d+(\.\d+)?$/.test(c)
      ? Number(c).toPrecision(6).padStart(24, ' ')
      : c;

const canonical = (rows: readonly (readonly Cell[])[]): (readonly Cell[])[] =>
  [...rows].sort((a, b) => {
    for (let i = 0; i < a.length; i++) {
      const p = sortKey(a[i]);
      const q = sortKey(b[i]);
      if (p !== q) return p < q ? -1 : 1;
    }
    return 0;
  });

const show = (r: readonly Cell[]): string => JSON.stringify(r);

/**
 * Why `got` differs from `want`, or undefined when they agree. `orderBy` names the columns (of
 * `got`) the query sorts by; positions are taken from `got.columns`.
 *
 * @example
 * const why = differ(dask, duck, ['revenue']);
 * if (why) throw new Error(why);
 */
export function differ(got: Answer, want: Answer, orderBy: readonly string[]): string | undefined {
  if (got.columns.length !== want.columns.length)
    return `${got.columns.length} columns (${got.columns.join(', ')}), expected ${want.columns.length} (${want.columns.join(', ')})`;
  if (got.rows.length !== want.rows.length)
    return `${got.rows.length} rows, expected ${want.rows.length}; first got ${show(got.rows[0] ?? [])}, first expected ${show(want.rows[0] ?? [])}`;
  const at = orderBy.map((c) => {
    const i = got.columns.indexOf(c);
    if (i < 0)
      throw new Error(`compare: ordering column '${c}' is not in ${got.columns.join(', ')}`);
    return i;
  });
  for (let r = 0; r < got.rows.length; r++)
    for (const i of at)
      if (!same(got.rows[r][i], want.rows[r][i]))
        return `row ${r}: ordering column '${got.columns[i]}' is ${String(got.rows[r][i])}, expected ${String(want.rows[r][i])}`;
  const g = canonical(got.rows);
  const w = canonical(want.rows);
  for (let r = 0; r < g.length; r++)
    for (let i = 0; i < g[r].length; i++)
      if (!same(g[r][i], w[r][i]))
        return `column '${got.columns[i]}' of row ${show(g[r])} differs from the reference's ${show(w[r])}`;
  return undefined;
}
