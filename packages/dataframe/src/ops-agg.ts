// Planning aggregations: a groupby's spec (per column one aggregation or several, or named
// aggregations `{ total: ['x', 'sum'] }`) becomes output columns with their types, the value
// columns to accumulate and the extra state first / last / nunique need; then either a tree
// reduction (few groups: every partial fits in memory, one output partition sorted by the keys),
// a hash shuffle of the partitions' partials on the keys (many groups: `splitOut` partitions,
// each sorted by the keys within), or, for one int key whose partitions hold disjoint key ranges
// (Parquet statistics), a combine of each range's pieces with no shuffle (groupby-range.ts).
// Whole-column aggregations that are not plain running sums (std, var, nunique, first, last, size)
// are a groupby with no key, read back as one value or one record.
import { tokenize } from '@dask-ts/graph';
import { isNumeric, isTemporal, typeOf, type DType, type Schema } from './dtypes.js';
import type { DataFrame } from './frame.js';
import { kernels, type GroupOut } from './kernels.js';
import type { AggName, GroupNeeds } from './kernels-agg.js';
import type { Stat } from './kernels-group-acc.js';
import { NamedLayer, partKey, partRef, treeReduce } from './layers.js';
import { markKeysKept } from './join-filter.js';
import { Scalar } from './scalar.js';
import { shuffleGroupby } from './groupby-shuffle.js';
import { rangeGroupby, rangePlanOf } from './groupby-range.js';
import { allRefs, blockwise } from './blockwise.js';
import { chooseStrategy } from './groupby-plan.js';
import type { JoinSpec } from './kernels-join.js';

/**
 * A named aggregation: the column and the aggregation, as a pair or as pandas' `NamedAgg`
 * (whose `q` gives the quantile of `'quantile'`, default 0.5).
 *
 * @example
 * const a: NamedAgg = ['x', 'sum'];
 * const b: NamedAgg = { column: 'x', aggfunc: 'sum' };
 * const p90: NamedAgg = { column: 'x', aggfunc: 'quantile', q: 0.9 };
 */
export type NamedAgg =
  | readonly [column: string, aggfunc: AggName]
  | { readonly column: string; readonly aggfunc: AggName; readonly q?: number };

/**
 * What `groupby(...).agg()` takes: per value column one aggregation or several (named after the
 * column, or `<column>_<agg>` for several), or per output column a named aggregation.
 *
 * @example
 * const spec: AggSpec = { x: 'sum', y: ['mean', 'count'], total: ['z', 'sum'] };
 */
export type AggSpec = Readonly<Record<string, AggName | readonly AggName[] | NamedAgg>>;

/**
 * Options of `groupby`.
 *
 * @example
 * df.groupby('id', { splitOut: 8 });
 */
export interface GroupByOptions {
  /** Shuffle on the keys into this many output partitions (for many groups). */
  readonly splitOut?: number;
  /**
   * `true`: shuffle on the keys (into as many partitions as the input has), or no shuffle at all
   * when the partitions already hold disjoint ranges of one int key; `false`: a tree reduction. Left out (with no `splitOut`): chosen from the group count of a sample of the data
   * when one is at hand (`explain()` says which and why), else a tree reduction.
   */
  readonly shuffle?: boolean;
}

/** The aggregations. @internal */
export const AGGS: ReadonlySet<AggName> = new Set<AggName>([
  'sum',
  'mean',
  'min',
  'max',
  'count',
  'size',
  'std',
  'var',
  'nunique',
  'first',
  'last',
  'median',
  'quantile',
]);

const NUMERIC_ONLY = new Set<AggName>([
  'sum',
  'mean',
  'min',
  'max',
  'std',
  'var',
  'median',
  'quantile',
]);

/** The type of an aggregation's result over a column of type `t`. @internal */
export function aggType(how: AggName, t: DType): DType {
  if (how === 'count' || how === 'size' || how === 'nunique') return 'int32';
  if (how === 'first' || how === 'last') return t;
  if ((how === 'min' || how === 'max') && isTemporal(t)) return t;
  return 'float64';
}

/** What a planned aggregation needs and gives. @internal */
export interface AggPlan {
  readonly outs: GroupOut[];
  readonly schema: Schema;
  readonly values: string[];
  readonly needs: GroupNeeds;
}

function checkAgg(where: string, c: string, how: unknown, t: DType): AggName {
  if (!AGGS.has(how as AggName))
    throw new Error(
      `${where}: unknown aggregation '${String(how)}' for column '${c}'; use ${[...AGGS].join(', ')}`,
    );
  const h = how as AggName;
  if (
    NUMERIC_ONLY.has(h) &&
    !(isNumeric(t) || t === 'bool' || ((h === 'min' || h === 'max') && isTemporal(t)))
  )
    throw new TypeError(`${where}: cannot ${h} column '${c}' (${t})`);
  return h;
}

