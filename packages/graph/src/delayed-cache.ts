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
  /** The holder's own weak handle in the map of holders (made once). */
  recency?: WeakRef<GraphHolder>;
  /** When the holder was last used (a use counter). */
  lastUse?: number;
}

/** Holders that keep graphs, and the nodes they hold; weak, so no Delayed is kept alive. */
const recent = new Map<WeakRef<GraphHolder>, number>();
/** Nodes held by the graphs in `recent` (as counted when each was kept). */
let held = 0;
/** The use counter. */
let clock = 0;

/**
 * The graph `holder` keeps for `optimize`, made by `make` when it keeps none; marks the holder
 * most recently used and, past the limits, drops the graphs of the least recently used holders.
 * A use costs a counter increment: holders are sorted by last use only when some must go.
 * @internal
 *
 * @example
 * const g = keptGraph(impl, true, () => prepareGraph(build(), [impl.key], true, true));
 */
export function keptGraph(holder: GraphHolder, optimize: boolean, make: () => Graph): Graph {
  const slot = optimize ? 1 : 0;
  holder.lastUse = ++clock;
  let g = holder.graphs?.[slot];
  if (g !== undefined) return g;
  g = make();
  (g as { [SEALED]?: true })[SEALED] = true;
  (holder.graphs ??= [undefined, undefined])[slot] = g;
  const ref = (holder.recency ??= new WeakRef(holder));
  const size = (holder.graphs[0]?.size ?? 0) + (holder.graphs[1]?.size ?? 0);
  held += size - (recent.get(ref) ?? 0);
  recent.set(ref, size);
  if (recent.size > RECENT && held > BUDGET) evict();
  return g;
}

/**
 * Drops the graphs of the least recently used holders (and forgets collected ones) until at most
 * RECENT holders keep graphs or they hold at most half the budget, so evictions are rare.
 */
function evict(): void {
  const live: [WeakRef<GraphHolder>, number][] = [];
  for (const [ref, n] of recent) {
    const h = ref.deref();
    if (h === undefined) {
      recent.delete(ref);
      held -= n;
    } else live.push([ref, h.lastUse ?? 0]);
  }
  live.sort((a, b) => a[1] - b[1]);
  for (let i = 0; i < live.length - RECENT && held > BUDGET / 2; i++) {
    const ref = live[i][0];
    held -= recent.get(ref) ?? 0;
    recent.delete(ref);
    const h = ref.deref();
    if (h !== undefined) h.graphs = undefined;
  }
}
