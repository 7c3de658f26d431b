// The graphs of recently computed Delayed values, kept so that computing the same value again
// neither walks its ancestors nor culls and fuses again (Dask's collections keep their graphs
// too). Policy: a graph hangs off the Delayed that was computed (it dies with it); the RECENT most
// recently computed values keep theirs, and older ones too while all kept graphs together hold at
// most BUDGET nodes, so many small graphs computed again and again (a service answering requests)
// all stay prepared, while computing every step of a growing chain keeps a bounded number of nodes,
// never one graph per step. Recency is an insertion-ordered map, so marking a use is O(1) however
// many values keep graphs. A kept graph is never mutated: compute hands it to the scheduler as it
// is, and schedulers only read graphs; it is marked with `Symbol.for('dask-ts.sealedGraph')`, so a
// scheduler may keep what it derives from it (the sync scheduler keeps its plan).
import type { Graph } from '@dask-ts/protocol';

/** How many recently computed Delayed values keep their graphs whatever their size. */
const RECENT = 8;
/** Nodes that older kept graphs may hold together. */
const BUDGET = 1 << 18;
/** The mark of a graph that is never mutated (a registered symbol, read by schedulers). */
const SEALED = Symbol.for('dask-ts.sealedGraph');

/** A value whose prepared graphs may be kept: [not optimized, optimized]. @internal */
export interface GraphHolder {
  graphs: [Graph | undefined, Graph | undefined] | undefined;
  /** The holder's own weak handle in the recency map (made once). */
  recency?: WeakRef<GraphHolder>;
}

/** Least recently used first; weak, so the map never keeps a Delayed (or its graph) alive. */
const recent = new Map<WeakRef<GraphHolder>, number>();
/** Nodes held by the graphs in `recent` (as counted when each was kept). */
let held = 0;

/**
 * The graph `holder` keeps for `optimize`, made by `make` when it keeps none; marks the holder
 * most recently used and drops the graphs of the least recently used holders past the limits.
 * @internal
 *
 * @example
 * const g = keptGraph(impl, true, () => prepareGraph(build(), [impl.key], true, true));
 */
export function keptGraph(holder: GraphHolder, optimize: boolean, make: () => Graph): Graph {
  const slot = optimize ? 1 : 0;
  let g = holder.graphs?.[slot];
  const ref = (holder.recency ??= new WeakRef(holder));
  let size = recent.get(ref) ?? 0;
  if (g === undefined) {
    g = make();
    (g as { [SEALED]?: true })[SEALED] = true;
    (holder.graphs ??= [undefined, undefined])[slot] = g;
    held -= size;
    size = (holder.graphs[0]?.size ?? 0) + (holder.graphs[1]?.size ?? 0);
    held += size;
  }
  // Most recent last: a use moves the holder to the end.
  recent.delete(ref);
  recent.set(ref, size);
  for (const [old, n] of recent) {
    if (recent.size <= RECENT || held <= BUDGET) break;
    recent.delete(old);
    held -= n;
    const out = old.deref();
    if (out !== undefined) out.graphs = undefined;
  }
  return g;
}
