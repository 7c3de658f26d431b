// The aggregations of a bag, as tree reductions (tree.ts): the per-partition step is a pipeline
// sink (kernels-sinks.ts) that reads the stream of its input, so it fuses with the element-wise
// stages before it (fusion.ts); the combine steps are the kernels of kernels-aggregate.ts. Single
// values come back as Items; grouped results (foldby, frequencies, distinct, topk) as
// one-partition bags; groupby shuffles into a bounded number of partitions:
// every input partition splits its `[key, element]` pairs into buckets by key hash, and output
// partition j concatenates bucket j of every input, in input order.
import { keyToString, task, type Ref } from '@dask-ts/protocol';
import { tokenize } from '@dask-ts/graph';
import { Layer } from '@dask-ts/graph';
import { fusionLayer } from './fusion.js';
import { pipeTask } from './pipeline.js';
import { kernel, type KernelName } from './kernels.js';
import { fnArg, keyArg, keyPrefix, type FnArg, type FnOptions, type UserFn } from './fn-arg.js';
import type { SinkSpec } from './specs.js';
import { combineWith, treeNodes } from '@dask-ts/graph';
import { Item } from './item.js';
import type { Bag } from './bag.js';

/**
 * Options of tree reductions.
 *
 * @example
 * b.sum({ splitEvery: 4 });
 */
export interface TreeOptions {
  /** The most partial results one combine task merges (default 8). */
  readonly splitEvery?: number;
  /** Outer values the functions read, passed by name (see `map`). */
  readonly scope?: FnOptions['scope'];
}

/**
 * Options of `reduction`.
 *
 * @example
 * b.reduction(countPart, addAll, { name: 'total', splitEvery: 4 });
 */
export interface ReductionOptions extends TreeOptions {
  /** The name of the result's key (default: the aggregate function's name, else 'reduction'). */
  readonly name?: string;
  /** 'bag': return a one-partition bag of the (iterable) result instead of an Item. */
  readonly outType?: 'item' | 'bag';
}

/**
 * Options of `fold`.
 *
 * @example
 * b.fold((a, x) => a + x, { initial: 0 });
 */
export interface FoldOptions<A> extends TreeOptions {
  /** 'bag': return a one-partition bag of the (iterable) result instead of an Item. */
  readonly outType?: 'item' | 'bag';
  /** Merges two partition results (default: `binop`). */
  readonly combine?: UserFn<(a: A, b: A) => A>;
  /** The start of every partition's fold (the combine merges partition results alone, as Dask). */
  readonly initial?: A;
}

/**
 * Options of `foldby`.
 *
 * @example
 * b.foldby('k', (a, x) => a + x.v, { initial: 0, combine: (a, b) => a + b });
 */
export interface FoldbyOptions<A> extends TreeOptions {
  /** The start of each key's fold within a partition. */
  readonly initial?: A;
  /** Merges two accumulators of one key (default: `binop`). */
  readonly combine?: UserFn<(a: A, b: A) => A>;
  /** The start of each key's combine. */
  readonly combineInitial?: A;
}

/**
 * Options of `groupby`.
 *
 * @example
 * b.groupby('k', { npartitions: 8 });
 */
export interface GroupbyOptions extends FnOptions {
  /** Output partitions (default: the input's count, at most 100). */
  readonly npartitions?: number;
  /**
   * The most pieces one shuffle task splits into or gathers from (default 32, as Dask). A bag of
   * more partitions than this shuffles in several stages, so the task count grows as n log n.
   */
  readonly maxBranch?: number;
}

/** What the aggregations need of a bag (structural, so any element type fits). */
export interface Src {
  readonly name: string;
  readonly npartitions: number;
  readonly layer: Layer;
  derive<R>(name: string, npartitions: number, layer: Layer): Bag<R>;
}

const DEFAULT_SPLIT_EVERY = 8;
const MAX_GROUPBY_PARTITIONS = 100;

