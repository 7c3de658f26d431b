// Joins and concatenation. `merge` follows pandas: keys `on` (one name on both sides, kept once)
// or `leftOn` / `rightOn` (both kept), `how` inner / left / right / outer (semi / anti in
// merge-semi.ts), `suffixes` for other
// columns present on both sides, and an `indicator` column `_merge`. Key columns of different
// numeric types are compared as float64. The plan: a broadcast join when the side that does not
// need its unmatched rows kept has one partition (or `broadcast` is set): every partition of the
// other side joins the whole of it, no shuffle; when both sides' key ranges per partition are
// known and barely overlap (files sorted alike), a range join (merge-range.ts); otherwise both
// sides are hash-shuffled on their keys into the same number of partitions and joined partition
// by partition. Output row order is
// not pandas' (compare sorted). `concat` stacks dataframes' partitions, with the union of their
// columns (a missing column is null; int32 and float64 meet as float64).
import { isNumeric, typeOf, type DType, type Schema } from './dtypes.js';
import { col, Expr, plainType } from './expr.js';
import { repartitionDivisions, unionDivisions } from './index-ops.js';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import type { JoinSpec } from './kernels-join.js';
import { hashPartition } from './shuffle.js';
import { exchangeOutputs } from './shuffle-disk.js';
import { allRefs, blockwise } from './blockwise.js';
import { tokenize } from '@dask-ts/graph';
import { NamedLayer, partKey, partRef } from './layers.js';
import { semiMerge } from './merge-semi.js';
import { markNarrowable, narrowedColumns } from './merge-project.js';
import { linkJoinOutput, rangeJoin } from './merge-range.js';
import { markKeyFilter } from './join-filter.js';
import { broadcasts } from './merge-broadcast.js';

/**
 * Options of `merge`.
 *
 * @example
 * const o: MergeOptions = { on: 'id', how: 'left', suffixes: ['_l', '_r'], indicator: true };
 */
export interface MergeOptions {
  /** Key columns named alike on both sides (kept once). */
  readonly on?: string | readonly string[];
  /** Key columns of the left side (with `rightOn`). */
  readonly leftOn?: string | readonly string[];
  /** Key columns of the right side (with `leftOn`). */
  readonly rightOn?: string | readonly string[];
  /**
   * inner (default), left, right or outer; or `semi` / `anti`: the left rows that have / have not
   * a match on the right (EXISTS / NOT EXISTS), each once, with the left's columns only.
   */
  readonly how?: 'inner' | 'left' | 'right' | 'outer' | 'semi' | 'anti';
  /** Added to other columns present on both sides (default ['_x', '_y']). */
  readonly suffixes?: readonly [string, string];
  /** Adds a utf8 column `_merge`: 'both', 'left_only' or 'right_only'. */
  readonly indicator?: boolean;
  /**
   * Broadcast the side with fewer partitions even when it has several (it must fit in memory);
   * `false`: only a one-partition side. Unset: as Dask, when it has fewer than half of log2 of the
   * other side's partitions.
   */
  readonly broadcast?: boolean;
  /** Partitions of a shuffled join (default: the larger side's count, at most 64). */
  readonly npartitions?: number;
}

/** Whether a value is a dataframe (checked by shape: this module cannot import the class). */
const isFrame = (x: unknown): x is DataFrame =>
  typeof x === 'object' && x !== null && typeof (x as DataFrame).derive === 'function';

const list = (x: string | readonly string[] | undefined): string[] =>
  x === undefined ? [] : typeof x === 'string' ? [x] : [...x];

/**
 * Joins two dataframes on key columns, as pandas' `merge` (also `left.merge(right, options)`).
 *
 * @example
 * const joined = merge(orders, customers, { on: 'cid', how: 'left', indicator: true });
 */
export function merge(left: DataFrame, right: DataFrame, options: MergeOptions): DataFrame {
  const out = mergeFrames(left, right, options);
  return markNarrowable(out, (needed) => {
    const on = list(options.on);
    const lk = on.length > 0 ? on : list(options.leftOn);
    const rk = on.length > 0 ? on : list(options.rightOn);
    const [l, r] = narrowedColumns(left, right, lk, rk, options.suffixes ?? ['_x', '_y'], needed);
    if (l.length === left.columns.length && r.length === right.columns.length) return undefined;
    const m = mergeFrames(left.select(l), right.select(r), options);
    const same = [...needed].every((c) => !(c in out.dtypes) || m.dtypes[c] === out.dtypes[c]);
    return same && m.npartitions === out.npartitions ? m : undefined;
  });
}

