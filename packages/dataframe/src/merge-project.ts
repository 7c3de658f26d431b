// Projection pushdown through `merge`: a merge remembers how to rebuild itself from inputs
// narrowed to some of their columns, and the optimizer (fusion.ts) asks it to when the only reader
// of the merge is a chain of row-wise steps that uses fewer columns than the merge gives. The
// rebuilt merge keeps the keys, every column used above it, and both columns of a pair that
// clashed (so suffixed names stay as they were); it is used only when every column used above
// keeps its name and type and the partition count is unchanged.
import type { GraphLayer } from '@dask-ts/protocol';
import type { DataFrame } from './frame.js';

/** Rebuilds a merge from narrowed inputs, or undefined when nothing would be left out. @internal */
export type Narrow = (needed: ReadonlySet<string>) => DataFrame | undefined;

/** Where a merge layer keeps its Narrow (a symbol key survives the layer being moved). */
const NARROW = Symbol('dask-ts.dataframe.narrow');

/** Marks a merge's result as narrowable. @internal */
export function markNarrowable(df: DataFrame, narrow: Narrow): DataFrame {
  (df.layer as unknown as Record<symbol, Narrow>)[NARROW] = narrow;
  return df;
}

/** A layer's Narrow, when it is a merge's. @internal */
export function narrowOf(layer: GraphLayer | undefined): Narrow | undefined {
  return layer === undefined
    ? undefined
    : (layer as unknown as Record<symbol, Narrow | undefined>)[NARROW];
}

/**
 * The columns of each side a narrowed merge keeps: the keys, the columns used above it (under
 * their own or their suffixed name), and the partner of any kept column that clashes. @internal
 */
export function narrowedColumns(
  left: DataFrame,
  right: DataFrame,
  leftOn: readonly string[],
  rightOn: readonly string[],
  suffixes: readonly [string, string],
  needed: ReadonlySet<string>,
): [string[], string[]] {
  const [sx, sy] = suffixes;
  const shared = new Set(leftOn.filter((k, j) => rightOn[j] === k));
  const l = new Set(
    left.columns.filter((c) => needed.has(c) || needed.has(c + sx) || leftOn.includes(c)),
  );
  const r = new Set(
    right.columns.filter((c) => needed.has(c) || needed.has(c + sy) || rightOn.includes(c)),
  );
  for (const c of [...l]) if (!shared.has(c) && right.columns.includes(c)) r.add(c);
  for (const c of [...r]) if (!shared.has(c) && left.columns.includes(c)) l.add(c);
  return [left.columns.filter((c) => l.has(c)), right.columns.filter((c) => r.has(c))];
}
