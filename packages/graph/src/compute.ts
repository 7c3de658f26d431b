// compute and persist: gather the graphs of every collection among the arguments into one graph
// (Delayed values add their nodes into a shared map, so shared ancestors are walked once; a
// Delayed computed alone hands over its own graph, prepared once and kept for reuse; layered
// collections are optimized by their type's optimizer, once per type, then lowered), cull it
// to the requested keys and fuse linear chains unless `optimize: false` (pipeline.ts: each step
// only when it can change something), hand it to a scheduler from the protocol's registry, and
// finalize each collection. The scheduler validates (missing keys, cycles: a GraphError naming
// the culprits), so compute does not validate again. Collections inside arrays, plain objects,
// Sets and Maps are found and replaced by their results (unpack.ts; `traverse: false` looks at
// the top level only); other values pass through unchanged, like `dask.compute`.
import {
  daskFinalize,
  daskKeys,
  daskRebuild,
  flattenKeys,
  getScheduler,
  isCollection,
  isPlainObject,
  type Collection,
  type ComputeOptions,
  type GraphNode,
  type Scheduler,
} from '@dask-ts/protocol';
import {
  addCollectionInto,
  addsAncestorsOnly,
  ownGraph,
  ownSelf,
  type OwnGraph,
} from './graph-into.js';
import { lowerLayers } from './kit-layer-graph.js';
import { optimizeCollections } from './kit-optimize.js';
import { prepareGraph } from './pipeline.js';
import { unpack } from './unpack.js';

/**
 * Options of {@link compute} and {@link persist}: the scheduler's options plus which scheduler
 * (a registered name or an instance; default: the registry's default) and whether to optimize.
 *
 * @example
 * await compute(x, { scheduler: 'threads', optimize: false, onProgress: (p) => console.log(p.done) });
 */
export interface GraphComputeOptions extends ComputeOptions {
  readonly scheduler?: string | Scheduler;
  /**
   * Run each collection type's optimizer (`[daskOptimize]`) and fuse linear chains before
   * scheduling (default true).
   */
  readonly optimize?: boolean;
  /**
   * Find collections inside arrays, plain objects, Sets and Maps among the arguments (default
   * true); with false, only arguments that are themselves collections are computed.
   */
  readonly traverse?: boolean;
}

/**
 * The results of {@link compute}: each collection replaced by its computed value, inside arrays,
 * plain objects, Sets and Maps too.
 *
 * @example
 * type R = Computed<[Delayed<number>, { a: Delayed<string>[] }, string]>; // [number, { a: string[] }, string]
 */
export type Computed<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: ComputedValue<T[K]>;
};

/**
 * One value of {@link Computed}.
 *
 * @example
 * type R = ComputedValue<Set<Delayed<number>>>; // Set<number>
 */
export type ComputedValue<T> =
  T extends Collection<infer R>
    ? R
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: ComputedValue<T[K]> }
      : T extends ReadonlySet<infer U>
        ? Set<ComputedValue<U>>
        : T extends ReadonlyMap<infer K, infer V>
          ? Map<K, ComputedValue<V>>
          : T extends (...args: never[]) => unknown
            ? T
            : T extends object
              ? { -readonly [K in keyof T]: ComputedValue<T[K]> }
              : T;

const OPTION_KEYS = new Set([
  'scheduler',
  'optimize',
  'traverse',
  'signal',
  'onProgress',
  'retries',
  'progress',
]);

function splitOptions(args: readonly unknown[]): [unknown[], GraphComputeOptions] {
  const last = args[args.length - 1];
  if (args.length > 0 && isOptions(last)) return [args.slice(0, -1), last];
  return [args.slice(), {}];
}

/** The graph that computes `values` (see {@link collectGraph}). */
export interface CollectedGraph {
  /** Each value's flattened keys (undefined: not a collection). */
  readonly keys: (string[] | undefined)[];
  /** Every wanted key, once. */
  readonly wanted: string[];
  /** The graph, culled (and optimized, when asked) to the wanted keys. */
  readonly graph: ReadonlyMap<string, GraphNode>;
}

/**
 * @internal The one graph that computes `values` (collections among them; others are skipped),
 * as `compute` builds it: each collection type optimized (when `optimize`), lowered, merged,
 * culled and fused.
 */
export function collectGraph(values: readonly unknown[], optimize: boolean): CollectedGraph {
  const graph = new Map<string, GraphNode>();
  const seen = new Set<unknown>();
  const keys: (string[] | undefined)[] = [];
  const wanted = new Set<string>();
  // Whether the graph holds only ancestors of the wanted keys (then culling changes nothing).
  let closed = true;
  // The one collection computed, when it hands over its own (kept) graph.
  const collections = values.filter(isCollection);
  const own =
    collections.length === 1 &&
    typeof (collections[0] as Partial<OwnGraph>)[ownGraph] === 'function'
      ? (collections[0] as unknown as OwnGraph)
      : undefined;
  const layered = own === undefined ? optimizeCollections(collections, optimize) : undefined;
  for (const v of values) {
    if (!isCollection(v)) {
      keys.push(undefined);
      continue;
    }
    if ((v as { [addsAncestorsOnly]?: unknown })[addsAncestorsOnly] !== true) closed = false;
    const roots = layered?.get(v);
    if (roots !== undefined) lowerLayers(roots, graph, seen);
    else if (own === undefined) addCollectionInto(v, graph, seen);
    const flat = flattenKeys(v[daskKeys]());
    keys.push(flat);
    for (const k of flat) wanted.add(k);
  }
  const all = [...wanted];
  if (all.length === 0) return { keys, wanted: all, graph };
  const g =
    own !== undefined
      ? own[ownGraph](optimize)
      : prepareGraph(graph, all, closed && seen.size === 0, optimize);
  return { keys, wanted: all, graph: g };
}