function mergeFrames(left: DataFrame, right: DataFrame, options: MergeOptions): DataFrame {
  const where = 'merge';
  if (!isFrame(right)) throw new TypeError('merge: the right side must be a DataFrame');
  const how = options.how ?? 'inner';
  if (!['inner', 'left', 'right', 'outer', 'semi', 'anti'].includes(how))
    throw new Error(
      `merge: how must be inner, left, right, outer, semi or anti, got '${String(how)}'`,
    );
  const on = list(options.on);
  let leftOn = on.length > 0 ? on : list(options.leftOn);
  let rightOn = on.length > 0 ? on : list(options.rightOn);
  if (on.length > 0 && (options.leftOn !== undefined || options.rightOn !== undefined))
    throw new Error('merge: give either on, or leftOn and rightOn');
  if (leftOn.length === 0 || leftOn.length !== rightOn.length)
    throw new Error(
      `merge: give key columns as on, or as leftOn and rightOn of equal lengths (got ${leftOn.length} and ${rightOn.length})`,
    );
  if (how === 'semi' || how === 'anti')
    return semiMerge(left, right, leftOn, rightOn, how, options);
  const [sx, sy] = options.suffixes ?? ['_x', '_y'];
  // Key types: equal, numbers compared as float64, or a category met by utf8 (as strings).
  let l = left;
  let r = right;
  leftOn.forEach((lk, j) => {
    const rk = rightOn[j];
    const a = typeOf(left.schema, lk, `${where} (left)`);
    const b = typeOf(right.schema, rk, `${where} (right)`);
    if (a === b) return;
    if (isNumeric(a) && isNumeric(b)) {
      if (a !== 'float64') l = l.assign({ [lk]: col(lk).astype('float64') });
      if (b !== 'float64') r = r.assign({ [rk]: col(rk).astype('float64') });
      return;
    }
    if (plainType(a) === 'utf8' && plainType(b) === 'utf8') {
      if (a === 'category') l = l.assign({ [lk]: col(lk).astype('utf8') });
      if (b === 'category') r = r.assign({ [rk]: col(rk).astype('utf8') });
      return;
    }
    throw new TypeError(
      `merge: key '${lk}' (${a}) of the left side cannot match key '${rk}' (${b}) of the right side`,
    );
  });
  leftOn = [...leftOn];
  rightOn = [...rightOn];
  const shared = new Set(leftOn.filter((k, j) => rightOn[j] === k));
  const lnames = new Set(l.columns);
  const rnames = new Set(r.columns.filter((c) => !shared.has(c)));
  const clash = (c: string, other: Set<string>): boolean => other.has(c) && !shared.has(c);
  const leftOut: [string, string][] = [];
  const sharedOut: [string, string, string][] = [];
  const schema: [string, DType][] = [];
  for (const [c, t] of l.schema) {
    if (shared.has(c)) {
      sharedOut.push([c, c, c]);
      schema.push([c, t]);
    } else {
      const name = clash(c, rnames) ? `${c}${sx}` : c;
      leftOut.push([c, name]);
      schema.push([name, t]);
    }
  }
  const rightOut: [string, string][] = [];
  for (const [c, t] of r.schema) {
    if (shared.has(c)) continue;
    const name = clash(c, lnames) ? `${c}${sy}` : c;
    rightOut.push([c, name]);
    schema.push([name, t]);
  }
  if (options.indicator === true) schema.push(['_merge', 'utf8']);
  const names = schema.map(([n]) => n);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined)
    throw new Error(`merge: two output columns would be named '${dup}'; set suffixes`);
  const spec: JoinSpec = {
    leftOn,
    rightOn,
    how,
    left: leftOut,
    right: rightOut,
    shared: sharedOut,
    indicator: options.indicator === true,
    order: names,
  };
  const text = `merge(${how}) on ${leftOn.join(', ')}${leftOn.join() === rightOn.join() ? '' : ` = ${rightOn.join(', ')}`}`;
  const nl = l.npartitions;
  const nr = r.npartitions;
  // A side small enough to broadcast whose key ranges narrow it is range-joined instead.
  const narrowed =
    options.broadcast === undefined &&
    options.npartitions === undefined &&
    nl > 1 &&
    nr > 1 &&
    (broadcasts(undefined, nr, nl) || broadcasts(undefined, nl, nr))
      ? rangeJoin(l, r, spec, schema, text, true)
      : undefined;
  if (narrowed !== undefined) return narrowed;
  const smallRight = nr === 1 || broadcasts(options.broadcast, nr, nl);
  const smallLeft = nl === 1 || (broadcasts(options.broadcast, nl, nr) && nl < nr);
  if (smallRight && (how === 'inner' || how === 'left')) {
    // Each left partition knows how many probe the right side (kernels-join.ts: hashLeftPart).
    const probing: JoinSpec = { ...spec, probeParts: nl };
    const out = blockwise(
      'merge',
      [l],
      nl,
      schema,
      [r.layer.name, probing],
      ([ref]) => kernels.task('joinRightAll', [probing, ref, ...allRefs(r)]),
      `${text} (broadcast right)`,
      [r],
    );
    linkJoinOutput(out, l, spec, 'left');
    if (how === 'inner') markKeyFilter(out, l, leftOn[0], r, rightOn[0], undefined, true);
    return out;
  }
  if (smallLeft && (how === 'inner' || how === 'right')) {
    const out = blockwise(
      'merge',
      [r],
      nr,
      schema,
      [l.layer.name, spec],
      ([ref]) => kernels.task('joinLeftAll', [spec, ref, ...allRefs(l)]),
      `${text} (broadcast left)`,
      [l],
    );
    linkJoinOutput(out, r, spec, 'right');
    if (how === 'inner') markKeyFilter(out, r, rightOn[0], l, leftOn[0], undefined, true);
    return out;
  }
  const n = options.npartitions ?? exchangeOutputs(Math.max(nl, nr));
  if (nl === 1 && nr === 1 && n === 1)
    return blockwise(
      'merge',
      [l, r],
      1,
      schema,
      spec,
      ([a, b]) => kernels.task('join', [spec, a, b]),
      text,
    );
  const aligned = alignOnIndex(l, r, leftOn, rightOn);
  if (aligned !== undefined)
    return blockwise(
      'merge',
      aligned,
      aligned[0].npartitions,
      schema,
      spec,
      ([a, b]) => kernels.task('join', [spec, a, b]),
      `${text} (partitions aligned on known divisions, no shuffle)`,
    );
  const ranged =
    options.npartitions === undefined ? rangeJoin(l, r, spec, schema, text) : undefined;
  if (ranged !== undefined) return ranged;
  const ls = hashPartition(l, leftOn, n);
  const rs = hashPartition(r, rightOn, n);
  return blockwise(
    'merge',
    [ls, rs],
    n,
    schema,
    spec,
    ([a, b]) => kernels.task('join', [spec, a, b]),
    `${text} (hash shuffle into ${n})`,
  );
}

