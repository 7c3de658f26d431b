// The in-memory hash shuffle: repartitions a dataframe into `n` partitions by a hash of key
// columns, so that equal keys meet in one partition (groupby with many groups, merge of two large
// sides, dropDuplicates). Every input partition is split into `n` pieces once (a task holding a
// list of tables), a small task per (input, output) pair picks one piece (so only that piece
// travels to the output's worker), and output j concatenates its pieces in input order. All of it
// is one layer; the data is held in memory, or goes through disk as configured (shuffle-disk.ts).
import { tokenize } from '@dask-ts/graph';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import { exchangeLayer } from './shuffle-disk.js';

/**
 * `frame` repartitioned into `n` partitions by the hash of `keys` (equal keys, nulls included,
 * land in one partition; row order within a partition follows the input partitions).
 * @internal
 */
export function hashPartition(frame: DataFrame, keys: readonly string[], n: number): DataFrame {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(
      `shuffle: the number of partitions must be a positive integer, got ${String(n)}`,
    );
  const input = frame.layer;
  const m = frame.npartitions;
  const layer = exchangeLayer({
    name: `shuffle-${tokenize(input.name, keys, n)}`,
    input,
    m,
    n,
    split: (ref) => kernels.task('hashSplit', [ref, keys, n]),
    names: frame.columns,
    types: frame.schema.map(([, t]) => t),
    text: `hash shuffle on ${keys.join(', ')}: ${m} -> ${n} partitions`,
  });
  return frame.derive(layer, n, frame.schema);
}
