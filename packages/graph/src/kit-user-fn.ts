// User functions as task arguments, for collection operations (`map(fn)`, `filter(fn)`...). A task
// argument cannot hold a function, so a self-contained lambda becomes a `source` reference wrapped
// in an inline call that evaluates to the function where the task runs (so it works on worker
// threads and processes); a closure with free variables becomes a `local` reference carrying the
// reason it cannot leave this thread - the `sync` scheduler calls it, a threaded scheduler refuses
// it before anything runs, with a message naming the variable and showing the fix in the
// collection's own terms (`bag.map(fn, { scope })`). Module and builtin references pass as
// literals and the kernel resolves them. Property keys (`foldby('name', ...)`) become tiny source
// functions. Each argument comes with a token for key names.
import type {
  BuiltinRef,
  FunctionRef,
  LocalRef,
  ModuleRef,
  PortableFunctionRef,
  SourceRef,
  TaskFunction,
} from '@dask-ts/protocol';
import { toFunctionRef } from './source.js';
import { tokenize } from './tokenize.js';

/**
 * A function given to a collection operation: a function, or a reference to one (`moduleRef`,
 * `builtinRef`, `sourceRef`).
 *
 * @example
 * const f: UserFn<(x: number) => number> = (x) => x * 2;
 * const g: UserFn<(x: number) => number> = moduleRef(import.meta.url, 'double');
 */
export type UserFn<F> = F | PortableFunctionRef;

/**
 * Options of operations that take a user function.
 *
 * @example
 * b.map((x) => x * k, { scope: { k } });
 */
export interface FnOptions {
  /** Outer values the function reads, passed by name so it can run on worker threads. */
  readonly scope?: Readonly<Record<string, unknown>>;
  /** A name for the function (errors, progress). */
  readonly name?: string;
}

/**
 * A user function prepared for task arguments, with a token for key names.
 *
 * @example
 * const { arg, token } = fns.arg((x: number) => x + 1, {}, 'map');
 */
export interface FnArg {
  /** What the kernel receives (an inline call, or a literal reference to resolve). */
  readonly arg:
    | { readonly $call: SourceRef | LocalRef; readonly args: readonly [] }
    | { readonly $literal: ModuleRef | BuiltinRef };
  readonly token: string;
}

/**
 * User-function arguments of one collection type, named in its terms (see {@link userFunctions}).
 *
 * @example
 * const { arg } = fns.arg((x: number) => x * 2, {}, 'map');
 */
export interface UserFunctions {
  /** Prepares a function for a kernel; `op` names the operation in errors and fixes. */
  arg(fn: unknown, options: FnOptions, op: string): FnArg;
  /** A key function: a function, a function reference, or a property name / index. */
  key(key: unknown, options: FnOptions, op: string): FnArg;
}

const FN_KINDS = new Set(['module', 'builtin', 'source', 'local']);

function isFunctionRef(v: unknown): v is FunctionRef {
  return typeof v === 'object' && v !== null && FN_KINDS.has((v as { kind?: string }).kind ?? '');
}

/**
 * User-function arguments for the collection `prefix` (its errors read `<prefix>.<op>(fn, ...)`).
 *
 * @example
 * const fns = userFunctions('vector');
 * const f = fns.arg((x: number) => x * 2, {}, 'map');
 * kernels.task('map', [f.arg, { $ref: '["x",0]' }]);
 * fns.key('name', {}, 'groupby'); // the function (x) => x["name"]
 */
export function userFunctions(prefix: string): UserFunctions {
  const arg = (fn: unknown, options: FnOptions, op: string): FnArg => {
    let r: FunctionRef;
    if (typeof fn === 'function') {
      r = toFunctionRef(fn as TaskFunction, { scope: options.scope, name: options.name });
    } else if (isFunctionRef(fn)) {
      r = fn;
    } else {
      throw new TypeError(
        `${op}: expected a function or a function reference, got ${fn === null ? 'null' : typeof fn}`,
      );
    }
    return { arg: asArg(r, `${prefix}.${op}`), token: tokenOf(r, fn) };
  };
  const key = (k: unknown, options: FnOptions, op: string): FnArg => {
    if (typeof k === 'string' || typeof k === 'number') {
      const source = `(x) => x[${JSON.stringify(k)}]`;
      const ref: SourceRef = {
        kind: 'source',
        source,
        scope: {},
        name: `key ${JSON.stringify(k)}`,
      };
      return arg(ref, {}, op);
    }
    return arg(k, options, op);
  };
  return { arg, key };
}

function tokenOf(r: FunctionRef, fn: unknown): string {
  if (r.kind === 'local') {
    // A closure's behaviour depends on values we cannot see: give it an identity-based token.
    return tokenize(r.name, Function.prototype.toString.call(fn), closureId(fn as object));
  }
  return tokenize(r);
}

const ids = new WeakMap<object, number>();
let nextId = 0;
function closureId(fn: object): number {
  let id = ids.get(fn);
  if (id === undefined) ids.set(fn, (id = ++nextId));
  return id;
}

function asArg(r: FunctionRef, call: string): FnArg['arg'] {
  switch (r.kind) {
    case 'source': {
      const factory: SourceRef = {
        kind: 'source',
        source: `() => (${r.source}\n)`,
        scope: r.scope,
        ...(r.name !== undefined ? { name: r.name } : {}),
      };
      return { $call: factory, args: [] };
    }
    case 'local': {
      const user = r.fn;
      const factory: LocalRef = {
        kind: 'local',
        fn: () => user,
        name: r.name,
        // Shows the fix in the collection's own terms (`bag.map(fn, { scope })`), not delayed's.
        ...(r.problem !== undefined
          ? { problem: r.problem.replace(/delayed\(fn, \{ scope:/g, `${call}(fn, { scope:`) }
          : {}),
      };
      return { $call: factory, args: [] };
    }
    case 'module':
    case 'builtin':
      return { $literal: r };
  }
}

/**
 * The name a user function gives the keys of its tasks, as Dask names them (`inc-<token>`): the
 * function's own name, a module reference's export name, or undefined for anonymous functions.
 *
 * @example
 * fnKeyPrefix(function inc(x: number) { return x + 1; }); // 'inc'
 */
export function fnKeyPrefix(fn: unknown, options: FnOptions = {}): string | undefined {
  const raw =
    options.name ??
    (typeof fn === 'function'
      ? fn.name
      : isFunctionRef(fn)
        ? fn.kind === 'module'
          ? fn.exportName
          : fn.kind === 'builtin'
            ? fn.name.slice(fn.name.lastIndexOf('.') + 1)
            : fn.name
        : undefined);
  if (raw === undefined || raw === '' || raw === 'anonymous') return undefined;
  const clean = raw.replace(/^bound /, '').replace(/[^A-Za-z0-9_$.]/g, '_');
  return clean === '' ? undefined : clean;
}