/**
 * Both sides cut at the union of their divisions when each is merged on its own index and both
 * divisions are known (of one kind): partition j of one then meets partition j of the other.
 */
function alignOnIndex(
  l: DataFrame,
  r: DataFrame,
  leftOn: readonly string[],
  rightOn: readonly string[],
): [DataFrame, DataFrame] | undefined {
  const a = l.index;
  const b = r.index;
  if (a?.divisions === undefined || b?.divisions === undefined) return undefined;
  if (leftOn.length !== 1 || leftOn[0] !== a.name || rightOn[0] !== b.name) return undefined;
  const ta = plainType(l.dtypes[a.name]);
  const tb = plainType(r.dtypes[b.name]);
  if (ta !== tb && !(isNumeric(ta) && isNumeric(tb))) return undefined;
  const u = unionDivisions(a.divisions, b.divisions);
  return [repartitionDivisions(l, u), repartitionDivisions(r, u)];
}

/**
 * Stacks dataframes: their partitions one after another, with the union of their columns (a
 * column one of them lacks is null there; int32 meeting float64 becomes float64).
 *
 * @example
 * const all = concat([jan, feb, mar]);
 */
export function concat(frames: readonly DataFrame[]): DataFrame {
  if (!Array.isArray(frames) || frames.length === 0)
    throw new Error('concat expects a non-empty array of dataframes');
  frames.forEach((f, i) => {
    if (!isFrame(f)) throw new TypeError(`concat: item ${i} is not a DataFrame`);
  });
  const types = new Map<string, DType>();
  for (const f of frames) {
    for (const [c, t] of f.schema) {
      const seen = types.get(c);
      if (seen === undefined || seen === t) types.set(c, t);
      else if (isNumeric(seen) && isNumeric(t)) types.set(c, 'float64');
      else
        throw new TypeError(
          `concat: column '${c}' is ${seen} in one dataframe and ${t} in another`,
        );
    }
  }
  const schema: Schema = [...types];
  const names = schema.map(([n]) => n);
  const shaped = frames.map((f) => {
    const have = new Map(f.schema);
    const exprs: Record<string, Expr> = {};
    for (const [c, t] of schema) {
      const h = have.get(c);
      if (h === undefined) exprs[c] = new Expr({ k: 'null', type: t });
      else if (h !== t) exprs[c] = col(c).astype(t);
    }
    const g = Object.keys(exprs).length > 0 ? f.assign(exprs) : f;
    return g.columns.join('\0') === names.join('\0') ? g : g.select(names);
  });
  const name = `concat-${tokenize(...shaped.map((f) => f.layer.name))}`;
  const total = shaped.reduce((n, f) => n + f.npartitions, 0);
  const layer = new NamedLayer(
    name,
    shaped.map((f) => f.layer),
    function* () {
      let k = 0;
      for (const f of shaped)
        for (let i = 0; i < f.npartitions; i++)
          yield [partKey(name, k++), kernels.task('pipe', [partRef(f.layer, i), []])] as const;
    },
    `concat of ${shaped.length} dataframes (${total} partitions)`,
  );
  return frames[0].derive(layer, total, schema);
}
