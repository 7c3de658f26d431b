// Join key filters pushed into Parquet reads (sideways information passing, as DuckDB's and
// Spark's dynamic filters). Policy: an inner or semi join whose probe side (the side whose rows
// are matched against the other's) is a Parquet read that nothing else reads, on a key that is a
// number column of the files, gets that read rebuilt so that each of its tasks also receives the
// other side's partitions it will meet (all of them for a broadcast, the ones whose key range
// overlaps its own for a range join). The read then keeps only the rows whose key is among theirs,
// as the first filter of its steps (join-filter-kernels.ts): late materialization decodes the
// read's other columns for those rows only, and the join probes only them. Rows dropped so could
// not have matched, so the answer is unchanged; the cost is that such reads wait for the other
// side, so only a side that is itself filtered somewhere (a whole dimension table keeps every
// probe row) is used. Joins that keep unmatched probe rows (left, right, outer, anti) are never
// filtered.
import type { GraphLayer } from '@dask-ts/protocol';
import { Layer, layerDependents, rewriteLayers, type LayerNodes } from '@dask-ts/graph';
import type { DataFrame } from './frame.js';
import { CsvLayer, DescribedLayer, PipeLayer, partKey, partRef } from './layers.js';
import { FileReadLayer, ReaderLayer } from './io-layer.js';
import { isNumeric } from './dtypes.js';
import type { Step } from './steps.js';
import { filterKernels } from './join-filter-kernels.js';

/** What a join tells the optimizer about its probe side. @internal */
export interface KeyFilter {
  /** The probe side's layer (by name: it survives rewriting). */
  readonly probe: string;
  /** The probe side's key column. */
  readonly probeKey: string;
  /** The other side's layer. */
  readonly build: string;
  /** The other side's key column. */
  readonly buildKey: string;
  /** The other side's partitions that probe partition `i` meets. */
  readonly meets: (i: number) => readonly number[];
}

/** Where a join layer keeps its KeyFilter (a symbol key survives the layer being moved). */
const FILTER = Symbol('dask-ts.dataframe.key-filter');

/**
 * Records that `out`, an inner or semi join of `probe` with `build` on `probeKey` = `buildKey`,
 * may filter `probe` by the keys of `build` (when both keys are numbers). @internal
 */
export function markKeyFilter(
  out: DataFrame,
  probe: DataFrame,
  probeKey: string,
  build: DataFrame,
  buildKey: string,
  meets: (i: number) => readonly number[] = () =>
    Array.from({ length: build.npartitions }, (_, j) => j),
): void {
  if (!isNumeric(probe.dtypes[probeKey]) || probe.dtypes[probeKey] !== build.dtypes[buildKey])
    return;
  const f: KeyFilter = {
    probe: probe.layer.name,
    probeKey,
    build: build.layer.name,
    buildKey,
    meets,
  };
  (out.layer as unknown as Record<symbol, KeyFilter>)[FILTER] = f;
}

const filterOf = (layer: GraphLayer): KeyFilter | undefined =>
  (layer as unknown as Record<symbol, KeyFilter | undefined>)[FILTER];

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
  const seen = new Map<string, boolean>();
  return rewriteLayers(roots, (layer, { deps }) => {
    const f = filterOf(layer);
    if (f === undefined || !(layer instanceof Layer)) return;
    const pi = deps.findIndex((d) => d.name === f.probe);
    const build = deps.find((d) => d.name === f.build);
    const read = deps[pi];
    if (!(read instanceof FileReadLayer) || read.kernel !== 'readParquet' || build === undefined)
      return;
    if (requested.has(read.name) || dependents.get(read.name)?.length !== 1) return;
    if (!filtered(build, seen)) return;
    const fileKey = fileColumn(read.steps, f.probeKey);
    if (fileKey === undefined || !read.columns.includes(fileKey)) return;
    const next = deps.slice();
    next[pi] = new KeyFilteredRead(read, build, fileKey, f.buildKey, f.meets);
    return layer.withDeps(next);
  });
}