/** Plans output columns from `[column, agg, outName]` triples. @internal */
export function planOuts(
  schema: Schema,
  keys: readonly string[],
  triples: readonly (readonly [string, unknown, string, number?])[],
  where: string,
): AggPlan {
  const outs: GroupOut[] = [];
  const out: [string, DType][] = keys.map((k) => [k, typeOf(schema, k, where)]);
  for (const [c, how, name, q] of triples) {
    const t = typeOf(schema, c, where);
    const h = checkAgg(where, c, how, t);
    if (q !== undefined && !(h === 'quantile' && typeof q === 'number' && q >= 0 && q <= 1))
      throw new RangeError(
        `${where}: q of '${name}' must be a number in [0, 1] with aggfunc 'quantile', got ${String(q)}`,
      );
    if (out.some(([n]) => n === name))
      throw new Error(`${where}: two output columns would be named '${name}'`);
    const ot = aggType(h, t);
    outs.push(
      isTemporal(ot) && (h === 'min' || h === 'max')
        ? [c, h, name, ot]
        : h === 'quantile'
          ? [c, h, name, undefined, q ?? 0.5]
          : [c, h, name],
    );
    out.push([name, ot]);
  }
  const values = [...new Set(outs.map(([c]) => c))];
  const pick = (h: AggName): string[] => [
    ...new Set(outs.filter((o) => o[1] === h).map(([c]) => c)),
  ];
  return {
    outs,
    schema: out,
    values,
    needs: {
      first: pick('first'),
      last: pick('last'),
      nunique: pick('nunique'),
      median: [...new Set([...pick('median'), ...pick('quantile')])],
      moments: [...new Set([...pick('std'), ...pick('var')])],
      stats: keptStats(outs),
      size: outs.some((o) => o[1] === 'size'),
    },
  };
}

/** What each running aggregation reads of a group's statistics. */
const STATS_OF: Partial<Record<AggName, readonly Stat[]>> = {
  count: ['count'],
  sum: ['sum'],
  mean: ['count', 'sum'],
  min: ['count', 'min'],
  max: ['count', 'max'],
  std: ['count', 'sum', 'm2'],
  var: ['count', 'sum', 'm2'],
};

/** Per value column, the statistics its outputs read (none for first, nunique, median...). */
function keptStats(outs: readonly GroupOut[]): Record<string, Stat[]> {
  const out: Record<string, Stat[]> = {};
  for (const [c, how] of outs) {
    const have = (out[c] ??= []);
    for (const s of STATS_OF[how] ?? []) if (!have.includes(s)) have.push(s);
  }
  return out;
}

/** Plans a groupby's agg spec. @internal */
export function planAgg(
  schema: Schema,
  keys: readonly string[],
  spec: AggSpec,
  where: string,
): AggPlan {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
    throw new TypeError(`${where} expects an object such as { x: 'sum' }`);
  const triples: [string, unknown, string, number?][] = [];
  for (const [name, v] of Object.entries(spec)) {
    if (typeof v === 'string') triples.push([name, v, name]);
    else if (
      Array.isArray(v) &&
      v.length === 2 &&
      !AGGS.has(v[0] as AggName) &&
      typeof v[0] === 'string'
    )
      triples.push([v[0], v[1], name]);
    else if (Array.isArray(v))
      for (const how of v) triples.push([name, how, `${name}_${String(how)}`]);
    else if (v !== null && typeof v === 'object' && 'column' in v)
      triples.push(
        'q' in v && v.q !== undefined
          ? [v.column, v.aggfunc, name, v.q]
          : [v.column, v.aggfunc, name],
      );
    else throw new TypeError(`${where}: cannot read the aggregation of '${name}'`);
  }
  return planOuts(schema, keys, triples, where);
}

/**
 * Runs a planned aggregation grouped by `keys` (none: one row over the whole frame).
 * @internal
 */
