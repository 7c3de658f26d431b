// The graphs of recently computed Delayed values, kept so that computing the same value again
// neither walks its ancestors nor culls and fuses again (Dask's collections keep their graphs
// too). Policy: a graph hangs off the Delayed that was computed (it dies with it), and only the
// RECENT most recently computed values keep theirs, so computing every step of a growing chain
// keeps a few graphs, never one per step. A kept graph is never mutated: compute hands it to the
// scheduler as it is, and schedulers only read graphs.
import type { Graph } from '@dask-ts/protocol';

/** How many recently computed Delayed values keep their graphs. */
const RECENT = 8;

/** A value whose prepared graphs may be kept: [not optimized, optimized]. @internal */
export interface GraphHolder {
  graphs: [Graph | undefined, Graph | undefined] | undefined;
}

/** Most recent first; weak, so the list never keeps a Delayed (or its graph) alive. */
const recent: WeakRef<GraphHolder>[] = [];

/**
 * The graph `holder` keeps for `optimize`, made by `make` when it keeps none; marks the holder
 * most recently used and drops the graphs of holders pushed out of the recent list. @internal
 *
 * @example
 * const g = keptGraph(impl, true, () => prepareGraph(build(), [impl.key], true, true));
 */
export function keptGraph(holder: GraphHolder, optimize: boolean, make: () => Graph): Graph {
  const slot = optimize ? 1 : 0;
  let g = holder.graphs?.[slot];
  if (g === undefined) {
    g = make();
    (holder.graphs ??= [undefined, undefined])[slot] = g;
  }
  if (recent[0]?.deref() !== holder) {
    const at = recent.findIndex((r) => r.deref() === holder);
    if (at >= 0) recent.splice(at, 1);
    recent.unshift(new WeakRef(holder));
    while (recent.length > RECENT) {
      const out = recent.pop()!.deref();
      if (out !== undefined) out.graphs = undefined;
    }
  }
  return g;
}
