// The one function resolver: the in-thread scheduler, worker threads and processes, and the
// kernels of collections (a module or builtin reference passed as a kernel argument) all turn
// function references into functions here, with one cache policy, one set of error texts and one
// module loader per thread (module-loader.ts: TypeScript through tsx, the entry script refused).
// - `module` refs are imported once per specifier; `builtin` refs are looked up in protocol's
//   registry, importing their module first when the name is not registered yet; `source` refs are
//   rebuilt once per (text, scope), their scope values decoded as task arguments are (importing a
//   codec's module when needed); `local` refs (closures) are called only where the resolver allows
//   it (the in-thread scheduler): closures never cross threads.
// - Consecutive tasks usually share their function: the last resolution of each kind is kept
//   and answered without a map lookup.
// - Errors are `FunctionRefError`s naming the function (and the module), prefixed with
//   `Task <key>: ` where the caller knows the task (a worker reports the key with the failure).
// - Two faces: `resolve` is synchronous and throws a `Suspend` (suspend.ts) while a module is
//   being imported; `resolveNow` returns the function, or a promise of it only while a module is
//   being imported.
import {
  decodeValue,
  FunctionRefError,
  MissingCodecError,
  functionName,
  isPlainObject,
  lookupBuiltin,
  registerFunctionResolver,
  type BuiltinRef,
  type FunctionRef,
  type ModuleRef,
  type SourceRef,
  type TaskFunction,
} from '@dask-ts/protocol/runtime';
import { threadModules, type ModuleLoader } from './module-loader.js';
import { buildSourceFunction } from './source-function.js';
import { Suspend } from './suspend.js';

/** Past this many scopes for one source text, its cache starts over (bounds memory). */
const MAX_SCOPES_PER_SOURCE = 1024;

/**
 * Options of a {@link FunctionResolver}.
 *
 * @example
 * new FunctionResolver({ callLocal: true });
 */
export interface FunctionResolverOptions {
  /** Resolve `local` refs (closures) to their function: only in the thread that made them. */
  readonly callLocal?: boolean;
  /** The module loader (default: the one of this thread, shared by every resolver in it). */
  readonly modules?: ModuleLoader;
}

/**
 * Resolves function references to functions, caching every resolution.
 *
 * @example
 * const fns = new FunctionResolver();
 * const f = fns.resolve({ kind: 'source', source: '(x) => x + k', scope: { k: 1 } });
 */
export class FunctionResolver {
  private readonly modules: ModuleLoader;
  private readonly callLocal: boolean;
  private readonly exports = new Map<string, Map<string, TaskFunction>>();
  private readonly sources = new Map<string, Map<string, TaskFunction>>();
  private readonly sourcesByScope = new WeakMap<object, Map<string, TaskFunction>>();
  // The last resolution of each kind: consecutive tasks usually share their function.
  private lastSource:
    { ref: SourceRef; source: string; scope: object; size: number; fn: TaskFunction } | undefined;
  private lastModule: { specifier: string; exportName: string; fn: TaskFunction } | undefined;
  private lastBuiltin: { name: string; fn: TaskFunction } | undefined;

  constructor(options: FunctionResolverOptions = {}) {
    this.modules = options.modules ?? threadModules;
    this.callLocal = options.callLocal ?? false;
  }

  /**
   * The function a reference names; throws a `Suspend` while its module is being imported and a
   * `FunctionRefError` naming the function (and the task `key`, when given) when it cannot be
   * resolved.
   *
   * @example
   * const join = fns.resolve({ kind: 'module', specifier: 'node:path', exportName: 'join' });
   */
  resolve(ref: FunctionRef, key?: string): TaskFunction {
    switch (ref.kind) {
      case 'source':
        return this.source(ref, key);
      case 'module':
        return this.module(ref, key);
      case 'builtin':
        return this.builtin(ref, key);
      case 'local':
        if (this.callLocal && typeof ref.fn === 'function') return ref.fn;
        throw refError(
          key,
          `Function '${ref.name}' is a local closure and cannot run in a worker: local functions never cross threads or processes${ref.problem ? ` (${ref.problem})` : ''}. Use a module reference, or a source reference with its outer values in 'scope'.`,
        );
      default:
        throw refError(
          key,
          `Unknown function reference kind '${String((ref as { kind?: unknown }).kind)}'`,
        );
    }
  }

