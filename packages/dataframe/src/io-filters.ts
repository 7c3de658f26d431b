// Reader filters: Dask's `filters` ([['x', '>', 5], ['k', 'in', ['a', 'b']]], a list of
// conjunctions; a list of such lists is their disjunction) and the comparisons the optimizer finds
// in `filter` steps. Policy: a filter is used in two ways - coarse pruning, where a row group (or
// a hive partition) whose min/max statistics prove that no row can match is not read, and an exact
// `filter` step on the rows that are read, so the result never depends on how coarse the pruning
// was. Statistics that are missing or of another type than the value never prune.
import { col, Expr } from './expr.js';
import type { ExprSpec } from './expr.js';
import { typeOf, type Schema } from './dtypes.js';
import type { Step } from './steps.js';

/** A filter's value: a number, a string or a boolean (a list of them for `in` / `not in`). */
export type FilterValue = number | string | boolean;

/**
 * One comparison of a column with a value.
 *
 * @example
 * const f: Filter = ['x', '>', 5];
 */
export type Filter =
  | readonly [string, '==' | '=' | '!=' | '<' | '<=' | '>' | '>=', FilterValue]
  | readonly [string, 'in' | 'not in', readonly FilterValue[]];

/**
 * Filters: comparisons that must all hold, or a list of such lists of which one must hold.
 *
 * @example
 * const fs: Filters = [['x', '>', 5], ['k', 'in', ['a', 'b']]];
 */
export type Filters = readonly Filter[] | readonly (readonly Filter[])[];

/** A column's min and max over a row group (undefined when unknown). @internal */
export type Stats = ReadonlyMap<string, readonly [unknown, unknown]>;

const OPS = new Set(['==', '=', '!=', '<', '<=', '>', '>=', 'in', 'not in']);

/** Filters in disjunctive normal form, checked against the schema. @internal */
export function normalizeFilters(
  filters: Filters | undefined,
  schema: Schema,
  where: string,
): Filter[][] {
  if (filters === undefined) return [];
  if (!Array.isArray(filters)) throw new TypeError(`${where}: filters must be an array`);
  if (filters.length === 0) return [];
  const dnf = (Array.isArray(filters[0]?.[0]) ? filters : [filters]) as Filter[][];
  for (const conj of dnf) {
    for (const f of conj) {
      if (!Array.isArray(f) || f.length !== 3)
        throw new TypeError(`${where}: a filter is [column, op, value], got ${JSON.stringify(f)}`);
      const [c, op, v] = f;
      typeOf(schema, c, `${where} filters`);
      if (!OPS.has(op))
        throw new Error(
          `${where}: unknown filter operator '${op}' on column '${c}'; use ${[...OPS].join(', ')}`,
        );
      if ((op === 'in' || op === 'not in') !== Array.isArray(v))
        throw new TypeError(
          `${where}: filter '${c} ${op}' needs ${Array.isArray(v) ? 'one value' : 'a list of values'}`,
        );
    }
  }
  return dnf;
}

function exprOf(f: Filter): Expr {
  const [c, op, v] = f;
  const x = col(c);
  switch (op) {
    case '==':
    case '=':
      return x.eq(v);
    case '!=':
      return x.ne(v);
    case '<':
      return x.lt(v);
    case '<=':
      return x.le(v);
    case '>':
      return x.gt(v);
    case '>=':
      return x.ge(v);
    case 'in':
      return v.length === 0
        ? col(c).isNull().and(false)
        : v.map((y) => x.eq(y)).reduce((a, b) => a.or(b));
    case 'not in':
      return v.length === 0 ? x.isNull().not() : v.map((y) => x.ne(y)).reduce((a, b) => a.and(b));
  }
}

/** The exact row filter of filters in normal form (undefined when there are none). @internal */
export function filterExpr(dnf: readonly (readonly Filter[])[]): Expr | undefined {
  if (dnf.length === 0) return undefined;
  return dnf.map((conj) => conj.map(exprOf).reduce((a, b) => a.and(b))).reduce((a, b) => a.or(b));
}

const FLIP = { eq: '==', ne: '!=', lt: '>', le: '>=', gt: '<', ge: '<=' } as const;
const SAME = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

function conjuncts(e: ExprSpec, out: Filter[]): void {
  if (e.k !== 'bin') return;
  if (e.op === 'and') {
    conjuncts(e.l, out);
    conjuncts(e.r, out);
    return;
  }
  if (!(e.op in SAME)) return;
  const op = e.op as keyof typeof SAME;
  if (e.l.k === 'col' && e.r.k === 'lit') out.push([e.l.name, SAME[op], e.r.value]);
  else if (e.l.k === 'lit' && e.r.k === 'col') out.push([e.r.name, FLIP[op], e.l.value]);
}

/**
 * The comparisons of file columns with literals that every row kept by `steps` satisfies: the
 * conjuncts of filters met before a step renames or assigns the column. @internal
 */
export function stepFilters(steps: readonly Step[]): Filter[] {
  const changed = new Set<string>();
  let renamed = false;
  const out: Filter[] = [];
  for (const s of steps) {
    if (s.op === 'rename') renamed = true;
    else if (s.op === 'assign') changed.add(s.name);
    else if (s.op === 'filter' && !renamed) {
      const fs: Filter[] = [];
      conjuncts(s.expr, fs);
      out.push(...fs.filter(([c]) => !changed.has(c)));
    }
  }
  return out;
}

function num(x: unknown): unknown {
  return typeof x === 'bigint' ? Number(x) : x;
}

/** Whether `f` may hold for some row whose column lies in [min, max]. */
function mayHold(f: Filter, min: unknown, max: unknown): boolean {
  const lo = num(min);
  const hi = num(max);
  const vs = Array.isArray(f[2]) ? (f[2] as FilterValue[]) : [f[2] as FilterValue];
  if (vs.some((v) => typeof v !== typeof lo || typeof v !== typeof hi)) return true;
  const [l, h] = [lo as FilterValue, hi as FilterValue];
  const v = vs[0];
  switch (f[1]) {
    case '==':
    case '=':
      return !(v < l || v > h);
    case '!=':
      return !(l === h && l === v);
    case '<':
      return l < v;
    case '<=':
      return l <= v;
    case '>':
      return h > v;
    case '>=':
      return h >= v;
    case 'in':
      return vs.some((x) => !(x < l || x > h));
    case 'not in':
      return !(l === h && vs.includes(l));
  }
}

/** Whether a row group with these statistics may hold a row that passes the filters. @internal */
export function mayMatch(dnf: readonly (readonly Filter[])[], stats: Stats): boolean {
  if (dnf.length === 0) return true;
  return dnf.some((conj) =>
    conj.every((f) => {
      const s = stats.get(f[0]);
      return s === undefined || s[0] === undefined || s[1] === undefined || mayHold(f, s[0], s[1]);
    }),
  );
}