interface Tree {
  /** The per-partition step, as a pipeline sink (specs.ts, kernels-sinks.ts). */
  readonly sink: SinkSpec;
  readonly combine: (refs: Ref[]) => ReturnType<typeof task>;
  readonly finish?: (root: Ref) => ReturnType<typeof task>;
}

function treeLayer(
  b: Src,
  name: string,
  outKey: string | [string, number],
  t: Tree,
  options: TreeOptions,
): Layer {
  const splitEvery = options.splitEvery ?? DEFAULT_SPLIT_EVERY;
  if (!Number.isInteger(splitEvery) || splitEvery < 2) {
    throw new RangeError(
      `${name.replace(/-[0-9a-f]+$/, '')}: splitEvery must be an integer of at least 2, got ${String(splitEvery)}`,
    );
  }
  const n = b.npartitions;
  return fusionLayer(name, [b.layer], {
    input: b.layer,
    make: (stream) =>
      treeNodes({
        name,
        npartitions: n,
        leaf: (i) => pipeTask(t.sink, stream(i)),
        combine: t.combine,
        splitEvery,
        outKey,
        ...(t.finish ? { finish: t.finish } : {}),
      }),
  });
}

/** Options that are not an object (Dask's positional `initial`, `combine`): an error, not ignored. */
function checkOptions(op: string, options: unknown): void {
  if (options !== null && typeof options === 'object') return;
  throw new TypeError(
    `${op}: options must be an object such as { initial: 0, combine }, got ${typeof options} ${String(options)}; what Dask takes by position after the function is an option here`,
  );
}

function toItem<R>(b: Src, op: string, token: unknown[], t: Tree, options: TreeOptions): Item<R> {
  checkOptions(op, options);
  const name = `${op}-${tokenize(b.name, options.splitEvery ?? DEFAULT_SPLIT_EVERY, ...token)}`;
  return new Item<R>(name, treeLayer(b, name, name, t, options));
}

function toBag<R>(b: Src, op: string, token: unknown[], t: Tree, options: TreeOptions): Bag<R> {
  checkOptions(op, options);
  const name = `${op}-${tokenize(b.name, options.splitEvery ?? DEFAULT_SPLIT_EVERY, ...token)}`;
  return b.derive<R>(name, 1, treeLayer(b, name, [name, 0], t, options));
}

/**
 * An Item's value as a one-partition bag (`outType: 'bag'`): the value must be iterable.
 *
 * @example
 * itemAsBag(b, b.fold(union, { initial: new Set() }));
 */
export function itemAsBag<R>(b: Src, item: Item<Iterable<R>>): Bag<R> {
  const name = `${item.key}-bag`;
  const layer = new Layer(name, [item.layer], () => [
    [keyToString([name, 0]), task(kernel('toArray'), [{ $ref: item.key }])] as const,
  ]);
  return b.derive<R>(name, 1, layer);
}

function checkOutType(v: unknown, op: string): boolean {
  if (v === undefined || v === 'item') return false;
  if (v === 'bag') return true;
  throw new RangeError(`${op}: outType must be 'item' or 'bag', got ${JSON.stringify(v)}`);
}

/** `Bag.reduction`. @example reduction(b, (p) => p.length, (xs) => xs.length, {}) */
export function reduction<R>(
  b: Src,
  perpartition: unknown,
  aggregate: unknown,
  options: ReductionOptions,
): Item<R> | Bag<unknown> {
  const { name, outType, ...fnOptions } = options;
  const asBag = checkOutType(outType, 'reduction');
  if (name !== undefined && (typeof name !== 'string' || !/^[A-Za-z0-9_$.-]+$/.test(name))) {
    throw new TypeError(
      `reduction: name must be a non-empty string of letters, digits, '_', '$', '.' or '-', got ${JSON.stringify(name)}`,
    );
  }
  const p = fnArg(perpartition, fnOptions, 'reduction');
  const a = fnArg(aggregate, fnOptions, 'reduction');
  const item = toItem<R>(
    b,
    name ?? keyPrefix(aggregate) ?? 'reduction',
    ['reduction', p.token, a.token],
    {
      sink: ['apply', p.arg],
      combine: combineWith(kernel('applyToList'), a.arg),
    },
    options,
  );
  return asBag ? itemAsBag(b, item as Item<Iterable<unknown>>) : item;
}

