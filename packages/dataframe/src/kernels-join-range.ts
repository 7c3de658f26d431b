// The range join's kernel (merge-range.ts plans it): one partition of the probe side meets the
// partitions of the other side whose key range overlaps its own, each cut to the probe's range
// [lo, hi] first (a row outside it cannot match). Policy: the side the planner keeps whole (the
// probe, whose unmatched rows a left or right join keeps) is never cut; of the two, the side with
// fewer rows is hashed and the other probes it, since the answer is the same either way. A probe
// partition far smaller than the rows it meets (a selective filter upstream: TPC-H Q12's lineitem
// rows against all of orders) cuts the other side to the rows whose key it holds, not merely to
// its range: one pass over the other's key column against a bitmap of its keys, so that only
// those rows are copied and joined (the other side's unmatched rows are never kept).
import type { Table } from 'apache-arrow';
import { colsOf, concatCols, isValid, tableOf, type Col } from './columns.js';
import { joinTables, type JoinSpec } from './kernels-join.js';
import { hasKey, keyBits, type KeyBits } from './kernels-join-hash.js';
import { take } from './take.js';

/** A probe partition this many times smaller than the rows it meets cuts them to its keys. */
const SELECTIVE = 4;
/** The widest key span (past 64 per probe key) that a bitmap of the probe's keys may cover. */
const BITMAP_FLOOR = 1 << 22;

type Int32Col = Extract<Col, { type: 'int32' }>;

function int32Col(cols: ReadonlyMap<string, Col>, key: string): Int32Col {
  const k = cols.get(key);
  if (k === undefined || k.type !== 'int32')
    throw new Error(`range join: key '${key}' is not an int32 column of the partition`);
  return k;
}

/** Whether a key column without nulls is sorted, by its values (a partition met by several tasks). */
const sortedness = new WeakMap<Int32Array, boolean>();

function isSorted(v: Int32Array): boolean {
  let known = sortedness.get(v);
  if (known === undefined) {
    known = true;
    for (let i = 1; i < v.length && known; i++) known = v[i - 1] <= v[i];
    sortedness.set(v, known);
  }
  return known;
}

/** The first index of sorted `v` whose value is at least `x`. */
function lowerBound(v: Int32Array, x: number): number {
  let a = 0;
  let b = v.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (v[m] < x) a = m + 1;
    else b = m;
  }
  return a;
}

/**
 * The rows of `t` whose int32 `key` lies in [lo, hi] (and in `keys`, if given), as columns. A
 * key column sorted and without nulls (files sorted by the key, as the planner's ranges suggest)
 * is only scanned between the bounds, found by binary search.
 */
function inRange(
  t: Table,
  key: string,
  lo: number,
  hi: number,
  keys: KeyBits | undefined,
): Map<string, Col> {
  const cols = colsOf(t);
  const { values: v, valid, length: n } = int32Col(cols, key);
  const [min, max] = keys === undefined ? [lo, hi] : [keys.lo, keys.hi];
  const sorted = valid === undefined && isSorted(v);
  const from = sorted ? lowerBound(v, min) : 0;
  const to = sorted ? lowerBound(v, max + 1) : n;
  let m = 0;
  const idx = new Int32Array(to - from);
  if (keys === undefined) {
    for (let i = from; i < to; i++) {
      const x = v[i];
      if (x >= min && x <= max && isValid(valid, i)) idx[m++] = i;
    }
  } else {
    for (let i = from; i < to; i++) if (hasKey(keys, v[i]) && isValid(valid, i)) idx[m++] = i;
  }
  if (m === n) return cols;
  const rows = idx.subarray(0, m);
  const out = new Map<string, Col>();
  for (const [name, c] of cols) out.set(name, take(c, rows));
  return out;
}

/** The build side of one range-join task: the rows of `parts` in [lo, hi], as one table. */
function buildSide(
  parts: readonly Table[],
  key: string,
  lo: number,
  hi: number,
  keys: KeyBits | undefined,
): Table {
  const all = parts.map((t) => inRange(t, key, lo, hi, keys));
  if (all.length === 1) return tableOf(all[0]);
  const out = new Map<string, Col>();
  for (const name of all[0].keys()) {
    const cs = all.map((m) => m.get(name)!);
    out.set(name, concatCols(cs, cs[0].type));
  }
  return tableOf(out);
}

/** The kernels of this file. @internal */
export const rangeJoinKernels = {
  /**
   * Probe partition `probe` (the left side's when `probeLeft`) joined with the rows of the other
   * side's partitions `others` whose key lies in [lo, hi], the probe's key range.
   */
  joinRange: (
    spec: JoinSpec,
    probeLeft: boolean,
    lo: number,
    hi: number,
    probe: Table,
    ...others: Table[]
  ): Table => {
    const [probeKey, key] = probeLeft
      ? [spec.leftOn[0], spec.rightOn[0]]
      : [spec.rightOn[0], spec.leftOn[0]];
    const otherRows = others.reduce((n, t) => n + t.numRows, 0);
    const keys =
      probe.numRows * SELECTIVE < otherRows
        ? keyBits(int32Col(colsOf(probe), probeKey), BITMAP_FLOOR, lo, hi)
        : undefined;
    const other = buildSide(others, key, lo, hi, keys);
    const [l, r] = probeLeft ? [probe, other] : [other, probe];
    return joinTables(l, r, spec, l.numRows < r.numRows ? 'left' : 'right');
  },
};
