// Row-wise steps that use lazy scalars (`df.filter(col('v').gt(df.col('v').mean()))`), as Dask
// lets a Scalar take part in a Series' expression: the step is a layer whose tasks depend on the
// scalars' tasks as well as on their partition, so the whole query is one graph and one compute
// (the data the scalar reduces is read once when both come from the same layers). Policy: such a
// step stays a layer of its own: fusion does not merge it with its neighbours nor push it into a
// reader (whose tasks would then all wait for the scalar), so it sits where it was written.
import type { GraphLayer } from '@dask-ts/protocol';
import type { Needs } from './expr.js';
import { kernels } from './kernels.js';
import { DescribedLayer, PipeLayer, partKey, partRef, showSteps } from './layers.js';
import type { Step } from './steps.js';

/** One row-wise step using lazy scalars, over each of the `n` partitions of `input`. @internal */
export class ScalarStepLayer extends DescribedLayer {
  private readonly keys: readonly string[];

  constructor(
    name: string,
    readonly input: GraphLayer,
    readonly step: Step,
    readonly n: number,
    scalars: Needs,
  ) {
    const keys = [...scalars.keys()];
    super(name, [input, ...scalars.values()], function* () {
      const refs = keys.map((k) => ({ $ref: k }));
      for (let i = 0; i < n; i++)
        yield [
          partKey(name, i),
          kernels.task('pipeScalars', [partRef(input, i), [step], keys, ...refs]),
        ] as const;
    });
    this.keys = keys;
  }

  describe(): string {
    return `pipe[${this.n}] ${showSteps([this.step])} (with the lazy scalars ${this.keys.join(', ')})`;
  }
}

/**
 * The layer of one row-wise step over the `n` partitions of `input`: a PipeLayer (fused with its
 * neighbours by the optimizer), or a ScalarStepLayer when its expression uses lazy scalars.
 * @internal
 */
export function stepLayer(
  name: string,
  input: GraphLayer,
  step: Step,
  n: number,
  outColumns: readonly string[],
  needs: Needs | undefined,
): GraphLayer {
  return needs !== undefined && needs.size > 0
    ? new ScalarStepLayer(name, input, step, n, needs)
    : new PipeLayer(name, input, [step], n, outColumns);
}
