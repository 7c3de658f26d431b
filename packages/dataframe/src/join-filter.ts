// Join key filters pushed into Parquet reads (sideways information passing, as DuckDB's and
// Spark's dynamic filters). Policy: an inner or semi join whose probe side (the side whose rows
// are matched against the other's) is a Parquet read that nothing else reads, on a key that is a
// number column of the files (or reads one through row-wise steps and groupbys that keep the key,
// each read by nothing else), gets that read rebuilt so that each of its tasks also receives the
// other side's partitions it will meet (all of them for a broadcast, the ones whose key range
// overlaps its own for a range join). The read then keeps only the rows whose key is among theirs,
// as the first filter of its steps (join-filter-kernels.ts): late materialization decodes the
// read's other columns for those rows only, and the join probes only them. Rows dropped so could
// not have matched, so the answer is unchanged. The cost is that such reads wait for the other
// side, so a read is filtered only when the other side is itself filtered somewhere (a whole
// dimension table keeps every probe row), the read holds FEWEST_ROWS rows or more (a small
// table's read costs less than the wait) and has at least as many partitions as the other side
// (a read of fewer would wait for a larger side, to save little). A broadcast join whose probe
// side cannot be filtered so may filter its broadcast side instead, by the keys of every probe
// partition (a groupby's input under it, say). Joins that keep unmatched probe rows (left, right,
// outer, anti) are never filtered.
import type { GraphLayer } from '@dask-ts/protocol';
import { Layer, layerDependents, rewriteLayers, type LayerNodes } from '@dask-ts/graph';
import type { DataFrame } from './frame.js';
import { CsvLayer, DescribedLayer, PipeLayer, partKey, partRef } from './layers.js';
import { FileReadLayer, ReaderLayer } from './io-layer.js';
import { isNumeric } from './dtypes.js';
import type { Step } from './steps.js';
import { filterKernels } from './join-filter-kernels.js';

/** What a join tells the optimizer: one side it may filter by the other's keys. @internal */
export interface KeyFilter {
  /** The side to filter (by its layer's name: it survives rewriting). */
  readonly probe: string;
  /** Its key column. */
  readonly probeKey: string;
  /** The other side's layer. */
  readonly build: string;
  /** The other side's key column. */
  readonly buildKey: string;
  /** The other side's partitions that probe partition `i` meets. */
  readonly meets: (i: number) => readonly number[];
  /**
   * The fewest partitions the read filtered may have (the other side's count: a read of fewer
   * would wait for a larger side, to save little).
   */
  readonly least: number;
}

/** Where a join layer keeps its KeyFilters (a symbol key survives the layer being moved). */
const FILTER = Symbol('dask-ts.dataframe.key-filter');
/** Where a layer says that its rows with key x come from its input's rows with key x. */
const KEPT = Symbol('dask-ts.dataframe.keys-kept');

const all = (n: number) => (): number[] => Array.from({ length: n }, (_, j) => j);

/**
 * Records that `out`, an inner or semi join of `probe` with `build` on `probeKey` = `buildKey`,
 * may filter `probe` by the keys of `build` (when both keys are numbers), or else, with
 * `reverse`, `build` by the keys of every partition of `probe`; either only when the read so
 * filtered has at least as many partitions as the other side (a read of fewer would wait for a
 * larger side, and save little). @internal
 */
export function markKeyFilter(
  out: DataFrame,
  probe: DataFrame,
  probeKey: string,
  build: DataFrame,
  buildKey: string,
  meets: (i: number) => readonly number[] = all(build.npartitions),
  reverse = false,
): void {
  if (!isNumeric(probe.dtypes[probeKey]) || probe.dtypes[probeKey] !== build.dtypes[buildKey])
    return;
  const p = probe.layer.name;
  const b = build.layer.name;
  const fs: KeyFilter[] = [
    { probe: p, probeKey, build: b, buildKey, meets, least: build.npartitions },
  ];
  if (reverse)
    fs.push({
      probe: b,
      probeKey: buildKey,
      build: p,
      buildKey: probeKey,
      meets: all(probe.npartitions),
      least: probe.npartitions,
    });
  (out.layer as unknown as Record<symbol, readonly KeyFilter[]>)[FILTER] = fs;
}

/**
 * Records that each row of `layer` with some values of `keys` comes from rows of its one input
 * with the same values in the same columns (a groupby's output), so a filter on a key may be
 * applied to the input instead. @internal
 */
export function markKeysKept(layer: GraphLayer, keys: readonly string[]): void {
  (layer as unknown as Record<symbol, readonly string[]>)[KEPT] = keys;
}

const keptOf = (layer: GraphLayer): readonly string[] | undefined =>
  (layer as unknown as Record<symbol, readonly string[] | undefined>)[KEPT];

const filtersOf = (layer: GraphLayer): readonly KeyFilter[] =>
  (layer as unknown as Record<symbol, readonly KeyFilter[] | undefined>)[FILTER] ?? [];

