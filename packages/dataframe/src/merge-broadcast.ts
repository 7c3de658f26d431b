// When a join broadcasts a side instead of shuffling both: a side of one partition always; a side
// of several when asked (`broadcast: true`), never when refused (`false`), and otherwise by Dask's
// rule for task shuffles, when its partitions are fewer than half of log2 of the other side's.
// Each partition of the other side then reads the whole broadcast side, whose hash table every
// worker builds once, where a shuffle would move both sides; unless a range join whose key ranges
// narrow it applies (merge-range.ts), which is taken first.

/**
 * Whether a side of `small` partitions is broadcast to one of `big`: always when asked, never when
 * refused, and otherwise as Dask decides: when `small` is under half of log2(`big`) (2 of 492 row
 * groups, say: each partition of the big side then reads the whole small side, whose hash table
 * each worker builds once). @internal
 */
export function broadcasts(asked: boolean | undefined, small: number, big: number): boolean {
  if (asked !== undefined) return asked && small <= big;
  return small < 0.5 * Math.log2(big);
}
