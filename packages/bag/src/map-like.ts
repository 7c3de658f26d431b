// map, starmap and mapPartitions. Without bag arguments, map and starmap are element-wise pipeline
// stages (they fuse with their neighbours, fusion.ts) and mapPartitions is a sink that reads the
// stream of its input but makes a whole partition. With bag arguments (zipped element by element)
// one unfused task per partition reads the matching partition of every bag; starmap refuses them.
import { keyToString, task } from '@dask-ts/protocol';
import { tokenize } from '@dask-ts/graph';
import { sinkLayer } from './pipeline.js';
import { fnArg, keyPrefix } from './fn-arg.js';
import { kernel } from './kernels.js';
import { prepareArgs } from './args.js';
import type { Bag } from './bag.js';
import type { MapOptions } from './bag-types.js';

/**
 * The bag `op(fn)` of `b`, with `options.args` as extra arguments.
 *
 * @example
 * mapLike(b, 'map', (x: number) => x + 1, {});
 */
export function mapLike<T, R>(
  b: Bag<T>,
  op: 'map' | 'starmap' | 'mapPartitions',
  fn: unknown,
  options: MapOptions,
): Bag<R> {
  const f = fnArg(fn, options, op);
  const n = b.npartitions;
  const extra = prepareArgs(op, options.args ?? [], n);
  const token = [op, f.token, extra.token];
  // Keys are named after the function where it has a name (`inc-<token>`), as Dask names them.
  const prefix = keyPrefix(fn, options) ?? op;
  if (extra.kinds.includes('b')) {
    if (op === 'starmap')
      throw new Error(
        `${op}: bag arguments are not supported; zip the bags first and map over tuples`,
      );
    // Bags zipped element by element: one task reads all their partitions (not fused).
    const kinds = `b${extra.kinds}`;
    return b.partitionwise<R>(
      prefix,
      token,
      (i) => {
        const self = { $ref: keyToString([b.name, i]) };
        return task(
          kernel(op),
          op === 'map' ? [f.arg, kinds, self, ...extra.vals(i)] : [f.arg, self, ...extra.vals(i)],
        );
      },
      extra.layers,
    );
  }
  if (op !== 'mapPartitions')
    return b.stage<R>(prefix, token, [op, f.arg, extra.vals(0)], extra.layers);
  // mapPartitions reads the stream of its input (fused) but makes a whole partition.
  const name = `${prefix}-${tokenize(b.name, ...token)}`;
  return b.derive<R>(
    name,
    n,
    sinkLayer(name, n, b.layer, ['mapPartitions', f.arg, extra.vals(0)], extra.layers),
  );
}
