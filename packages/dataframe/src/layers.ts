// The dataframe's layers. Partition i of a layer is the key `[name, i]`. Row-wise steps live in a
// PipeLayer; a CSV read is a CsvLayer, which may also carry steps (after fusion) and parses only
// the columns they need. Reductions are one layer each, holding their whole tree. Every layer can
// describe itself in one line, which `explain()` prints.
import { keyToString, type GraphLayer } from '@dask-ts/protocol';
import { Layer, treeNodes, type LayerNodes } from '@dask-ts/graph';
import { kernels, type CsvBlock } from './kernels.js';
import type { Step } from './steps.js';

/** The key of partition `i` of layer `name`. @internal */
export const partKey = (name: string, i: number): string => keyToString([name, i]);

/** A reference to partition `i` of a layer. @internal */
export const partRef = (layer: GraphLayer, i: number): { $ref: string } => ({
  $ref: partKey(layer.name, i),
});

/** A layer that can say what it does. @internal */
export abstract class DescribedLayer extends Layer {
  abstract describe(): string;
  /** The inputs `explain()` prints below this layer (those shown elsewhere may be left out). */
  explained(): readonly GraphLayer[] {
    return this.deps;
  }
}

/** The steps in one line, as `explain()` prints them. @internal */
export function showSteps(steps: readonly Step[]): string {
  return steps
    .map((s) => {
      switch (s.op) {
        case 'select':
        case 'drop':
          return `${s.op}(${s.cols.join(', ')})`;
        case 'assign':
          return `assign(${s.name})`;
        case 'filter':
          return 'filter';
        case 'rename':
          return `rename(${s.map.map(([a, b]) => `${a}->${b}`).join(', ')})`;
      }
    })
    .join(' | ');
}

/** Row-wise steps applied to each of the `n` partitions of `input`. @internal */
export class PipeLayer extends DescribedLayer {
  constructor(
    name: string,
    readonly input: GraphLayer,
    readonly steps: readonly Step[],
    readonly n: number,
    readonly outColumns: readonly string[],
  ) {
    super(name, [input], function* (): LayerNodes {
      for (let i = 0; i < n; i++)
        yield [partKey(name, i), kernels.task('pipe', [partRef(input, i), steps])];
    });
  }
  describe(): string {
    return `pipe[${this.n}] ${showSteps(this.steps)}`;
  }
}

/** One task per CSV block, parsing `usecols`, applying `steps`, giving `outColumns` in order. @internal */
export class CsvLayer extends DescribedLayer {
  constructor(
    name: string,
    readonly blocks: readonly CsvBlock[],
    readonly steps: readonly Step[],
    readonly outColumns: readonly string[],
  ) {
    super(name, [], function* (): LayerNodes {
      for (let i = 0; i < blocks.length; i++)
        yield [partKey(name, i), kernels.task('readCsv', [blocks[i], steps, outColumns])];
    });
  }
  /** The columns each block parses. */
  get usecols(): readonly string[] {
    return this.blocks[0]?.usecols ?? [];
  }
  describe(): string {
    const files = new Set(this.blocks.map((b) => b.path)).size;
    const steps = this.steps.length === 0 ? '' : ` | ${showSteps(this.steps)}`;
    return `readCsv[${this.blocks.length} blocks, ${files} files] usecols=${this.usecols.join(', ')}${steps}`;
  }
}

/** Any other layer, with a fixed description. @internal */
export class NamedLayer extends DescribedLayer {
  constructor(
    name: string,
    deps: readonly GraphLayer[],
    nodes: () => LayerNodes,
    readonly text: string,
  ) {
    super(name, deps, nodes);
  }
  describe(): string {
    return this.text;
  }
}

/**
 * A tree reduction over the `n` partitions of `input` in one layer: a partial task per
 * partition, combines of up to `splitEvery` values per round, and a final task whose key is the
 * layer's name. @internal
 */
export function treeReduce(
  name: string,
  input: GraphLayer,
  n: number,
  partial: (ref: { $ref: string }) => ReturnType<typeof kernels.task>,
  combine: Parameters<typeof kernels.task>[0],
  final: (refs: { $ref: string }[]) => ReturnType<typeof kernels.task>,
  text: string,
  splitEvery = 8,
): NamedLayer {
  return new NamedLayer(
    name,
    [input],
    function* () {
      yield* treeNodes({
        name,
        npartitions: n,
        leaf: (i) => partial(partRef(input, i)),
        combine: (refs) => kernels.task(combine, refs),
        root: final,
        splitEvery,
        outKey: name,
      });
    },
    text,
  );
}
