// The in-memory hash shuffle: repartitions a dataframe into `n` partitions by a hash of key
// columns, so that equal keys meet in one partition (groupby with many groups, merge of two large
// sides, dropDuplicates). Every input partition is split into `n` pieces once (a task holding a
// list of tables), a small task per (input, output) pair picks one piece (so only that piece
// travels to the output's worker), and output j concatenates its pieces in input order. All of it
// is one layer; the data is held in memory (bounded-memory shuffles through disk are not done).
import { tokenize } from '@dask-ts/graph';
import type { LayerNodes } from '@dask-ts/graph';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import { NamedLayer, partKey, partRef } from './layers.js';

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
  const name = `shuffle-${tokenize(input.name, keys, n)}`;
  const split = `${name}-split`;
  const piece = `${name}-piece`;
  const names = frame.columns;
  const types = frame.schema.map(([, t]) => t);
  const layer = new NamedLayer(
    name,
    [input],
    function* (): LayerNodes {
      for (let i = 0; i < m; i++) {
        yield [partKey(split, i), kernels.task('hashSplit', [partRef(input, i), keys, n])];
        for (let j = 0; j < n; j++)
          yield [
            partKey(piece, i * n + j),
            kernels.task('piece', [{ $ref: partKey(split, i) }, j]),
          ];
      }
      for (let j = 0; j < n; j++) {
        const refs = Array.from({ length: m }, (_, i) => ({ $ref: partKey(piece, i * n + j) }));
        yield [partKey(name, j), kernels.task('concatPieces', [names, types, ...refs])];
      }
    },
    `hash shuffle on ${keys.join(', ')}: ${m} -> ${n} partitions`,
  );
  return frame.derive(layer, n, frame.schema);
}
