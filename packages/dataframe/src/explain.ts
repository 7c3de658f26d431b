// `explain()`: a collection's optimized plan, one layer per line, outputs first and each layer's
// inputs indented below it.
import type { GraphLayer } from '@dask-ts/protocol';
import { optimizeCollections, type LayeredCollection } from '@dask-ts/graph';
import { DescribedLayer } from './layers.js';

/** The optimized plan of a collection. @internal */
export function explainPlan(c: LayeredCollection): string {
  const roots = optimizeCollections([c], true).get(c) ?? [];
  const lines: string[] = [];
  const walk = (l: GraphLayer, depth: number): void => {
    lines.push(
      `${'  '.repeat(depth)}${l instanceof DescribedLayer ? l.describe() : `data ${l.name}`}`,
    );
    for (const d of l instanceof DescribedLayer ? l.explained() : l.deps) walk(d, depth + 1);
  };
  for (const r of roots) walk(r, 0);
  return lines.join('\n');
}