/** The file column a key read after `steps` comes from, or undefined when a step computes it. */
function fileColumn(steps: readonly Step[], key: string): string | undefined {
  let name = key;
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i];
    if (s.op === 'assign' && s.name === name) return undefined;
    if (s.op === 'rename') for (const [a, b] of s.map) if (b === name) name = a;
  }
  return name;
}

/**
 * Whether some rows of a layer's inputs were filtered out on the way to it: only then may its keys
 * be fewer than the probe side's (a whole dimension table would keep every probe row, and make
 * the probe's reads wait for nothing).
 */
function filtered(layer: GraphLayer, seen: Map<string, boolean>): boolean {
  const known = seen.get(layer.name);
  if (known !== undefined) return known;
  const own =
    layer instanceof KeyFilteredRead ||
    ((layer instanceof PipeLayer || layer instanceof ReaderLayer || layer instanceof CsvLayer) &&
      layer.steps.some((s) => s.op === 'filter'));
  const out = own || layer.deps.some((d) => filtered(d, seen));
  seen.set(layer.name, out);
  return out;
}

/** A Parquet read whose tasks keep only the rows whose key the other side's partitions hold. */
class KeyFilteredRead extends DescribedLayer {
  constructor(
    readonly read: FileReadLayer<unknown>,
    build: GraphLayer,
    readonly fileKey: string,
    readonly buildKey: string,
    meets: (i: number) => readonly number[],
  ) {
    super(read.name, [build], function* (): LayerNodes {
      const { columns, types, steps, outColumns: out } = read;
      const plan = { columns, types, steps, out };
      for (const [i, part] of read.parts.entries()) {
        const refs = meets(i).map((j) => partRef(build, j));
        yield [
          partKey(read.name, i),
          filterKernels.task('readParquetKeyed', [part, plan, fileKey, buildKey, ...refs]),
        ];
      }
    });
  }
  /** The other side is printed under the join already. */
  override explained(): readonly GraphLayer[] {
    return [];
  }
  describe(): string {
    return `${this.read.describe()} | rows whose ${this.fileKey} is a ${this.buildKey} of the join's other side`;
  }
}

/**
 * The optimizer's last pass: the Parquet reads on the probe side of marked joins filtered by the
 * other side's keys (see the file's comment). @internal
 */
export function filterJoinReads(roots: readonly GraphLayer[]): GraphLayer[] {
  const { dependents } = layerDependents(roots);
  const requested = new Set(roots.map((r) => r.name));
  const alone = (l: GraphLayer): boolean =>
    !requested.has(l.name) && dependents.get(l.name)?.length === 1;
  const seen = new Map<string, boolean>();
  return rewriteLayers(roots, (layer, { deps }) => {
    if (!(layer instanceof Layer)) return;
    // One filter per join at most: two would make each side wait for the other.
    for (const f of filtersOf(layer)) {
      const pi = deps.findIndex((d) => d.name === f.probe);
      const build = deps.find((d) => d.name === f.build);
      if (pi < 0 || build === undefined || !filtered(build, seen)) continue;
      const chain = readBelow(deps[pi], f.probeKey, alone);
      if (chain === undefined || chain.read.parts.length < f.least) continue;
      let top: GraphLayer = new KeyFilteredRead(
        chain.read,
        build,
        chain.fileKey,
        f.buildKey,
        f.meets,
      );
      for (let i = chain.above.length - 1; i >= 0; i--) top = chain.above[i].withDeps([top]);
      const next = deps.slice();
      next[pi] = top;
      return layer.withDeps(next);
    }
    return;
  });
}

/** Reads of fewer rows are not filtered: they cost less than the wait for the other side. */
const FEWEST_ROWS = 50_000;

/** The rows Parquet parts hold (their `rows`). */
const rowsOf = (parts: readonly unknown[]): number =>
  parts.reduce<number>((n, p) => n + ((p as { rows?: number }).rows ?? 0), 0);

/**
 * The Parquet read that `top` is, or that it reads through row-wise steps and groupbys that keep
 * `key` (each read by nothing else), with the layers above it and the key's file column.
 */
function readBelow(
  top: GraphLayer,
  key: string,
  alone: (l: GraphLayer) => boolean,
): { read: FileReadLayer<unknown>; above: Layer[]; fileKey: string } | undefined {
  const above: Layer[] = [];
  let k: string | undefined = key;
  for (let l = top; ; l = l.deps[0]) {
    if (!alone(l)) return undefined;
    if (l instanceof FileReadLayer) {
      if (l.kernel !== 'readParquet' || rowsOf(l.parts) < FEWEST_ROWS) return undefined;
      const fileKey = fileColumn(l.steps, k);
      if (fileKey === undefined || !l.columns.includes(fileKey)) return undefined;
      return { read: l, above, fileKey };
    }
    if (l instanceof PipeLayer) k = fileColumn(l.steps, k);
    else if (!(keptOf(l)?.includes(k) ?? false)) return undefined;
    if (k === undefined || l.deps.length !== 1 || !(l instanceof Layer)) return undefined;
    above.push(l);
  }
}
