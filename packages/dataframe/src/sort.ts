// Ordering operations. `sortValues` samples each partition's sorted keys, picks boundaries at the
// samples' quantiles (one small task), cuts every partition into ranges between the boundaries,
// and sorts each range's rows locally: partition j then holds the j-th range, so the partitions in
// order are the sorted frame (a stable sort). `nlargest` / `nsmallest` are a tree reduction of
// per-partition top-n; `dropDuplicates` a hash shuffle on the subset and a local pass keeping the
// first (or last) occurrence; `repartition` combines neighbouring partitions or cuts each into
// near-equal pieces. The head of a sorted frame is a top-n of its input (`sortedHead`): the first
// rows of the whole order, without the exchange (as dask-expr lowers sort_values().head()).
import { treeNodes, tokenize, type LayerNodes } from '@dask-ts/graph';
import { typeOf } from './dtypes.js';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';
import type { Order } from './kernels-sort.js';
import { NamedLayer, partKey, partRef } from './layers.js';
import { hashPartition } from './shuffle.js';
import { blockwise } from './blockwise.js';
import { exchangeLayer, exchangeOutputs } from './shuffle-disk.js';

/**
 * Options of `sortValues`.
 *
 * @example
 * const o: SortOptions = { ascending: [true, false], naPosition: 'first' };
 */
export interface SortOptions {
  /** Ascending (default) or not, for all columns or per column. */
  readonly ascending?: boolean | readonly boolean[];
  /** Where nulls (and NaN) go, whatever the direction: 'last' (default) or 'first'. */
  readonly naPosition?: 'first' | 'last';
}

/**
 * Options of `dropDuplicates`.
 *
 * @example
 * const o: DropDuplicatesOptions = { subset: ['k'], keep: 'last' };
 */
export interface DropDuplicatesOptions {
  /** The columns that make rows equal (default: all). */
  readonly subset?: readonly string[];
  /** Which of equal rows to keep: 'first' (default) or 'last'. */
  readonly keep?: 'first' | 'last';
}

/**
 * What `dropDuplicates` takes first: its options, or the subset itself.
 *
 * @example
 * const s: DropDuplicatesSubset = ['k'];
 */
export type DropDuplicatesSubset = DropDuplicatesOptions | string | readonly string[];

/**
 * `dropDuplicates`' options after a subset given first.
 *
 * @example
 * const k: DropDuplicatesKeep = { keep: 'last' };
 */
export type DropDuplicatesKeep = Pick<DropDuplicatesOptions, 'keep'>;

function isList(v: unknown): v is readonly string[] {
  return Array.isArray(v);
}

function orderOf(
  frame: DataFrame,
  by: string | readonly string[],
  options: SortOptions,
  where: string,
): Order {
  const cols = typeof by === 'string' ? [by] : [...by];
  if (cols.length === 0) throw new Error(`${where} needs at least one column`);
  for (const c of cols) typeOf(frame.schema, c, where);
  const asc = options.ascending ?? true;
  const ascending = typeof asc === 'boolean' ? cols.map(() => asc) : [...asc];
  if (ascending.length !== cols.length)
    throw new Error(
      `${where}: ascending has ${ascending.length} values for ${cols.length} columns`,
    );
  const na = options.naPosition ?? 'last';
  if (na !== 'first' && na !== 'last')
    throw new Error(`${where}: naPosition must be 'first' or 'last', got '${String(na)}'`);
  return { by: cols, ascending, naLast: na === 'last' };
}

/** `df.sortValues(by, options)`. @internal */
export function sortValues(
  frame: DataFrame,
  by: string | readonly string[],
  options: SortOptions,
): DataFrame {
  const o = orderOf(frame, by, options, 'DataFrame.sortValues');
  const n = frame.npartitions;
  const text = `sortValues(${o.by.join(', ')})`;
  if (n === 1)
    return blockwise(
      'sort',
      [frame],
      1,
      frame.schema,
      o,
      ([ref]) => kernels.task('sortLocal', [ref, o]),
      text,
    );
  const input = frame.layer;
  const out = exchangeOutputs(n);
  const name = `sort-${tokenize(input.name, o)}`;
  const k = Math.max(100, 20 * n);
  const names = frame.columns;
  const types = frame.schema.map(([, t]) => t);
  const sample = `${name}-sample`;
  const bounds = partKey(`${name}-bounds`, 0);
  const layer = exchangeLayer({
    name,
    input,
    m: n,
    n: out,
    prelude: function* (): LayerNodes {
      for (let i = 0; i < n; i++)
        yield [partKey(sample, i), kernels.task('sortSample', [partRef(input, i), o, k])];
      yield [
        bounds,
        kernels.task('sortBounds', [
          o,
          out,
          ...Array.from({ length: n }, (_, i) => ({ $ref: partKey(sample, i) })),
        ]),
      ];
    },
    split: (ref) => kernels.task('rangeSplit', [ref, o, { $ref: bounds }, out]),
    sort: o,
    names,
    types,
    text: `${text}: sampled boundaries, range split, local sorts`,
  });
  const sorted = frame.derive(layer, out, frame.schema);
  sortedFrom.set(sorted, { input: frame, order: o });
  return sorted;
}