/** `Bag.fold`. @example fold(b, add, { initial: 0 }) */
export function fold<A>(b: Src, binop: unknown, options: FoldOptions<A>): Item<A> | Bag<unknown> {
  const asBag = checkOutType(options.outType, 'fold');
  const f = fnArg(binop, options, 'fold');
  const c = options.combine !== undefined ? fnArg(options.combine, options, 'fold') : f;
  const hasInit = 'initial' in options && options.initial !== undefined;
  const init = { $literal: options.initial };
  const item = toItem<A>(
    b,
    'fold',
    [f.token, c.token, hasInit, options.initial],
    {
      sink: ['fold', f.arg, hasInit, init],
      // As Dask: `initial` starts each partition's fold, and the combine merges the partition
      // results alone (so `initial` counts once per partition, never again).
      combine: combineWith(kernel('foldCombine'), c.arg, false, null),
      finish: (root) => task(kernel('unwrap'), [root, 'fold']),
    },
    options,
  );
  return asBag ? itemAsBag(b, item as Item<Iterable<unknown>>) : item;
}

/** `Bag.foldby`. @example foldby(b, 'k', add, { initial: 0 }) */
export function foldby<K, A>(
  b: Src,
  key: unknown,
  binop: unknown,
  options: FoldbyOptions<A>,
): Bag<[K, A]> {
  const k = keyArg(key, options, 'foldby');
  const f = fnArg(binop, options, 'foldby');
  const c = options.combine !== undefined ? fnArg(options.combine, options, 'foldby') : f;
  const hasInit = options.initial !== undefined;
  const hasCInit = options.combineInitial !== undefined;
  return toBag<[K, A]>(
    b,
    'foldby',
    [k.token, f.token, c.token, hasInit, options.initial, hasCInit, options.combineInitial],
    {
      sink: ['foldby', k.arg, f.arg, hasInit, { $literal: options.initial }],
      combine: combineWith(kernel('foldbyCombine'), c.arg, hasCInit, {
        $literal: options.combineInitial,
      }),
      finish: (root) => task(kernel('entries'), [root, false]),
    },
    options,
  );
}

/** `Bag.frequencies`. @example frequencies(words, { sort: true }) */
export function frequencies<T>(
  b: Src,
  options: TreeOptions & { readonly sort?: boolean },
): Bag<[T, number]> {
  const sort = options.sort === true;
  return toBag<[T, number]>(
    b,
    'frequencies',
    [sort],
    {
      sink: ['frequencies'],
      combine: combineWith(kernel('countCombine')),
      finish: (root) => task(kernel('entries'), [root, sort]),
    },
    options,
  );
}

/** A key function, or `null` (the identity) when none is given. */
function optionalKey(
  key: unknown,
  options: TreeOptions,
  op: string,
): { readonly arg: FnArg['arg'] | null; readonly token: string } {
  return key === undefined || key === null
    ? { arg: null, token: 'identity' }
    : keyArg(key, options, op);
}

/** `Bag.distinct`. @example distinct(b, undefined, {}) */
export function distinct<T>(b: Src, key: unknown, options: TreeOptions): Bag<T> {
  const k = optionalKey(key, options, 'distinct');
  return toBag<T>(
    b,
    'distinct',
    [k.token],
    {
      sink: ['distinct', k.arg],
      combine: combineWith(kernel('distinctCombine')),
      finish: (root) => task(kernel('distinctValues'), [root]),
    },
    options,
  );
}