async function run(
  values: readonly unknown[],
  options: GraphComputeOptions,
): Promise<{ keys: (string[] | undefined)[]; byKey: Map<string, unknown> }> {
  const { keys, wanted: all, graph: g } = collectGraph(values, options.optimize !== false);
  const byKey = new Map<string, unknown>();
  if (all.length === 0) return { keys, byKey };
  const scheduler = getScheduler(options.scheduler);
  const results = await scheduler.get(g, all, schedulerOptions(options));
  for (let i = 0; i < all.length; i++) byKey.set(all[i], results[i]);
  return { keys, byKey };
}

/**
 * Computes any number of collections (Delayed values, arrays, bags...) together, sharing their
 * common tasks; other values pass through. The last argument may be {@link GraphComputeOptions}.
 *
 * @example
 * const inc = delayed((x: number) => x + 1);
 * const [a, b, c] = await compute(inc(1), inc(2), 'plain'); // [2, 3, 'plain']
 * const [both, named] = await compute([inc(1), inc(2)], { x: inc(3) }); // [[2, 3], { x: 4 }]
 */
export function compute<const T extends readonly unknown[]>(
  ...args: [...T, GraphComputeOptions]
): Promise<Computed<T>>;
export function compute<const T extends readonly unknown[]>(...args: T): Promise<Computed<T>>;
export function compute(...args: unknown[]): Promise<unknown[]> {
  try {
    return computeOwn(args) ?? computeAll(args);
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * The common case without the general machinery: one collection (a Delayed) that hands over its
 * own kept graph and has one key, alone or with options. Undefined for anything else.
 */
function computeOwn(args: readonly unknown[]): Promise<unknown[]> | undefined {
  const n = args.length;
  if (n === 0 || n > 2) return undefined;
  const v = args[0];
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return undefined;
  // Past a proxy once; every later read goes to the collection's own methods.
  const outer = v as Partial<OwnGraph> & Partial<Collection>;
  const own = outer[ownSelf] ?? outer;
  if (typeof own[ownGraph] !== 'function') return undefined;
  let options: GraphComputeOptions = NO_OPTIONS;
  if (n === 2) {
    const last = args[1];
    if (!isOptions(last)) return undefined;
    options = last;
  }
  const nested = (own as Collection)[daskKeys]();
  const keys =
    nested.length === 1 && typeof nested[0] === 'string'
      ? (nested as string[])
      : flattenKeys(nested);
  if (keys.length !== 1) return undefined;
  const g = (own as OwnGraph)[ownGraph](options.optimize !== false);
  const scheduler = getScheduler(options.scheduler);
  const so = schedulerOptions(options);
  const out =
    scheduler.getNow !== undefined ? scheduler.getNow(g, keys, so) : scheduler.get(g, keys, so);
  if (Array.isArray(out)) return Promise.resolve([(own as Collection)[daskFinalize](out)]);
  return out.then((results) => [(own as Collection)[daskFinalize](results)]);
}

const NO_OPTIONS: GraphComputeOptions = Object.freeze({});

/** Whether `last` is an options object (a plain object of option names only). */
function isOptions(last: unknown): last is GraphComputeOptions {
  if (!isPlainObject(last) || isCollection(last)) return false;
  for (const k in last) if (!OPTION_KEYS.has(k)) return false;
  return true;
}

/** The options a scheduler takes (without compute's own). */
function schedulerOptions(options: GraphComputeOptions): ComputeOptions {
  if (options === NO_OPTIONS) return options;
  let own = true; // only compute's own options: nothing to copy
  for (const k in options)
    if (k !== 'scheduler' && k !== 'optimize' && k !== 'traverse') own = false;
  if (own) return NO_OPTIONS;
  const { scheduler: _spec, optimize: _optimize, traverse: _traverse, ...rest } = options;
  return rest;
}

async function computeAll(args: readonly unknown[]): Promise<unknown[]> {
  const [values, options] = splitOptions(args);
  const { collections, repack } = unpack(values, options.traverse !== false);
  const { keys, byKey } = await run(collections, options);
  return repack(collections.map((c, i) => c[daskFinalize](keys[i]!.map((k) => byKey.get(k)))));
}

/**
 * Computes collections and returns them again with their keys held as computed data (through
 * each collection's `daskRebuild`), so later computations start from the results.
 *
 * @example
 * const [total] = await persist(sum); // total is a Delayed whose value is already computed
 */
export function persist<const T extends readonly unknown[]>(
  ...args: [...T, GraphComputeOptions]
): Promise<{ -readonly [K in keyof T]: T[K] }>;
export function persist<const T extends readonly unknown[]>(
  ...args: T
): Promise<{ -readonly [K in keyof T]: T[K] }>;
export async function persist(...args: unknown[]): Promise<unknown[]> {
  const [values, options] = splitOptions(args);
  const { collections, repack } = unpack(values, options.traverse !== false);
  collections.forEach((c) => {
    if (typeof c[daskRebuild] !== 'function') {
      const at = values.indexOf(c);
      throw new TypeError(
        `persist: ${at >= 0 ? `argument ${at}` : 'a value inside the arguments'} is a collection without a [daskRebuild] method, so it cannot hold computed results; use compute() instead`,
      );
    }
  });
  const { keys, byKey } = await run(collections, options);
  return repack(
    collections.map((c, i) => {
      const own = new Map(keys[i]!.map((k) => [k, byKey.get(k)] as const));
      return (c as Required<Collection>)[daskRebuild](own);
    }),
  );
}
