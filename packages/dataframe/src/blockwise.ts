// Per-partition layers for operations that are not row-wise steps (user functions, local sorts,
// joins of co-partitioned inputs): output partition i is one kernel call on partition i of each
// input. Such layers are not fused with row-wise steps; `explain()` shows their one-line text.
import type { GraphLayer } from '@dask-ts/protocol';
import { tokenize } from '@dask-ts/graph';
import type { Task } from '@dask-ts/protocol';
import type { Schema } from './dtypes.js';
import type { DataFrame } from './frame.js';
import { NamedLayer, partKey, partRef } from './layers.js';

/**
 * A dataframe whose partition i is `task(refs)`, `refs` holding partition i of each input
 * (inputs of one partition count are zipped); `whole` lists inputs whose every partition the
 * tasks read (a broadcast side). @internal
 */
export function blockwise(
  op: string,
  inputs: readonly DataFrame[],
  npartitions: number,
  schema: Schema,
  token: unknown,
  task: (refs: { $ref: string }[], i: number) => Task,
  text: string,
  whole: readonly DataFrame[] = [],
): DataFrame {
  const layers: GraphLayer[] = inputs.map((f) => f.layer);
  const name = `${op}-${tokenize(...layers.map((l) => l.name), ...whole.map((f) => f.layer.name), token)}`;
  const layer = new NamedLayer(
    name,
    [...layers, ...whole.map((f) => f.layer)],
    function* () {
      for (let i = 0; i < npartitions; i++)
        yield [
          partKey(name, i),
          task(
            layers.map((l) => partRef(l, i)),
            i,
          ),
        ] as const;
    },
    text,
  );
  return inputs[0].derive(layer, npartitions, schema);
}

/** All partitions' references of a dataframe. @internal */
export const allRefs = (f: DataFrame): { $ref: string }[] =>
  Array.from({ length: f.npartitions }, (_, i) => partRef(f.layer, i));