/** `Bag.topk`. @example topk(b, 3, undefined, {}) */
export function topk<T>(b: Src, k: number, key: unknown, options: TreeOptions): Bag<T> {
  if (!Number.isInteger(k) || k < 0)
    throw new RangeError(`topk: k must be a non-negative integer, got ${String(k)}`);
  const kf = optionalKey(key, options, 'topk');
  return toBag<T>(
    b,
    'topk',
    [k, kf.token],
    {
      sink: ['topk', k, kf.arg],
      combine: combineWith(kernel('topk'), k, kf.arg),
    },
    options,
  );
}

/** The per-partition sink, and the kernel that combines partial results (with the sink's parameters). */
const SIMPLE: Record<
  'count' | 'sum' | 'min' | 'max' | 'all' | 'any',
  { sink: SinkSpec; all: KernelName; unwrap?: boolean }
> = {
  count: { sink: ['count'], all: 'sumAll' },
  sum: { sink: ['sum'], all: 'sumAll' },
  min: { sink: ['extreme', false], all: 'extremeAll', unwrap: true },
  max: { sink: ['extreme', true], all: 'extremeAll', unwrap: true },
  all: { sink: ['truthy', true], all: 'truthyAll' },
  any: { sink: ['truthy', false], all: 'truthyAll' },
};

/** count, sum, min, max, all, any. @example simple(b, 'sum', {}) */
export function simple<R>(b: Src, op: keyof typeof SIMPLE, options: TreeOptions): Item<R> {
  const s = SIMPLE[op];
  return toItem<R>(
    b,
    op,
    [],
    {
      sink: s.sink,
      combine: combineWith(kernel(s.all), ...s.sink.slice(1)),
      ...(s.unwrap ? { finish: (root: Ref) => task(kernel('unwrap'), [root, op]) } : {}),
    },
    options,
  );
}

/** mean, var, std. @example moments(b, 'var', 1, {}) */
export function moments(
  b: Src,
  stat: 'mean' | 'var' | 'std',
  ddof: number,
  options: TreeOptions,
): Item<number> {
  return toItem<number>(
    b,
    stat,
    [ddof],
    {
      sink: ['moments'],
      combine: combineWith(kernel('momentsAll')),
      finish: (root) => task(kernel('fromMoments'), [root, stat, ddof]),
    },
    options,
  );
}

const DEFAULT_MAX_BRANCH = 32;

/**
 * `Bag.groupby`: a hash shuffle. Up to `maxBranch` input partitions, one stage: every input splits
 * into the output partitions' buckets and output j gathers bucket j of every input. Beyond that,
 * Dask's multi-stage task shuffle: each element's output partition t is written in base k with S
 * digits (k^S >= outputs, k <= maxBranch); stage s splits every slot by digit s of t into k pieces
 * and each new slot gathers the k pieces that differ from it only in digit s, so after S stages
 * slot t holds exactly the elements of output t, with about S * slots * k tasks in all.
 *
 * @example
 * groupby(b, 'k', { npartitions: 4 });
 */
export function groupby<T, K>(b: Src, key: unknown, options: GroupbyOptions): Bag<[K, T[]]> {
  const p = options.npartitions ?? Math.min(b.npartitions, MAX_GROUPBY_PARTITIONS);
  if (!Number.isInteger(p) || p < 1)
    throw new RangeError(`groupby: npartitions must be a positive integer, got ${String(p)}`);
  const maxBranch = options.maxBranch ?? DEFAULT_MAX_BRANCH;
  if (!Number.isInteger(maxBranch) || maxBranch < 2) {
    throw new RangeError(
      `groupby: maxBranch must be an integer of at least 2, got ${String(maxBranch)}`,
    );
  }
  const k = keyArg(key, options, 'groupby');
  if (b.npartitions > maxBranch && p > 1) return multiStageGroupby(b, k, p, maxBranch);
  const token = tokenize(b.name, k.token, p);
  const split = `groupby-split-${token}`;
  const bucket = `groupby-bucket-${token}`;
  const name = `groupby-${token}`;
  const n = b.npartitions;
  const layer = fusionLayer(name, [b.layer], {
    input: b.layer,
    *make(stream) {
      for (let i = 0; i < n; i++)
        yield [keyToString([split, i]), pipeTask(['hashSplit', k.arg, p], stream(i))] as const;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < p; j++) {
          yield [
            keyToString([bucket, i, j]),
            task(kernel('getIndex'), [{ $ref: keyToString([split, i]) }, j]),
          ] as const;
        }
      }
      for (let j = 0; j < p; j++) {
        const refs: Ref[] = [];
        for (let i = 0; i < n; i++) refs.push({ $ref: keyToString([bucket, i, j]) });
        yield [keyToString([name, j]), task(kernel('groupCollect'), refs)] as const;
      }
    },
  });
  return b.derive<[K, T[]]>(name, p, layer);
}

