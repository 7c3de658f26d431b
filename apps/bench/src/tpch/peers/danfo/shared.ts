// What the danfojs TPC-H queries share: danfo's types (taken from danfojs-node, a dev dependency of
// the bench), the tables as danfo DataFrames with dates as day numbers (danfo's comparisons take
// numbers, not strings or Dates), and small helpers a danfo user writes: key renames before a
// merge (danfo merges on columns of the same name), revenue, date bounds, and turning a small
// result into an answer. danfo's `sortValues` sorts by one column, so answers ordered by several
// keys are ordered in plain JavaScript (they are small: every query aggregates or limits).
import type { TableName } from '../../generate.js';
import type { QueryParams } from '../../params.js';
import type { Answer, Cell } from '../../tables.js';

/** danfo's module. @example const dfd: Dfd = await import('danfojs-node'); */
export type Dfd = typeof import('danfojs-node');
/** A danfo DataFrame (the type its methods return). @example const d: DF = dfd.merge({ left, right, on: ['k'], how: 'inner' }); */
export type DF = ReturnType<Dfd['merge']>;
/** A danfo Series. @example const s: Series = d.column('x'); */
export type Series = ReturnType<DF['column']>;
/** The tables a query reads, as danfo DataFrames. @example t.lineitem.shape */
export type DanfoTables = Readonly<Partial<Record<TableName, DF>>>;
/**
 * One query: the tables, danfo's module, the scale factor and the substitution parameters (the
 * validation values where not given).
 *
 * @example
 * DANFO_QUERIES[18]?.(t, dfd, 0.01, { quantity: 250 });
 */
export type DanfoQuery = (t: DanfoTables, dfd: Dfd, sf: number, params?: QueryParams) => Answer;

const DAY = 86400000;

/** An ISO date as days since 1970-01-01. @example days('1970-01-02') // 1 */
export const days = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY;

/** Days since 1970-01-01 as an ISO date. @example isoOf(1) // '1970-01-02' */
export const isoOf = (d: number): string => new Date(d * DAY).toISOString().slice(0, 10);

/** A table the query needs (loaded by index.ts). @example need(t, 'lineitem') */
export function need(t: DanfoTables, name: TableName): DF {
  const d = t[name];
  if (d === undefined) throw new Error(`danfo peer: table '${name}' was not loaded`);
  return d;
}

/** `lo <= s < hi` on day numbers. @example d.query(from(d.column('l_shipdate'), '1994-01-01', '1995-01-01')) */
export const from = (s: Series, lo: string, hi: string): Series =>
  s.ge(days(lo)).and(s.lt(days(hi)));

/** l_extendedprice * (1 - l_discount). @example d.addColumn('volume', revenue(d)) */
export const revenue = (d: DF): Series =>
  d.column('l_extendedprice').mul(d.column('l_discount').mul(-1).add(1));

/**
 * An inner merge of `left` and `right` where `right`'s key columns are renamed to `left`'s.
 *
 * @example
 * join(dfd, orders, 'o_orderkey', lines, 'l_orderkey');
 */
export function join(
  dfd: Dfd,
  left: DF,
  leftOn: string | readonly string[],
  right: DF,
  rightOn: string | readonly string[],
): DF {
  const l = typeof leftOn === 'string' ? [leftOn] : [...leftOn];
  const r = typeof rightOn === 'string' ? [rightOn] : [...rightOn];
  const renamed = right.rename(Object.fromEntries(r.map((c, i) => [c, l[i]])));
  return dfd.merge({ left, right: renamed, on: l, how: 'inner' });
}

/**
 * The frame with only `columns`, by position: danfo's `loc({ columns })` maps every row's index
 * label to its position with `indexOf`, quadratic in the rows (seconds on lineitem at SF 0.01),
 * where `iloc` with column positions is linear.
 *
 * @example
 * pick(lineitem, ['l_orderkey', 'l_quantity']);
 */
export function pick(d: DF, columns: readonly string[]): DF {
  const at = columns.map((c) => {
    const i = d.columns.indexOf(c);
    if (i < 0) throw new Error(`danfo peer: no column '${c}' in ${d.columns.join(', ')}`);
    return i;
  });
  return d.iloc({ columns: at });
}

/** String equality as a boolean mask (danfo's `eq` takes numbers). @example d.query(is(d.column('n_name'), 'CANADA')) */
export const is = (s: Series, value: string): Series => s.map((x) => x === value);

/** The calendar year of each day number. @example d.addColumn('o_year', yearOf(d.column('o_orderdate'))) */
export const yearOf = (s: Series): Series =>
  s.map((d) => new Date((d as number) * DAY).getUTCFullYear());

/**
 * A mask keeping the first row of each distinct combination of `columns`: danfo has no
 * `dropDuplicates` on frames (only on a Series, which loses the other columns), so the
 * combinations go through a JS `Set` in `map`. Counting the kept rows per group is SQL's
 * COUNT(DISTINCT).
 *
 * @example
 * d.query(firstOf(d, ['l_orderkey', 'l_suppkey']));
 */
export function firstOf(d: DF, columns: readonly string[]): Series {
  const cols = columns.map((c) => values(d, c));
  const seen = new Set<string>();
  return d.column(columns[0]).map((_, i) => {
    const key = cols.map((c) => c[i]).join('\u0001');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Values of a column as numbers or strings. @example values(d, 'n_name') */
export function values(d: DF, c: string): Cell[] {
  if (d.shape[0] === 0) return [];
  return Array.from(d.column(c).values as ArrayLike<Cell>);
}

/**
 * A danfo result as an answer: `columns` maps each answer column to a column of `d` (renamed by
 * agg: `volume_sum`), `dates` names answer columns holding day numbers.
 *
 * @example
 * answer(g, { n_name: 'n_name', revenue: 'volume_sum' });
 */
export function answer(
  d: DF,
  columns: Readonly<Record<string, string>>,
  dates: readonly string[] = [],
): Answer {
  const names = Object.keys(columns);
  const cols = names.map((n) => {
    const v = values(d, columns[n]);
    return dates.includes(n) ? v.map((x) => (typeof x === 'number' ? isoOf(x) : x)) : v;
  });
  const rows = Array.from({ length: d.shape[0] }, (_, i) => cols.map((c) => c[i] ?? null));
  return { columns: names, rows };
}

/**
 * An answer's rows sorted by columns (descending where `desc`), then the first `limit`.
 *
 * @example
 * ordered(a, [['revenue', true], ['o_orderdate', false]], 10);
 */
export function ordered(
  a: Answer,
  keys: readonly (readonly [string, boolean])[],
  limit = Infinity,
): Answer {
  const at = keys.map(([c, desc]) => [a.columns.indexOf(c), desc ? -1 : 1] as const);
  const rows = [...a.rows].sort((x, y) => {
    for (const [i, sign] of at) {
      const p = x[i];
      const q = y[i];
      if (p === q) continue;
      if (p === null) return 1;
      if (q === null) return -1;
      return (p < q ? -1 : 1) * sign;
    }
    return 0;
  });
  return { columns: a.columns, rows: rows.slice(0, limit) };
}