  /**
   * The function a reference names, or a promise of it only while its module is being imported;
   * throws (or rejects with) the errors of {@link FunctionResolver.resolve}.
   *
   * @example
   * const f = fns.resolveNow(ref, 'y');
   * const fn = typeof f === 'function' ? f : await f;
   */
  resolveNow(ref: FunctionRef, key?: string): TaskFunction | Promise<TaskFunction> {
    try {
      return this.resolve(ref, key);
    } catch (err) {
      if (!(err instanceof Suspend)) throw err;
      return err.until.then(() => this.resolveNow(ref, key));
    }
  }

  /**
   * Decodes a payload (see `decodeValue`), importing the module of a codec it lacks: throws a
   * `Suspend` while the module is being imported (decode again then), and an `Error` naming the
   * codec and module when importing fails or does not register the codec.
   *
   * @example
   * const args = fns.decode(task.args, task.key);
   */
  decode(payload: unknown, key?: string): unknown {
    try {
      return decodeValue(payload, key === undefined ? undefined : { key });
    } catch (err) {
      if (!(err instanceof MissingCodecError) || err.module === undefined) throw err;
      const entry = this.modules.get(err.module) ?? this.modules.load(err.module);
      if (entry.state === 'loading') throw new Suspend(entry.done);
      if (entry.state === 'failed') {
        throw new Error(
          `Cannot decode ${key === undefined ? 'a value' : `the value of ${key}`}: importing '${err.module}', the module of codec '${err.codec}', failed: ${entry.error.message}`,
          { cause: entry.error },
        );
      }
      throw new Error(
        `Cannot decode ${key === undefined ? 'a value' : `the value of ${key}`}: codec '${err.codec}' is not registered, even after importing its module '${err.module}' (register it at the module's top level)`,
      );
    }
  }

  private module(ref: ModuleRef, key: string | undefined): TaskFunction {
    const last = this.lastModule;
    if (
      last !== undefined &&
      last.specifier === ref.specifier &&
      last.exportName === ref.exportName
    )
      return last.fn;
    const cached = this.exports.get(ref.specifier)?.get(ref.exportName);
    if (cached !== undefined) {
      this.lastModule = { specifier: ref.specifier, exportName: ref.exportName, fn: cached };
      return cached;
    }
    const entry = this.modules.get(ref.specifier) ?? this.modules.load(ref.specifier);
    if (entry.state === 'loading') throw new Suspend(entry.done);
    if (entry.state === 'failed') {
      throw refError(
        key,
        `Cannot load function '${ref.exportName}' from module '${ref.specifier}': ${entry.error.message}`,
      );
    }
    const fn = entry.namespace[ref.exportName];
    if (typeof fn !== 'function') {
      throw refError(
        key,
        `Module '${ref.specifier}' has no function export '${ref.exportName}' (${fn === undefined ? 'no such export' : `it is a ${typeof fn}`})`,
      );
    }
    let byName = this.exports.get(ref.specifier);
    if (byName === undefined) this.exports.set(ref.specifier, (byName = new Map()));
    byName.set(ref.exportName, fn as TaskFunction);
    this.lastModule = {
      specifier: ref.specifier,
      exportName: ref.exportName,
      fn: fn as TaskFunction,
    };
    return fn as TaskFunction;
  }

  private builtin(ref: BuiltinRef, key: string | undefined): TaskFunction {
    const last = this.lastBuiltin;
    if (last !== undefined && last.name === ref.name) return last.fn;
    let fn = lookupBuiltin(ref.name);
    if (fn === undefined) {
      if (ref.module === undefined) {
        throw refError(
          key,
          `Builtin '${ref.name}' is not registered here, and its reference names no module that registers it: import the package that registers it, or give the reference its module`,
        );
      }
      const entry = this.modules.get(ref.module) ?? this.modules.load(ref.module);
      if (entry.state === 'loading') throw new Suspend(entry.done);
      if (entry.state === 'failed') {
        throw refError(
          key,
          `Cannot load builtin '${ref.name}': importing its module '${ref.module}' failed: ${entry.error.message}`,
        );
      }
      fn = lookupBuiltin(ref.name);
      if (fn === undefined) {
        throw refError(
          key,
          `Builtin '${ref.name}' is not registered, even after importing its module '${ref.module}'`,
        );
      }
    }
    this.lastBuiltin = { name: ref.name, fn };
    return fn;
  }

