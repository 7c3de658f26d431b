// Key ranges per partition, known without computing: the [min, max] of an int32 column in each
// partition, from the Parquet statistics of the row groups a partition reads, carried through
// row-wise steps that keep the column (filters, selects, renames, `assign(x = col(y))`), through
// joins whose output partition i holds rows of one side's partition i (broadcast and range joins),
// and through `persist` (the same partitions; worked out when persisted, so the source is not kept
// alive), and through a range groupby's outputs (each owns a known key range). Policy: a range is an upper bound of what a partition may hold, never a promise that it
// holds it (a filter only narrows); anything this file cannot follow makes the ranges unknown, and
// the planner then does what it did without them. merge-range.ts uses them to join two frames
// sorted alike (TPC-H's orders and lineitem on the order key) without a shuffle.
import type { GraphLayer } from '@dask-ts/protocol';
import { PipeLayer } from './layers.js';
import type { Step } from './steps.js';

/** A partition's smallest and largest value of a column. @internal */
export type Range = readonly [number, number];

/** Per partition, its range, or null when it holds no row. @internal */
export type Ranges = readonly (Range | null)[];

/** A layer whose partition i holds (some of) the rows of partition i of `from`. */
interface Link {
  readonly from: GraphLayer;
  /** The column of `from` that a column of the linked layer is, if any. */
  readonly source: (column: string) => string | undefined;
}

const links = new WeakMap<GraphLayer, Link>();
/** Ranges known outright, per column (a persisted frame's, worked out when it was persisted). */
const fixed = new WeakMap<GraphLayer, ReadonlyMap<string, Ranges>>();

/**
 * Says that partition i of `layer` holds rows of partition i of `from` (a subset, maybe repeated,
 * maybe with other sides' columns added), its column `c` being `from`'s column `source(c)`.
 * @internal
 */
export function linkRanges(
  layer: GraphLayer,
  from: GraphLayer,
  source: (column: string) => string | undefined = (c) => c,
): void {
  links.set(layer, { from, source });
}

/**
 * Says that `layer`'s `n` partitions are those of `from` (a persisted frame's): the ranges of
 * `columns` known for `from` are worked out now and kept, so `from` itself is not kept alive.
 * @internal
 */
export function keepRanges(
  layer: GraphLayer,
  from: GraphLayer,
  columns: readonly string[],
  n: number,
): void {
  const known = new Map<string, Ranges>();
  for (const c of columns) {
    const r = rangesOf(from, c, n);
    if (r !== undefined) known.set(c, r);
  }
  if (known.size > 0) fixed.set(layer, known);
}

/**
 * Says that `layer`'s partitions hold `column` within `ranges` (one per partition), known from
 * how the layer was planned (a range groupby's outputs own disjoint key ranges). @internal
 */
export function setRanges(layer: GraphLayer, column: string, ranges: Ranges): void {
  const known = new Map(fixed.get(layer) ?? []);
  known.set(column, ranges);
  fixed.set(layer, known);
}

/** The column before `steps` that is `column` after them, or undefined when none is. */
function throughSteps(steps: readonly Step[], column: string): string | undefined {
  let c = column;
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i];
    if (s.op === 'assign' && s.name === c) {
      if (s.expr.k !== 'col') return undefined;
      c = s.expr.name;
    } else if (s.op === 'rename') {
      const from = s.map.find(([, to]) => to === c);
      if (from !== undefined) c = from[0];
      else if (s.map.some(([f]) => f === c)) return undefined;
    }
  }
  return c;
}

/** A statistic as a number (int32 statistics are numbers; int64 ones bigints). */
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'bigint' &&
        v <= BigInt(Number.MAX_SAFE_INTEGER) &&
        v >= -BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : undefined;

/** The row groups of a planned Parquet partition, as far as this file needs them. */
interface PlannedGroups {
  readonly groups: readonly {
    readonly rows: number;
    readonly stats: ReadonlyMap<string, readonly [unknown, unknown]>;
  }[];
}

const isPlanned = (x: unknown): x is readonly PlannedGroups[] =>
  Array.isArray(x) &&
  x.every(
    (p) =>
      typeof p === 'object' &&
      p !== null &&
      Array.isArray((p as PlannedGroups).groups) &&
      (p as PlannedGroups).groups.every((g) => g.stats instanceof Map),
  );

/** The ranges of `column` from each partition's row-group statistics. */
function statsRanges(planned: readonly PlannedGroups[], column: string): Ranges | undefined {
  const out: (Range | null)[] = [];
  for (const p of planned) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const g of p.groups) {
      if (g.rows === 0) continue;
      const s = g.stats.get(column);
      const a = num(s?.[0]);
      const b = num(s?.[1]);
      if (a === undefined || b === undefined) return undefined;
      lo = Math.min(lo, a);
      hi = Math.max(hi, b);
    }
    out.push(lo <= hi ? [lo, hi] : null);
  }
  return out;
}

/**
 * The range of `column` in each of the `n` partitions of `layer`, when known without computing
 * (see the file's comment); undefined otherwise. @internal
 */
export function rangesOf(layer: GraphLayer, column: string, n: number): Ranges | undefined {
  let at: GraphLayer = layer;
  let c: string | undefined = column;
  for (let depth = 0; depth < 256 && c !== undefined; depth++) {
    const known = fixed.get(at);
    if (known !== undefined) {
      const r = known.get(c);
      return r !== undefined && r.length === n ? r : undefined;
    }
    const link = links.get(at);
    if (link !== undefined) {
      c = link.source(c);
      at = link.from;
      continue;
    }
    const steps = (at as { steps?: unknown }).steps;
    if (Array.isArray(steps)) c = throughSteps(steps as Step[], c);
    if (c === undefined) return undefined;
    if (at instanceof PipeLayer) {
      at = at.input;
      continue;
    }
    // A Parquet reader keeps its planned partitions' row groups, with their statistics.
    const planned = (at as { planned?: unknown }).planned;
    if (!isPlanned(planned) || planned.length !== n) return undefined;
    return statsRanges(planned, c);
  }
  return undefined;
}
