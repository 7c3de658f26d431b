// User functions as task arguments. A self-contained lambda becomes a `source` reference, wrapped
// in an inline call that evaluates to the function where the task runs (so it works on worker
// threads and processes); a closure with free variables becomes a `local` reference carrying the
// reason it cannot leave this thread - the `sync` scheduler calls it, a threaded scheduler refuses
// it before anything runs, with a message naming the variable and showing the fix. Module and
// builtin references pass as literals and the kernel imports them (kernel-fns.ts). Property keys
// (`foldby('name', ...)`) become tiny source functions.
import type {
  BuiltinRef,
  FunctionRef,
  LocalRef,
  ModuleRef,
  PortableFunctionRef,
  SourceRef,
  TaskFunction,
} from '@dask-ts/protocol';
import { tokenize, toFunctionRef } from '@dask-ts/graph';

/**
 * A function given to a bag operation: a function, or a reference to one (`moduleRef`,
 * `builtinRef`, `sourceRef` from `@dask-ts/graph`).
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

/** A user function prepared for task arguments, with a token for key names. */
export interface FnArg {
  /** What the kernel receives (an inline call, or a literal reference). */
  readonly arg:
    | { readonly $call: SourceRef | LocalRef; readonly args: readonly [] }
    | { readonly $literal: ModuleRef | BuiltinRef };
  readonly token: string;
}

const FN_KINDS = new Set(['module', 'builtin', 'source', 'local']);

function isFunctionRef(v: unknown): v is FunctionRef {
  return typeof v === 'object' && v !== null && FN_KINDS.has((v as { kind?: string }).kind ?? '');
}

/**
 * Prepares a user function for a bag kernel. `op` names the operation, for the fix shown when a
 * closure is refused.
 *
 * @example
 * const { arg } = fnArg((x: number) => x + 1, {}, 'map');
 */
export function fnArg(fn: unknown, options: FnOptions, op: string): FnArg {
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
  return { arg: asArg(r, op), token: tokenOf(r, fn) };
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

function asArg(r: FunctionRef, op: string): FnArg['arg'] {
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
        ...(r.problem !== undefined ? { problem: fixFor(r.problem, op) } : {}),
      };
      return { $call: factory, args: [] };
    }
    case 'module':
    case 'builtin':
      return { $literal: r };
  }
}

/** Shows the fix in the bag's own terms (`b.map(fn, { scope })`), not delayed's. */
function fixFor(problem: string, op: string): string {
  return problem.replace(/delayed\(fn, \{ scope:/g, `bag.${op}(fn, { scope:`);
}

/**
 * A key function: a function, a function reference, or a property name / index.
 *
 * @example
 * keyArg('name', {}, 'foldby'); // the function (x) => x["name"]
 */
export function keyArg(key: unknown, options: FnOptions, op: string): FnArg {
  if (typeof key === 'string' || typeof key === 'number') {
    const source = `(x) => x[${JSON.stringify(key)}]`;
    return fnArg(
      { kind: 'source', source, scope: {}, name: `key ${JSON.stringify(key)}` } satisfies SourceRef,
      {},
      op,
    );
  }
  return fnArg(key, options, op);
}

/**
 * The name a user function gives the keys of its tasks, as Dask names them (`inc-<token>`): the
 * function's own name, a module reference's export name, or undefined for anonymous functions.
 *
 * @example
 * keyPrefix(function inc(x: number) { return x + 1; }); // 'inc'
 */
export function keyPrefix(fn: unknown, options: FnOptions = {}): string | undefined {
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