export function runAgg(
  frame: DataFrame,
  keys: readonly string[],
  plan: AggPlan,
  options: GroupByOptions = {},
): DataFrame {
  const input = frame.select([...new Set([...keys, ...plan.values])]);
  const { outs, values, needs } = plan;
  // Disjoint key ranges need no shuffle: taken unless a tree or a number of outputs is asked for.
  const ranged =
    options.splitOut === undefined && options.shuffle !== false
      ? rangePlanOf(input, keys)
      : undefined;
  if (ranged !== undefined) return rangeGroupby(frame, input, keys, plan, ranged);
  const choice = chooseStrategy(input, keys, options);
  if (choice.shuffle && keys.length > 0)
    return shuffleGroupby(frame, input, keys, plan, choice.splitOut, choice.reason);
  const name = `groupby-${tokenize(input.layer.name, keys, outs)}`;
  const layer = treeReduce(
    name,
    input.layer,
    input.npartitions,
    (ref) => kernels.task('groupPartial', [ref, keys, values, needs]),
    'groupCombine',
    (refs) => kernels.task('groupFinal', [keys, outs, ...refs]),
    keys.length === 0
      ? 'aggregate (tree reduction)'
      : `groupby(${keys.join(', ')}).agg (tree reduction: ${choice.reason})`,
  );
  markKeysKept(layer, keys);
  // The result is one partition whose key is [name, 0]: wrap the reduction's final key.
  const wrapped = new NamedLayer(
    `${name}-out`,
    [layer],
    () => [[partKey(`${name}-out`, 0), kernels.task('firstOf', [[{ $ref: name }]])]],
    'groupby result',
  );
  markKeysKept(wrapped, keys);
  return frame.derive(wrapped, 1, plan.schema);
}

/**
 * `groupby(keys).transform(spec)`: the frame with, on every row, its group's aggregates (columns
 * of the spec replace columns of the same name, others are added), in the frame's partitions and
 * row order; a row with a null key gets nulls. The aggregates are computed once (tree, or shuffle
 * with `splitOut`) and broadcast to every partition, joined on the keys. @internal
 */
export function transformAgg(
  frame: DataFrame,
  keys: readonly string[],
  spec: AggSpec,
  options: GroupByOptions,
): DataFrame {
  const plan = planAgg(frame.schema, keys, spec, 'GroupBy.transform');
  const aggs = runAgg(frame, keys, plan, options);
  const made = new Map(plan.schema.slice(keys.length));
  const keySet = new Set(keys);
  const schema: [string, DType][] = frame.schema.map(([c, t]) => [c, made.get(c) ?? t]);
  for (const [c, t] of made) if (!frame.schema.some(([n]) => n === c)) schema.push([c, t]);
  const join: JoinSpec = {
    leftOn: keys,
    rightOn: keys,
    how: 'left',
    left: frame.columns.filter((c) => !keySet.has(c) && !made.has(c)).map((c) => [c, c] as const),
    right: [...made.keys()].map((c) => [c, c] as const),
    shared: keys.map((k) => [k, k, k] as const),
    indicator: false,
    order: schema.map(([c]) => c),
  };
  return blockwise(
    'groupby-transform',
    [frame],
    frame.npartitions,
    schema,
    join,
    ([ref]) => kernels.task('joinRightAll', [join, ref, ...allRefs(aggs)]),
    `groupby(${keys.join(', ')}).transform (aggregates broadcast back by key)`,
    [aggs],
  );
}

/** The value of `how` over one column, as a lazy scalar (`fallback` when there is none). @internal */
export function columnScalar<T>(
  frame: DataFrame,
  column: string,
  how: AggName,
  fallback: unknown,
): Scalar<T> {
  const plan = planOuts(frame.schema, [], [[column, how, 'v']], `Series.${how}`);
  const one = runAgg(frame, [], plan);
  const name = `${how}-${tokenize(one.layer.name)}`;
  return new Scalar<T>(
    new NamedLayer(
      name,
      [one.layer],
      () => [[name, kernels.task('cell', [partRef(one.layer, 0), 'v', fallback])]],
      `${how} value`,
    ),
  );
}

/** The value of `how` per column, as a lazy record. @internal */
export function frameRecord(
  frame: DataFrame,
  how: AggName,
  fallback: number | null,
): Scalar<Record<string, unknown>> {
  const cols = frame.schema
    .filter(([, t]) => !NUMERIC_ONLY.has(how) || isNumeric(t) || t === 'bool')
    .map(([n]) => n);
  const plan = planOuts(
    frame.schema,
    [],
    cols.map((c) => [c, how, c] as const),
    `DataFrame.${how}`,
  );
  const one = runAgg(frame, [], plan);
  const name = `${how}-${tokenize(one.layer.name)}`;
  const fb = Object.fromEntries(cols.map((c) => [c, fallback]));
  return new Scalar(
    new NamedLayer(
      name,
      [one.layer],
      () => [[name, kernels.task('record', [partRef(one.layer, 0), fb])]],
      `${how} per column`,
    ),
  );
}
