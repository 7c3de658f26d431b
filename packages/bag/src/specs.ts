// The one table of a fused pipeline's stages and sinks (kernels-pipe.ts): each row names an
// operation and lists its parameters, in order. A spec is plain data that travels in task
// arguments - `['filter', fn, true]`, `['foldby', key, binop, hasInit, { $literal: initial }]` - so
// it stays a positional tuple (as small on the wire as it can be); its types are derived here from
// the table, never written by hand: `StageSpec` / `SinkSpec` are what builders may put in a graph
// (the compiler refuses a wrong name, arity or type), `RunStage` / `RunSink` are what the
// interpreters (kernels-stages.ts, kernels-sinks.ts) read once function slots are resolved, in a
// `switch` on the name that the compiler checks for exhaustiveness.
//
// A parameter has a build type and a run type: `fn` slots hold a user function prepared for task
// arguments (fn-arg.ts) and become the function itself; `literal` slots hold `{ $literal: v }`,
// which the scheduler unwraps to `v`; `value` slots hold plain data that arrives as it was sent.
// The table also tells the pipe kernel, at run time, which slots hold functions to resolve, and
// lets it refuse a spec of unknown name or wrong arity with an error naming both.
//
// Adding an operation: add its row below, then its `case` in makeStage / makeSink (the compiler
// points there); builders then build it with the compiler checking every parameter.
import type { TaskFunction } from '@dask-ts/protocol';
import type { Codec } from './compression.js';
import type { FnArg } from './fn-arg.js';
import { describe } from './kernels-elementwise.js';

/**
 * One parameter of a spec: `B` is what a builder puts in the graph, `R` what the interpreter reads.
 *
 * @example
 * const keep: Param<boolean, boolean> = value<boolean>('keep');
 */
export interface Param<B, R> {
  /** The parameter's name (errors, and the table's documentation). */
  readonly name: string;
  /** Whether the slot holds a user function, resolved before the pipeline starts. */
  readonly fn: boolean;
  /** Type-level only (never set): relates the build type to the run type. */
  readonly types?: (built: B) => R;
}

type AnyParam = Param<never, unknown>;
type Table = Readonly<Record<string, readonly AnyParam[]>>;

/** A user function, prepared by `fnArg` / `keyArg`; the interpreter reads the function. */
function fn(name: string): Param<FnArg['arg'], TaskFunction> {
  return { name, fn: true };
}

/** A user function or `null` (the identity). */
function optionalFn(name: string): Param<FnArg['arg'] | null, TaskFunction> {
  return { name, fn: true };
}

/** Plain data (strings, numbers, booleans, arrays of task arguments), read as sent. */
function value<T>(name: string): Param<T, T> {
  return { name, fn: false };
}

/** Any value, sent as `{ $literal: v }` so the scheduler never looks inside it; read as `v`. */
function literal<T>(name: string): Param<{ readonly $literal: T }, T> {
  return { name, fn: false };
}

/**
 * The element-wise stages (kernels-stages.ts): each takes an element and pushes zero, one or many.
 *
 * @example
 * STAGES.filter.map((p) => p.name); // ['predicate', 'keep']
 */
export const STAGES = {
  /** `fn(x, ...extra)`. */
  map: [fn('fn'), value<readonly unknown[]>('extra')],
  /** `fn(...x, ...extra)`. */
  starmap: [fn('fn'), value<readonly unknown[]>('extra')],
  /** Keeps `x` when `Boolean(predicate(x)) === keep`. */
  filter: [fn('predicate'), value<boolean>('keep')],
  /** Pushes the items of `x`. */
  flatten: [],
  /** `x[key]`, or a tuple for an array of keys; `default` fills missing keys when `hasDefault`. */
  pluck: [
    literal<PropertyKey | readonly PropertyKey[]>('key'),
    value<boolean>('hasDefault'),
    literal<unknown>('default'),
  ],
  /** A string method (kernels-str.ts) applied to `x`. */
  str: [value<string>('method'), literal<readonly unknown[]>('args')],
  /** Keeps the strings matching a glob pattern. */
  strMatch: [value<string>('pattern')],
  /** `[match, x]` for every item of `other` whose key equals `x`'s. */
  join: [fn('onSelf'), fn('onOther'), value<unknown>('other')],
} as const satisfies Table;

/**
 * The ends of a pipeline (kernels-sinks.ts): what a task makes of its partition's elements.
 *
 * @example
 * SINKS.foldby.map((p) => p.name); // ['key', 'binop', 'hasInit', 'initial']
 */
export const SINKS = {
  /** The partition array. */
  collect: [],
  count: [],
  sum: [],
  /** `[max]` or `[min]` (`[]` for an empty partition). */
  extreme: [value<boolean>('max')],
  /** all (`every`) or any. */
  truthy: [value<boolean>('every')],
  /** `[n, mean, m2]`. */
  moments: [],
  /** Map from grouping key to `[element, count]`. */
  frequencies: [],
  fold: [fn('binop'), value<boolean>('hasInit'), literal<unknown>('initial')],
  foldby: [fn('key'), fn('binop'), value<boolean>('hasInit'), literal<unknown>('initial')],
  distinct: [optionalFn('key')],
  topk: [value<number>('k'), optionalFn('key')],
  /** `fn(partition)`. */
  apply: [fn('fn')],
  /** `fn(partition, ...extra)`, as an array. */
  mapPartitions: [fn('fn'), value<readonly unknown[]>('extra')],
  /** `[key, x]` pairs in `npartitions` buckets by key hash. */
  hashSplit: [fn('key'), value<number>('npartitions')],
  /** `[key, x, target]` triples in `base` buckets by the target's lowest base-`base` digit. */
  shuffleSplit: [fn('key'), value<number>('npartitions'), value<number>('base')],
  /** Writes the partition as a text file; the result is `[path]`. */
  write: [
    value<string>('path'),
    value<Codec>('compression'),
    value<string>('encoding'),
    value<boolean>('lastEndline'),
  ],
  /** Each element with probability `prob`, drawn from a generator seeded with `seed`. */
  sample: [value<number>('prob'), value<number>('seed')],
  /** `[count, bytes]`. */
  sizeof: [],
} as const satisfies Table;