  private source(ref: SourceRef, key: string | undefined): TaskFunction {
    const last = this.lastSource;
    if (last !== undefined && last.ref === ref) return last.fn;
    const scope = ref.scope;
    // Helpers and origin are part of what the text means: they key the caches with it.
    const text =
      ref.helpers === undefined && ref.origin === undefined
        ? ref.source
        : `${ref.source}\0${ref.origin ?? ''}\0${ref.helpers === undefined ? '' : JSON.stringify(ref.helpers)}`;
    if (last !== undefined && last.source === text && sameScope(last.scope, scope, last.size)) {
      this.lastSource = { ...last, ref };
      return last.fn;
    }
    let size = 0;
    for (const _ in scope) size++;
    const token = size === 0 ? '' : scopeToken(scope);
    let byScope: Map<string, TaskFunction> | undefined;
    if (token === undefined) {
      // Scope values without a faithful text form (typed arrays, Maps...): cache by identity.
      byScope = this.sourcesByScope.get(scope);
      if (byScope === undefined) this.sourcesByScope.set(scope, (byScope = new Map()));
    } else {
      byScope = this.sources.get(text);
      if (byScope === undefined) this.sources.set(text, (byScope = new Map()));
    }
    const cacheKey = token === undefined ? text : token;
    let fn = byScope.get(cacheKey);
    if (fn === undefined) {
      fn = this.rebuild(ref, key);
      if (byScope.size >= MAX_SCOPES_PER_SOURCE) byScope.clear();
      byScope.set(cacheKey, fn);
    }
    this.lastSource = { ref, source: text, scope, size, fn };
    return fn;
  }

  private rebuild(ref: SourceRef, key: string | undefined): TaskFunction {
    const name = functionName(ref);
    let fn: unknown;
    try {
      // Scope values travel as task arguments do: decoded (a codec's module imported) first.
      fn = buildSourceFunction(ref, (n, r) => this.decode(r.scope[n]));
    } catch (err) {
      if (err instanceof Suspend) throw err;
      const e = err as Error;
      throw refError(
        key,
        `Cannot rebuild source function '${name}': ${e.name}: ${e.message}`,
        Object.keys(ref.scope),
      );
    }
    if (typeof fn !== 'function') {
      throw refError(
        key,
        `Source function '${name}' does not evaluate to a function (got ${fn === null ? 'null' : typeof fn})`,
      );
    }
    return fn as TaskFunction;
  }
}

/** The error of a reference that cannot be resolved, naming the task where it is known. */
function refError(
  key: string | undefined,
  message: string,
  variables?: readonly string[],
): FunctionRefError {
  return new FunctionRefError(
    key === undefined ? message : `Task ${key}: ${message}`,
    key,
    variables,
  );
}

function sameScope(a: object, b: Readonly<Record<string, unknown>>, sizeOfA: number): boolean {
  if (a === b) return true;
  let n = 0;
  for (const k in b) {
    if (!Object.is((a as Record<string, unknown>)[k], b[k]) || !(k in a)) return false;
    n++;
  }
  return n === sizeOfA;
}

/** A text that is equal for two scopes exactly when they hold equal JSON-like values. */
function scopeToken(scope: Readonly<Record<string, unknown>>): string | undefined {
  return jsonLike(scope, 0) ? JSON.stringify(scope) : undefined;
}

function jsonLike(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      // NaN, infinities and -0 do not survive JSON.
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth > 8) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!jsonLike(value[i], depth + 1)) return false;
        return true;
      }
      if (!isPlainObject(value) || '$codec' in value) return false;
      for (const k in value) if (!jsonLike(value[k], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

/** This thread's resolver for callers in the thread that built the graph (closures allowed). */
const inThread = new FunctionResolver({ callLocal: true });

// Code running inside tasks (collection kernels taking user functions) resolves through protocol's
// `resolveFunctionRef`, which is this resolver wherever tasks run (collections never import the
// worker runtime).
registerFunctionResolver((ref, key) => inThread.resolveNow(ref, key));

/**
 * Resolves a function reference in this thread, with the one resolver every scheduler uses: the
 * function, or a promise of it only while its module is being imported. `local` refs (closures)
 * resolve to themselves; errors are `FunctionRefError`s naming the task `key` when given.
 *
 * @example
 * const f = resolveFunction({ kind: 'module', specifier: 'node:path', exportName: 'join' }, 'y');
 * const join = typeof f === 'function' ? f : await f;
 */
export function resolveFunction(
  ref: FunctionRef,
  key?: string,
): TaskFunction | Promise<TaskFunction> {
  return inThread.resolveNow(ref, key);
}