function multiStageGroupby<T, K>(b: Src, k: FnArg, p: number, maxBranch: number): Bag<[K, T[]]> {
  const stages = Math.max(1, Math.ceil(Math.log(p) / Math.log(maxBranch) - 1e-9));
  let base = Math.max(2, Math.ceil(p ** (1 / stages) - 1e-9));
  while (base ** stages < p) base++;
  const slots = base ** stages;
  const n = b.npartitions;
  const token = tokenize(b.name, k.token, p, maxBranch);
  const name = `groupby-${token}`;
  const splitName = (s: number): string => `groupby-split-${s}-${token}`;
  const pieceName = (s: number): string => `groupby-piece-${s}-${token}`;
  const slotName = (s: number): string => `groupby-slot-${s}-${token}`;
  const layer = fusionLayer(name, [b.layer], {
    input: b.layer,
    *make(stream) {
      // Stage 0 splits the input partitions themselves (fused with the steps before them); input
      // i belongs to slot i mod slots.
      for (let i = 0; i < n; i++) {
        yield [
          keyToString([splitName(0), i]),
          pipeTask(['shuffleSplit', k.arg, p, base], stream(i)),
        ] as const;
      }
      let sources: number[][] = Array.from({ length: slots }, () => []);
      for (let i = 0; i < n; i++) sources[i % slots].push(i);
      for (let s = 0; s < stages; s++) {
        const weight = base ** s;
        const last = s === stages - 1;
        // The pieces of every split of this stage.
        const splits = s === 0 ? n : slots;
        for (let x = 0; x < splits; x++) {
          for (let d = 0; d < base; d++) {
            yield [
              keyToString([pieceName(s), x, d]),
              task(kernel('getIndex'), [{ $ref: keyToString([splitName(s), x]) }, d]),
            ] as const;
          }
        }
        // New slot y gathers piece (digit s of y) from the slots differing from y in digit s.
        for (let y = 0; y < (last ? p : slots); y++) {
          const dy = Math.floor(y / weight) % base;
          const refs: Ref[] = [];
          for (let d = 0; d < base; d++) {
            const x = y + (d - dy) * weight;
            const from = s === 0 ? sources[x] : [x];
            for (const i of from) refs.push({ $ref: keyToString([pieceName(s), i, dy]) });
          }
          if (last) {
            yield [keyToString([name, y]), task(kernel('groupCollect'), refs)] as const;
          } else {
            yield [keyToString([slotName(s), y]), task(kernel('concat'), refs)] as const;
            yield [
              keyToString([splitName(s + 1), y]),
              task(kernel('digitSplit'), [{ $ref: keyToString([slotName(s), y]) }, base, s + 1]),
            ] as const;
          }
        }
        sources = [];
      }
    },
  });
  return b.derive<[K, T[]]>(name, p, layer);
}

/**
 * Concatenates computed partitions into one array.
 *
 * @example
 * concatParts([[1], [2, 3]]); // [1, 2, 3]
 */
export function concatParts<T>(parts: readonly T[][]): T[] {
  if (parts.length === 1) return parts[0];
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Array<T>(total);
  let k = 0;
  for (const p of parts) for (let i = 0; i < p.length; i++) out[k++] = p[i]!;
  return out;
}
