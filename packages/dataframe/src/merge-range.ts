// Range joins: a merge on one int32 key of two frames whose partitions' key ranges are known
// (ranges.ts: Parquet statistics of files sorted alike, as TPC-H's orders and lineitem are on the
// order key) and barely overlap joins without a shuffle. Each partition of the probe side (the
// side with more partitions, or the side whose unmatched rows a left / right / semi / anti join
// keeps) meets only the partitions of the other side whose range overlaps its own, cut to its
// range (kernels-join-range.ts). Policy: taken only when that costs less than a shuffle would,
// that is when the partitions met number at most twice the two sides' partitions together (data
// that is not sorted overlaps everywhere and is shuffled as before), and when the probe side has
// at least a quarter as many partitions as the other or 32 (its partitions are the tasks: one
// customer partition left-joined with twelve of orders would be one task); an outer join is never planned
// so. The output keeps the probe side's partitions, so its ranges carry on to the next
// join (linkRanges), and so do the broadcast joins' outputs (`linkJoinOutput`). Where a side is
// small enough to broadcast (merge-broadcast.ts), a range join is still taken first when the
// ranges narrow it (each probe partition meets at most 3/4 of its partitions on average): cut to
// ranges, it beats every worker hashing it whole (TPC-H Q16's part and partsupp).
import type { Schema } from './dtypes.js';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import type { JoinSpec } from './kernels-join.js';
import { tokenize } from '@dask-ts/graph';
import { NamedLayer, partKey, partRef } from './layers.js';
import { linkRanges, rangesOf, type Range } from './ranges.js';
import { markKeyFilter } from './join-filter.js';

/**
 * Records that the partitions of a join's output hold rows of the partitions of its left side
 * (`side` 'left') or right side: each output column that is one of that side's columns keeps its
 * ranges. @internal
 */
export function linkJoinOutput(
  out: DataFrame,
  from: DataFrame,
  spec: JoinSpec,
  side: 'left' | 'right',
): void {
  const names = new Map<string, string>();
  for (const [src, name] of side === 'left' ? spec.left : spec.right) names.set(name, src);
  for (const [a, b, name] of spec.shared) names.set(name, side === 'left' ? a : b);
  linkRanges(out.layer, from.layer, (c) => names.get(c));
}

/** A probe side with this many partitions has tasks enough, however many the other side has. */
const PROBE_TASKS = 32;

const overlaps = (a: Range, b: Range): boolean => a[0] <= b[1] && b[0] <= a[1];

/**
 * The join of `l` and `r` as a range join, or undefined when the ranges are unknown or overlap
 * too much (see the file's comment). @internal
 */
export function rangeJoin(
  l: DataFrame,
  r: DataFrame,
  spec: JoinSpec,
  schema: Schema,
  text: string,
  narrowing = false,
): DataFrame | undefined {
  const { how, leftOn, rightOn } = spec;
  if (leftOn.length !== 1 || how === 'outer') return undefined;
  if (l.dtypes[leftOn[0]] !== 'int32' || r.dtypes[rightOn[0]] !== 'int32') return undefined;
  const probeLeft = how === 'inner' ? l.npartitions >= r.npartitions : how !== 'right';
  const [probe, other] = probeLeft ? [l, r] : [r, l];
  // One task per probe partition: far fewer than a shuffle's would leave workers idle (below
  // PROBE_TASKS of them; past that there are tasks enough for every worker).
  if (probe.npartitions * 4 < other.npartitions && probe.npartitions < PROBE_TASKS)
    return undefined;
  const pr = rangesOf(probe.layer, probeLeft ? leftOn[0] : rightOn[0], probe.npartitions);
  if (pr === undefined) return undefined;
  const or = rangesOf(other.layer, probeLeft ? rightOn[0] : leftOn[0], other.npartitions);
  if (or === undefined) return undefined;
  const meets = pr.map((p) =>
    p === null ? [] : or.flatMap((o, j) => (o !== null && overlaps(p, o) ? [j] : [])),
  );
  const met = meets.reduce((n, js) => n + js.length, 0);
  if (met > 2 * (probe.npartitions + other.npartitions)) return undefined;
  // Asked instead of a broadcast: only when the ranges spare each probe partition some of the other.
  if (narrowing && met > 0.75 * probe.npartitions * other.npartitions) return undefined;
  const name = `merge-range-${tokenize(l.layer.name, r.layer.name, spec)}`;
  const layer = new NamedLayer(
    name,
    [probe.layer, other.layer],
    function* () {
      for (let i = 0; i < probe.npartitions; i++) {
        // A partition meeting none still reads one, cut to nothing, for its columns.
        const js = meets[i].length > 0 ? meets[i] : [0];
        const [lo, hi] = pr[i] ?? [1, 0];
        const refs = js.map((j) => partRef(other.layer, j));
        yield [
          partKey(name, i),
          kernels.task('joinRange', [spec, probeLeft, lo, hi, partRef(probe.layer, i), ...refs]),
        ] as const;
      }
    },
    `${text} (range join: each of ${probe.npartitions} ${probeLeft ? 'left' : 'right'} partitions meets the ${fmt(met / probe.npartitions)} ${probeLeft ? 'right' : 'left'} partitions on average whose key range overlaps its own; no shuffle)`,
  );
  const out = probe.derive(layer, probe.npartitions, schema);
  linkJoinOutput(out, probe, spec, probeLeft ? 'left' : 'right');
  // Only joins that drop the probe side's unmatched rows may filter it by the other's keys.
  if (how === 'inner' || (how === 'semi' && probeLeft)) {
    const [pk, ok] = probeLeft ? [leftOn[0], rightOn[0]] : [rightOn[0], leftOn[0]];
    markKeyFilter(out, probe, pk, other, ok, (i) => (meets[i].length > 0 ? meets[i] : [0]));
  }
  return out;
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));
