// The range groupby: a groupby on one int key whose partitions hold (nearly) disjoint key ranges,
// known from Parquet statistics (ranges.ts; TPC-H's lineitem by l_orderkey: files written in key
// order), needs no shuffle. The partitions sorted by their smallest key define the outputs: output
// j owns the keys from partition j's smallest up to the next one's. Each partition is grouped and
// its partial cut by the outputs whose keys it may hold (usually its own, plus a few boundary keys
// of the next), and each output combines its pieces. Policy: taken only when each partition reaches
// its own output and at most a few keys of the next (data that is not sorted overlaps everywhere,
// and goes the usual way), and not when `splitOut` or `shuffle: false` is given (`shuffle: true`
// asks for many groups spread over the partitions, which this is); the outputs come in key order,
// each sorted, and their key ranges are known to the planner (a later range join uses them).
import { tokenize } from '@dask-ts/graph';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import { NamedLayer, partKey, partRef } from './layers.js';
import type { AggPlan } from './ops-agg.js';
import { rangesOf, setRanges, type Range, type Ranges } from './ranges.js';

/** How a range groupby cuts its input. @internal */
export interface RangePlan {
  /** Per output, its smallest key (ascending). */
  readonly bounds: number[];
  /** Per input partition, the outputs its keys may reach (ascending; none for an empty one). */
  readonly reach: number[][];
  /** The largest key of any partition (the last output's keys end there). */
  readonly top: number;
}

/** The first output at or after which key `x` falls: the last bound <= x. */
function outputOf(bounds: readonly number[], x: number): number {
  let lo = 0;
  let hi = bounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bounds[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A partition may hold keys of the next output over at most 1/SPILL of its range (+ 1 key). */
const SPILL = 8;

/**
 * Plans a range groupby from the partitions' key ranges, or undefined when they overlap too much:
 * each partition may reach its own output and the next one only, and the next one only by a few
 * keys (a key cut between row groups), so each output's work is about one partition's. @internal
 */
export function planRanges(ranges: Ranges): RangePlan | undefined {
  const bounds = [...new Set(ranges.flatMap((r) => (r === null ? [] : [r[0]])))].sort(
    (a, b) => a - b,
  );
  if (bounds.length < 2) return undefined;
  const reach: number[][] = [];
  for (const r of ranges) {
    if (r === null) {
      reach.push([]);
      continue;
    }
    const from = outputOf(bounds, r[0]);
    const to = outputOf(bounds, r[1]);
    if (to > from + 1) return undefined;
    if (to > from && r[1] - bounds[to] + 1 > (r[1] - r[0] + 1) / SPILL + 1) return undefined;
    reach.push(to > from ? [from, to] : [from]);
  }
  const top = ranges.reduce((t, r) => (r === null ? t : Math.max(t, r[1])), -Infinity);
  return { bounds, reach, top };
}

/**
 * The range plan of a groupby of `input` on `keys`, when it has one int key with known, barely
 * overlapping ranges. @internal
 */
export function rangePlanOf(input: DataFrame, keys: readonly string[]): RangePlan | undefined {
  if (keys.length !== 1) return undefined;
  const t = input.dtypes[keys[0]];
  if (t !== 'int32' && t !== 'date32') return undefined;
  const r = rangesOf(input.layer, keys[0], input.npartitions);
  return r === undefined ? undefined : planRanges(r);
}

/** The groupby of `input` on one key by key ranges (see the file's comment). @internal */
export function rangeGroupby(
  frame: DataFrame,
  input: DataFrame,
  keys: readonly string[],
  plan: AggPlan,
  range: RangePlan,
): DataFrame {
  const { outs, values, needs } = plan;
  const { bounds, reach } = range;
  const n = bounds.length;
  const name = `groupby-range-${tokenize(input.layer.name, keys, outs, bounds)}`;
  const split = `${name}-split`;
  const piece = `${name}-piece`;
  const layer = new NamedLayer(
    name,
    [input.layer],
    function* () {
      const from: { $ref: string }[][] = bounds.map(() => []);
      for (let i = 0; i < reach.length; i++) {
        const js = reach[i];
        if (js.length === 0) continue;
        const starts = js.map((j) => bounds[j]);
        yield [
          partKey(split, i),
          kernels.task('groupSplitRange', [partRef(input.layer, i), keys, values, needs, starts]),
        ];
        for (let k = 0; k < js.length; k++) {
          const key = partKey(piece, i * n + js[k]);
          yield [key, kernels.task('piece', [{ $ref: partKey(split, i) }, k])];
          from[js[k]].push({ $ref: key });
        }
      }
      for (let j = 0; j < n; j++)
        yield [partKey(name, j), kernels.task('groupFinal', [keys, outs, ...from[j]])];
    },
    `groupby(${keys.join(', ')}).agg (by key ranges: ${n} partitions of disjoint key ranges from Parquet statistics, ${reach.reduce((a, js) => a + js.length, 0)} pieces; no shuffle)`,
  );
  const out = frame.derive(layer, n, plan.schema);
  // Output j holds the keys from its bound up to the next one's (the last: up to the top key).
  setRanges(
    out.layer,
    keys[0],
    bounds.map((b, j): Range => [b, j + 1 < n ? bounds[j + 1] - 1 : range.top]),
  );
  return out;
}