/** The first `count` rows of `input` in `order`: a tree of per-partition top-n (stable). */
function topLayer(
  prefix: string,
  input: DataFrame,
  count: number,
  order: Order,
  text: string,
): NamedLayer {
  const name = `${prefix}-${tokenize(input.layer.name, count, order)}`;
  return new NamedLayer(
    name,
    [input.layer],
    () =>
      treeNodes({
        name,
        npartitions: input.npartitions,
        leaf: (i) => kernels.task('topN', [count, order, partRef(input.layer, i)]),
        combine: (refs) => kernels.task('topN', [count, order, ...refs]),
        splitEvery: 8,
        outKey: [name, 0],
      }),
    text,
  );
}

/** The input and order of the frames sortValues made over several partitions. */
const sortedFrom = new WeakMap<DataFrame, { readonly input: DataFrame; readonly order: Order }>();

/**
 * The first `count` rows of `frame` when sortValues made it from several partitions: a tree of
 * per-partition top-n of its input (stable, so equal keys keep the order the exchange gives
 * them); undefined for any other frame. @internal
 */
export function sortedHead(frame: DataFrame, count: number): DataFrame | undefined {
  const s = sortedFrom.get(frame);
  if (s === undefined) return undefined;
  const { input, order } = s;
  const layer = topLayer(
    'sorted-head',
    input,
    count,
    order,
    `head(${count}) of sortValues(${order.by.join(', ')}): top ${count} of each partition (tree reduction, no exchange)`,
  );
  return input.derive(layer, 1, frame.schema);
}

/** `df.nlargest` / `df.nsmallest`. @internal */
export function nlargest(
  frame: DataFrame,
  count: number,
  columns: string | readonly string[],
  smallest: boolean,
): DataFrame {
  const where = smallest ? 'DataFrame.nsmallest' : 'DataFrame.nlargest';
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`${where}: n must be a non-negative integer`);
  const o = orderOf(frame, columns, { ascending: smallest }, where);
  const input = frame.dropna({ subset: o.by });
  const what = smallest ? 'nsmallest' : 'nlargest';
  const layer = topLayer(
    what,
    input,
    count,
    o,
    `${what}(${count}, ${o.by.join(', ')}) (tree reduction)`,
  );
  return frame.derive(layer, 1, frame.schema);
}

/** `df.dropDuplicates(options)`. @internal */
export function dropDuplicates(
  frame: DataFrame,
  subsetOrOptions: DropDuplicatesSubset,
  more: DropDuplicatesKeep = {},
): DataFrame {
  // The subset may come first, as pandas' drop_duplicates(['k']).
  const options: DropDuplicatesOptions =
    typeof subsetOrOptions === 'string'
      ? { ...more, subset: [subsetOrOptions] }
      : isList(subsetOrOptions)
        ? { ...more, subset: subsetOrOptions }
        : subsetOrOptions;
  const subset = options.subset ?? frame.columns;
  for (const c of subset) typeOf(frame.schema, c, 'DataFrame.dropDuplicates');
  const keep = options.keep ?? 'first';
  if (keep !== 'first' && keep !== 'last')
    throw new Error(
      `DataFrame.dropDuplicates: keep must be 'first' or 'last', got '${String(keep)}'`,
    );
  const input =
    frame.npartitions === 1
      ? frame
      : hashPartition(frame, subset, exchangeOutputs(frame.npartitions));
  return blockwise(
    'drop-duplicates',
    [input],
    input.npartitions,
    frame.schema,
    [subset, keep],
    ([ref]) => kernels.task('dedupe', [ref, subset, keep === 'last']),
    `dropDuplicates(${subset.join(', ')}, keep=${keep})`,
  );
}

/** `df.repartition({ npartitions })`. @internal */
export function repartition(frame: DataFrame, k: number): DataFrame {
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(
      `DataFrame.repartition: npartitions must be a positive integer, got ${String(k)}`,
    );
  const m = frame.npartitions;
  if (k === m) return frame;
  const input = frame.layer;
  const name = `repartition-${tokenize(input.name, k)}`;
  const names = frame.columns;
  const types = frame.schema.map(([, t]) => t);
  const layer = new NamedLayer(
    name,
    [input],
    function* (): LayerNodes {
      if (k < m) {
        for (let j = 0; j < k; j++) {
          const lo = Math.floor((j * m) / k);
          const hi = Math.floor(((j + 1) * m) / k);
          const refs = Array.from({ length: hi - lo }, (_, i) => partRef(input, lo + i));
          yield [partKey(name, j), kernels.task('concatPieces', [names, types, ...refs])];
        }
        return;
      }
      let out = 0;
      for (let i = 0; i < m; i++) {
        const s = Math.floor(((i + 1) * k) / m) - Math.floor((i * k) / m);
        const split = partKey(`${name}-split`, i);
        yield [split, kernels.task('splitEven', [partRef(input, i), s])];
        for (let j = 0; j < s; j++)
          yield [partKey(name, out++), kernels.task('piece', [{ $ref: split }, j])];
      }
    },
    `repartition ${m} -> ${k}`,
  );
  return frame.derive(layer, k, frame.schema);
}
