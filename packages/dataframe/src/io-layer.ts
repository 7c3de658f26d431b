// The layers of the file readers (Parquet, Arrow IPC, JSON lines). Policy: like the CSV reader,
// a reader layer carries the row-wise steps the optimizer moved into it and reads only the
// columns they need. The optimizer (fusion.ts) does the pruning with the same `pruneSteps` it uses
// for CSV and hands the result to `project`, which each reader implements: the Parquet reader also
// turns simple comparisons among the steps into row-group pruning. The partition count never
// changes in `project` (the keys are fixed when the dataframe is built): a pruned partition reads
// nothing and yields an empty table.
import type { LayerNodes } from '@dask-ts/graph';
import { DescribedLayer, partKey } from './layers.js';
import type { Step } from './steps.js';
import type { DType } from './dtypes.js';
import { ioKernels } from './io-kernels.js';

/** A reader layer the optimizer can push steps into. @internal */
export abstract class ReaderLayer extends DescribedLayer {
  /** The steps applied after reading. */
  abstract readonly steps: readonly Step[];
  /** The columns read from the files. */
  abstract readonly columns: readonly string[];
  /**
   * The same read under a new name, applying `steps` (already pruned to `out`) and reading only
   * the `needed` columns.
   */
  abstract project(
    name: string,
    steps: readonly Step[],
    out: readonly string[],
    needed: ReadonlySet<string>,
  ): ReaderLayer;
}

/** The columns a projected reader reads: those needed, in file order, and at least one. @internal */
export function neededColumns(columns: readonly string[], needed: ReadonlySet<string>): string[] {
  const keep = columns.filter((c) => needed.has(c));
  return keep.length === 0 && columns.length > 0 ? [columns[0]] : keep;
}

/** The steps' description for `explain`. @internal */
export function describeSteps(steps: readonly Step[]): string {
  return steps.length === 0 ? '' : ` | ${steps.map((s) => s.op).join(' | ')}`;
}

/**
 * A reader with one task per part (a file, a byte block, a row group): the kernel `kernel` of
 * io-kernels.ts called with the part and the read plan. @internal
 */
export class FileReadLayer<P> extends ReaderLayer {
  constructor(
    name: string,
    readonly kernel: 'readParquet' | 'readIpc' | 'readJson',
    readonly parts: readonly P[],
    readonly columns: readonly string[],
    readonly types: readonly DType[],
    readonly steps: readonly Step[],
    readonly outColumns: readonly string[],
  ) {
    super(name, [], function* (): LayerNodes {
      const plan = { columns, types, steps, out: outColumns };
      for (let i = 0; i < parts.length; i++)
        yield [partKey(name, i), ioKernels.task(kernel, [parts[i], plan])];
    });
  }

  /** The parts a projection reads (the Parquet reader prunes row groups here). */
  protected prunedParts(_steps: readonly Step[]): readonly P[] {
    return this.parts;
  }

  /** A layer of the same class over other parts and columns. */
  protected remake(
    name: string,
    parts: readonly P[],
    columns: readonly string[],
    steps: readonly Step[],
    out: readonly string[],
  ): FileReadLayer<P> {
    const types = columns.map((c) => this.types[this.columns.indexOf(c)]);
    return new FileReadLayer(name, this.kernel, parts, columns, types, steps, out);
  }

  project(
    name: string,
    steps: readonly Step[],
    out: readonly string[],
    needed: ReadonlySet<string>,
  ): FileReadLayer<P> {
    return this.remake(
      name,
      this.prunedParts(steps),
      neededColumns(this.columns, needed),
      steps,
      out,
    );
  }

  describe(): string {
    return `${this.kernel}[${this.parts.length} partitions] columns=${this.columns.join(', ')}${describeSteps(this.steps)}`;
  }
}
