// Estimated row counts of dataframes, known without computing, for the planner's choice between a
// broadcast join and a shuffle. Policy: a Parquet read knows its rows from the footers (after
// row-group pruning); row-wise steps (filters, assigns, selects) keep their input's estimate (an
// upper bound: a filter's selectivity is not guessed); a layer that an operation noted (a
// broadcast join notes the rows of the side it streams) has that estimate; anything else is
// unknown, and an unknown side is never broadcast automatically.
import type { GraphLayer } from '@dask-ts/protocol';
import { PipeLayer } from './layers.js';
import { FileReadLayer } from './io-layer.js';

const noted = new WeakMap<GraphLayer, number>();

/** Records an estimate for a layer's rows (all its partitions). @internal */
export function noteRows(layer: GraphLayer, rows: number | undefined): void {
  if (rows !== undefined) noted.set(layer, rows);
}

/** The estimated rows of a layer's partitions together, or undefined when unknown. @internal */
export function estimateRows(layer: GraphLayer): number | undefined {
  const n = noted.get(layer);
  if (n !== undefined) return n;
  if (layer instanceof PipeLayer) return estimateRows(layer.input);
  if (layer instanceof FileReadLayer) {
    let total = 0;
    for (const p of layer.parts as readonly unknown[]) {
      const rows = (p as { rows?: unknown }).rows;
      if (typeof rows !== 'number') return undefined;
      total += rows;
    }
    return total;
  }
  return undefined;
}