type BuildOf<P> = P extends Param<infer B, unknown> ? B : never;
type RunOf<P> = P extends Param<never, infer R> ? R : never;
type BuildArgs<Row extends readonly AnyParam[]> = { readonly [I in keyof Row]: BuildOf<Row[I]> };
type RunArgs<Row extends readonly AnyParam[]> = { readonly [I in keyof Row]: RunOf<Row[I]> };

/** The specs a table's builders make: a union of `readonly [name, ...parameters]`. */
type BuildSpecs<T extends Table> = {
  [K in keyof T & string]: readonly [K, ...BuildArgs<T[K]>];
}[keyof T & string];

/** The specs a table's interpreter reads. */
type RunSpecs<T extends Table> = {
  [K in keyof T & string]: readonly [K, ...RunArgs<T[K]>];
}[keyof T & string];

/**
 * An element-wise stage as a builder puts it in the graph.
 *
 * @example
 * const s: StageSpec = ['filter', fnArg((x) => x > 0, {}, 'filter').arg, true];
 */
export type StageSpec = BuildSpecs<typeof STAGES>;

/**
 * A pipeline's sink as a builder puts it in the graph.
 *
 * @example
 * const s: SinkSpec = ['topk', 3, null];
 */
export type SinkSpec = BuildSpecs<typeof SINKS>;

/**
 * An element-wise stage as the interpreter reads it (functions resolved, literals unwrapped).
 *
 * @example
 * const s: RunStage = ['filter', (x: number) => x > 0, true];
 */
export type RunStage = RunSpecs<typeof STAGES>;

/**
 * A sink as the interpreter reads it.
 *
 * @example
 * const s: RunSink = ['topk', 3, (x: number) => x];
 */
export type RunSink = RunSpecs<typeof SINKS>;

/**
 * A spec as it arrived in a task, checked against its table: its name is known and its arity
 * right; `slots` are the positions of its function slots.
 *
 * @example
 * const c: Checked = { spec: ['filter', f, true], slots: [1] };
 */
export interface Checked {
  readonly spec: readonly unknown[];
  readonly slots: readonly number[];
}

/**
 * Reads the specs of one table as they arrive in a task: `check` refuses what is not an array, an
 * unknown name or a wrong arity, and says where the functions are; `resolve` puts the resolved
 * functions there (the one for slot n at `fns[at + n]`).
 *
 * @example
 * const c = stageSpecs.check(['filter', f, true]); // c.slots: [1]
 * const run = stageSpecs.resolve(c, [fn], 0); // ['filter', fn, true]
 */
export interface SpecReader<Run> {
  check(spec: unknown): Checked;
  resolve(checked: Checked, fns: readonly TaskFunction[], at: number): Run;
}

function reader<T extends Table>(table: T, what: string): SpecReader<RunSpecs<T>> {
  const rows = new Map<
    string,
    { readonly params: readonly AnyParam[]; readonly slots: number[] }
  >();
  for (const [name, params] of Object.entries(table)) {
    const slots: number[] = [];
    params.forEach((p, i) => {
      if (p.fn) slots.push(i + 1);
    });
    rows.set(name, { params, slots });
  }
  return {
    check(spec) {
      if (!Array.isArray(spec) || typeof spec[0] !== 'string') {
        throw new TypeError(
          `A bag pipeline ${what} must be an array [name, ...parameters], got ${describe(spec)}`,
        );
      }
      const row = rows.get(spec[0]);
      if (row === undefined)
        throw new Error(`Unknown bag pipeline ${what} ${JSON.stringify(spec[0])}`);
      if (spec.length !== row.params.length + 1) {
        const names = row.params.map((p) => p.name).join(', ');
        throw new TypeError(
          `Bag pipeline ${what} '${spec[0]}' takes ${row.params.length} parameter(s) (${names}), got ${spec.length - 1}`,
        );
      }
      return { spec, slots: row.slots };
    },
    resolve({ spec, slots }, fns, at) {
      let out = spec;
      if (slots.length > 0) {
        const copy = spec.slice();
        slots.forEach((j, n) => (copy[j] = fns[at + n]));
        out = copy;
      }
      // The one place the table's promise meets the types: `check` verified the name and arity,
      // the scheduler unwrapped the literals, and every `fn` slot now holds a function.
      return out as unknown as RunSpecs<T>;
    },
  };
}

/** Reads stage specs. @example stageSpecs.check(['flatten']).slots; // [] */
export const stageSpecs: SpecReader<RunStage> = reader(STAGES, 'stage');

/** Reads sink specs. @example sinkSpecs.check(['foldby', k, f, false, 0]).slots; // [1, 2] */
export const sinkSpecs: SpecReader<RunSink> = reader(SINKS, 'sink');

/**
 * For the interpreters' `default:` branch: the compiler proves it unreachable (a table row without
 * its `case` fails to compile here); `check` already refused unknown names at run time.
 *
 * @example
 * default: return unreachableSpec(spec, 'stage');
 */
export function unreachableSpec(spec: never, what: string): never {
  throw new Error(`Unknown bag pipeline ${what} ${JSON.stringify(spec[0])}`);
}
