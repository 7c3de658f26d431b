// The range join's kernel (merge-range.ts plans it): one partition of the probe side meets the
// partitions of the other side whose key range overlaps its own, each cut to the probe's range
// [lo, hi] first (a row outside it cannot match). Policy: the side the planner keeps whole (the
// probe, whose unmatched rows a left or right join keeps) is never cut; of the two, the side with
// fewer rows is hashed and the other probes it, since the answer is the same either way.
import type { Table } from 'apache-arrow';
import { colsOf, concatCols, tableOf, type Col } from './columns.js';
import { joinTables, type JoinSpec } from './kernels-join.js';
import { take } from './take.js';

/** The rows of `t` whose int32 `key` lies in [lo, hi] (nulls dropped), as columns. */
function inRange(t: Table, key: string, lo: number, hi: number): Map<string, Col> {
  const cols = colsOf(t);
  const k = cols.get(key);
  if (k === undefined || k.type !== 'int32')
    throw new Error(`range join: key '${key}' is not an int32 column of the partition`);
  const v = k.values;
  const valid = k.valid;
  const n = k.length;
  let m = 0;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x >= lo && x <= hi && (valid === undefined || (valid[i >> 3] & (1 << (i & 7))) !== 0))
      idx[m++] = i;
  }
  if (m === n) return cols;
  const rows = idx.subarray(0, m);
  const out = new Map<string, Col>();
  for (const [name, c] of cols) out.set(name, take(c, rows));
  return out;
}

/** The build side of one range-join task: the rows of `parts` in [lo, hi], as one table. */
function buildSide(parts: readonly Table[], key: string, lo: number, hi: number): Table {
  const all = parts.map((t) => inRange(t, key, lo, hi));
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
    const key = probeLeft ? spec.rightOn[0] : spec.leftOn[0];
    const other = buildSide(others, key, lo, hi);
    const [l, r] = probeLeft ? [probe, other] : [other, probe];
    return joinTables(l, r, spec, l.numRows < r.numRows ? 'left' : 'right');
  },
};
