// The dataframe optimizer (the kit's `[daskOptimize]`), bottom-up over the layers:
// - blockwise fusion: a PipeLayer reading a PipeLayer that nothing else reads takes over its
//   steps, so a chain of select / assign / filter / rename / drop is one task per partition;
// - a PipeLayer reading a CsvLayer (or another ReaderLayer, io-layer.ts) that nothing else reads
//   moves its steps into the reader, and projection pushdown: the reader then parses only the
//   columns the steps need (and a Parquet reader prunes row groups by the steps' filters);
// - a file reader that several pipes read reads the union of the columns they use;
// - first, a merge read only by pipes is rebuilt from inputs narrowed to what they use;
// - last, Parquet reads on the probe side of joins are filtered by the other side's keys
//   (join-filter.ts).
import type { GraphLayer, LayerOptimizer } from '@dask-ts/protocol';
import { layerDependents, rewriteLayers } from '@dask-ts/graph';
import { columnsOf } from './expr.js';
import { CsvLayer, PipeLayer } from './layers.js';
import { FileReadLayer, ReaderLayer } from './io-layer.js';
import { narrowOf } from './merge-project.js';
import { filterJoinReads } from './join-filter.js';
import type { Step } from './steps.js';

/**
 * A chain of steps that produces only `out`, with each select narrowed to the columns read after
 * it, and the input columns the chain reads. @internal
 */
export function pruneSteps(
  steps: readonly Step[],
  out: readonly string[],
): { steps: Step[]; needed: Set<string> } {
  let needed = new Set(out);
  const pruned: Step[] = [];
  for (let i = steps.length - 1; i >= 0; i--) {
    let s = steps[i];
    switch (s.op) {
      case 'select': {
        const after = needed;
        s = { op: 'select', cols: s.cols.filter((c) => after.has(c)) };
        needed = new Set(s.cols);
        break;
      }
      case 'assign':
        needed.delete(s.name);
        columnsOf(s.expr, needed);
        break;
      case 'filter':
        columnsOf(s.expr, needed);
        break;
      case 'rename': {
        const back = new Map(s.map.map(([a, b]) => [b, a]));
        needed = new Set([...needed].map((c) => back.get(c) ?? c));
        break;
      }
      case 'drop':
        break;
    }
    pruned.push(s);
  }
  return { steps: pruned.reverse(), needed };
}

/** Pushes steps into a CSV reader, parsing only the columns they need. @internal */
export function pushIntoCsv(
  name: string,
  csv: CsvLayer,
  steps: readonly Step[],
  out: readonly string[],
): CsvLayer {
  const { steps: all, needed } = pruneSteps([...csv.steps, ...steps], out);
  const file = csv.blocks[0]?.fileColumns ?? [];
  const base = csv.blocks[0];
  let usecols = file.filter((c) => needed.has(c) && (base?.usecols.includes(c) ?? true));
  if (usecols.length === 0 && base !== undefined) usecols = [base.usecols[0]];
  const blocks = csv.blocks.map((b) => ({
    ...b,
    usecols,
    types: usecols.map((c) => b.types[b.usecols.indexOf(c)]),
  }));
  return new CsvLayer(name, blocks, all, out);
}

/**
 * A reader read by several pipes, reading only the union of the columns they use (its steps and
 * its name unchanged, so every reader still finds it); undefined when one of them is not a pipe or
 * they use every column.
 */
function sharedProjection(
  reader: FileReadLayer<unknown>,
  readers: readonly GraphLayer[],
  next: (l: GraphLayer) => PipeLayer | undefined,
): GraphLayer | undefined {
  const used = new Set<string>();
  for (const r of readers) {
    if (!(r instanceof PipeLayer)) return undefined;
    // The pipes a pipe will fuse with (each the only reader of the one before) narrow it too.
    const steps = [...r.steps];
    let last = r;
    for (let p = next(r); p !== undefined; p = next(p)) {
      steps.push(...p.steps);
      last = p;
    }
    for (const c of pruneSteps(steps, last.outColumns).needed) used.add(c);
  }
  const out = reader.outColumns.filter((c) => used.has(c));
  if (out.length === reader.outColumns.length || out.length === 0) return undefined;
  const { steps, needed } = pruneSteps(reader.steps, out);
  return reader.project(reader.name, steps, out, needed);
}

/**
 * Merges read only by a chain of pipes rebuilt from inputs narrowed to the columns the chain uses
 * (merge-project.ts), round after round, so merges under merges narrow too.
 */
function narrowMerges(given: readonly GraphLayer[]): GraphLayer[] {
  let roots = [...given];
  const requested = new Set(roots.map((r) => r.name));
  for (let round = 0; round < 16; round++) {
    const { dependents } = layerDependents(roots);
    const alone = (l: GraphLayer): boolean =>
      !requested.has(l.name) && dependents.get(l.name)?.length === 1;
    let changed = false;
    roots = rewriteLayers(roots, (layer, { deps }) => {
      const input = deps[0];
      const narrow = narrowOf(input);
      if (!(layer instanceof PipeLayer) || narrow === undefined || !alone(input)) return;
      const steps = [...layer.steps];
      let last = layer;
      for (let p: GraphLayer = layer; alone(p);) {
        const d = dependents.get(p.name)?.[0];
        if (!(d instanceof PipeLayer)) break;
        steps.push(...d.steps);
        last = d;
        p = d;
      }
      const narrowed = narrow(pruneSteps(steps, last.outColumns).needed);
      if (narrowed === undefined) return;
      changed = true;
      return new PipeLayer(layer.name, narrowed.layer, layer.steps, layer.n, layer.outColumns);
    });
    if (!changed) break;
  }
  return roots;
}

/**
 * The dataframe optimizer.
 *
 * @example
 * class DataFrame { get [daskOptimize]() { return optimizeDataFrame; } }
 */
export const optimizeDataFrame: LayerOptimizer = (given) => {
  const roots = narrowMerges(given);
  const { dependents } = layerDependents(roots);
  const requested = new Set(roots.map((r) => r.name));
  const alone = (l: GraphLayer): boolean =>
    !requested.has(l.name) && dependents.get(l.name)?.length === 1;
  /** The pipe that is the only reader of `l`, when there is one. */
  const nextPipe = (l: GraphLayer): PipeLayer | undefined => {
    const d = dependents.get(l.name);
    return alone(l) && d?.[0] instanceof PipeLayer ? d[0] : undefined;
  };
  const fused = rewriteLayers(roots, (layer, { deps }) => {
    if (layer instanceof FileReadLayer && !requested.has(layer.name)) {
      const readers = dependents.get(layer.name) ?? [];
      if (readers.length > 1) return sharedProjection(layer, readers, nextPipe);
    }
    const input = deps[0];
    if (!(layer instanceof PipeLayer) || input === undefined || !alone(input)) return;
    if (input instanceof PipeLayer) {
      // The input's own input as rewritten (`deps`), not its `input` field: a layer moved onto
      // rewritten deps keeps the field it was built with.
      return new PipeLayer(
        layer.name,
        input.deps[0],
        [...input.steps, ...layer.steps],
        layer.n,
        layer.outColumns,
      );
    }
    if (input instanceof CsvLayer)
      return pushIntoCsv(layer.name, input, layer.steps, layer.outColumns);
    if (input instanceof ReaderLayer) {
      const { steps, needed } = pruneSteps([...input.steps, ...layer.steps], layer.outColumns);
      return input.project(layer.name, steps, layer.outColumns, needed);
    }
    return;
  });
  return filterJoinReads(fused);
};
