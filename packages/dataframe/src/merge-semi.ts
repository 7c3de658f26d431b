// Semi and anti joins (`merge(..., { how: 'semi' | 'anti' })`, as Polars and Spark's left semi /
// left anti joins; SQL's EXISTS / NOT EXISTS and IN / NOT IN): the left rows that have (semi) or
// have not (anti) a matching right row, each at most once, with the left's columns only. Only the
// right's key columns are read from the right side. A null key matches nothing, so an anti join
// keeps the left rows whose key is null (NOT EXISTS; SQL's NOT IN would drop them). The plan: the
// whole right side meets every left partition when it has one partition (or `broadcast` is set);
// when the left is the small side (by the same rule), each right partition keeps the keys the
// left has, and the left meets those; a range join when the key ranges of the partitions are
// known and barely overlap (merge-range.ts); otherwise both sides are hash-shuffled on their keys
// and joined partition by partition.
import { isNumeric, typeOf, type DType } from './dtypes.js';
import { col, plainType } from './expr.js';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import type { JoinSpec } from './kernels-join.js';
import { hashPartition } from './shuffle.js';
import { exchangeOutputs } from './shuffle-disk.js';
import { allRefs, blockwise } from './blockwise.js';
import { linkJoinOutput, rangeJoin } from './merge-range.js';
import { markKeyFilter } from './join-filter.js';
import { broadcasts } from './merge-broadcast.js';

/** Options a semi or anti join uses. @internal */
export interface SemiOptions {
  readonly broadcast?: boolean;
  readonly npartitions?: number;
  readonly indicator?: boolean;
  readonly suffixes?: readonly [string, string];
}

/** The common type keys of types `a` and `b` are compared as, or undefined when they cannot be. */
function keyType(a: DType, b: DType): DType | undefined {
  if (a === b) return a;
  if (isNumeric(a) && isNumeric(b)) return 'float64';
  if (plainType(a) === 'utf8' && plainType(b) === 'utf8') return 'utf8';
  return undefined;
}

/** A semi or anti join of `left` with `right` on the given keys. @internal */
export function semiMerge(
  left: DataFrame,
  right: DataFrame,
  leftOn: readonly string[],
  rightOn: readonly string[],
  how: 'semi' | 'anti',
  options: SemiOptions,
): DataFrame {
  const where = 'merge';
  if (options.indicator === true)
    throw new Error(`merge: indicator has no meaning for how '${how}' (every row is the left's)`);
  // Keys of other types are compared through extra columns, so the left keeps its own types.
  let l = left;
  const lkeys: string[] = [];
  const rkeys: string[] = [];
  const rassign: Record<string, ReturnType<typeof col>> = {};
  leftOn.forEach((lk, j) => {
    const rk = rightOn[j];
    const a = typeOf(left.schema, lk, `${where} (left)`);
    const b = typeOf(right.schema, rk, `${where} (right)`);
    const t = keyType(a, b);
    if (t === undefined)
      throw new TypeError(
        `merge: key '${lk}' (${a}) of the left side cannot match key '${rk}' (${b}) of the right side`,
      );
    const lname = a === t ? lk : `__${how}_key_${j}`;
    if (lname !== lk) l = l.assign({ [lname]: col(lk).astype(t) });
    lkeys.push(lname);
    const rname = `__${how}_key_${j}`;
    rassign[rname] = b === t ? col(rk) : col(rk).astype(t);
    rkeys.push(rname);
  });
  const r = right.assign(rassign).select(rkeys);
  const names = left.columns;
  const spec: JoinSpec = {
    leftOn: lkeys,
    rightOn: rkeys,
    how,
    left: names.map((c) => [c, c] as const),
    right: [],
    shared: [],
    indicator: false,
    order: names,
  };
  const text = `merge(${how}) on ${leftOn.join(', ')}${leftOn.join() === rightOn.join() ? '' : ` = ${rightOn.join(', ')}`}`;
  const nl = l.npartitions;
  const nr = r.npartitions;
  const narrowed =
    options.broadcast === undefined &&
    options.npartitions === undefined &&
    nl > 1 &&
    nr > 1 &&
    broadcasts(undefined, nr, nl)
      ? rangeJoin(l, r, spec, left.schema, text, true)
      : undefined;
  if (narrowed !== undefined) return narrowed;
  if (nr === 1 || broadcasts(options.broadcast, nr, nl)) {
    // Each left partition knows how many probe the right side (kernels-join.ts: hashLeftPart).
    const probing: JoinSpec = { ...spec, probeParts: nl };
    const out = blockwise(
      'merge',
      [l],
      nl,
      left.schema,
      [r.layer.name, probing],
      ([ref]) => kernels.task('joinRightAll', [probing, ref, ...allRefs(r)]),
      `${text} (broadcast right)`,
      [r],
    );
    linkJoinOutput(out, l, spec, 'left');
    if (how === 'semi') markKeyFilter(out, l, lkeys[0], r, rkeys[0], undefined, true);
    return out;
  }
  if (
    options.broadcast !== false &&
    options.npartitions === undefined &&
    nl < nr &&
    (nl === 1 || broadcasts(undefined, nl, nr))
  ) {
    // The left side is the small one: each right partition keeps the rows whose key the left has
    // (the left's keys broadcast to it, and pushed into its reader), those keys are gathered into
    // one partition, and the left meets them as a broadcast right side. Nothing is shuffled.
    const found = semiMerge(r, l.select(lkeys), rkeys, lkeys, 'semi', {
      broadcast: true,
    }).repartition({ npartitions: 1 });
    return semiMerge(l, found, lkeys, rkeys, how, {});
  }
  const ranged =
    options.npartitions === undefined ? rangeJoin(l, r, spec, left.schema, text) : undefined;
  if (ranged !== undefined) return ranged;
  const n = options.npartitions ?? exchangeOutputs(Math.max(nl, nr));
  return blockwise(
    'merge',
    [hashPartition(l, lkeys, n), hashPartition(r, rkeys, n)],
    n,
    left.schema,
    spec,
    ([a, b]) => kernels.task('join', [spec, a, b]),
    `${text} (hash shuffle into ${n})`,
  );
}
