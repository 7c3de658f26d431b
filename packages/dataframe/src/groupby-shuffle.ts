// The groupby shuffle: every input partition is grouped first and its partial (one row per group)
// split into `n` pieces by the hash of the keys (kernels-group-split.ts); output j combines piece
// j of every partial and finishes it, sorted by the keys. Policy: pre-aggregating costs one pass
// and makes what travels between workers at most the rows it stands for (far less with few or
// repeated groups), as Dask's split_out does. When shuffles are configured to go through disk
// (bounded memory, shuffle-disk.ts), the rows are shuffled through it instead and grouped there.
import { tokenize } from '@dask-ts/graph';
import { blockwise } from './blockwise.js';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import { NamedLayer, partKey } from './layers.js';
import type { AggPlan } from './ops-agg.js';
import { hashPartition } from './shuffle.js';
import { exchangeInputs, shuffleMethod } from './shuffle-disk.js';

/** The groupby of `input` on `keys` by a shuffle into `n` partitions. @internal */
export function shuffleGroupby(
  frame: DataFrame,
  input: DataFrame,
  keys: readonly string[],
  plan: AggPlan,
  n: number,
  reason: string,
): DataFrame {
  const { outs, values, needs } = plan;
  const text = `groupby(${keys.join(', ')}).agg (hash shuffle into ${n}: ${reason})`;
  if (shuffleMethod() !== 'memory') {
    const parts = hashPartition(input, keys, n);
    return blockwise(
      'groupby-shuffle',
      [parts],
      n,
      plan.schema,
      [keys, outs],
      ([ref]) => kernels.task('groupLocal', [ref, keys, values, needs, outs]),
      text,
    );
  }
  const { m, per, part } = exchangeInputs(
    input.layer,
    input.npartitions,
    input.columns,
    input.schema.map(([, t]) => t),
  );
  const name = `groupby-shuffle-${tokenize(input.layer.name, keys, outs, n)}`;
  const split = `${name}-split`;
  const piece = `${name}-piece`;
  const layer = new NamedLayer(
    name,
    [input.layer],
    function* () {
      for (let i = 0; i < m; i++) {
        yield [partKey(split, i), kernels.task('groupSplit', [part(i), keys, values, needs, n])];
        for (let j = 0; j < n; j++)
          yield [
            partKey(piece, i * n + j),
            kernels.task('piece', [{ $ref: partKey(split, i) }, j]),
          ];
      }
      for (let j = 0; j < n; j++)
        yield [
          partKey(name, j),
          kernels.task('groupFinal', [
            keys,
            outs,
            ...Array.from({ length: m }, (_, i) => ({ $ref: partKey(piece, i * n + j) })),
          ]),
        ];
    },
    per === 1 ? text : `${text}, split ${per} input partitions at a time`,
  );
  return frame.derive(layer, n, plan.schema);
}
