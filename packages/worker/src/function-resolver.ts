// Turning function references into callable functions, with caches so that a batch of tasks
// sharing one function pays for its resolution once. `module` refs are imported (once per
// specifier), `builtin` refs are looked up in protocol's registry after importing their module
// when needed, `source` refs are rebuilt once per (source, scope) and `local` refs are refused:
// closures never cross threads. Resolution is synchronous; when a module is not loaded yet it
// throws a `Suspend` (see suspend.ts) and the caller awaits the import and asks again.
import {
  decodeValue,
  FunctionRefError,
  MissingCodecError,
  functionName,
  isPlainObject,
  lookupBuiltin,
  type BuiltinRef,
  type FunctionRef,
  type ModuleRef,
  type SourceRef,
  type TaskFunction,
} from '@dask-ts/protocol/runtime';
import { ModuleLoader } from './module-loader.js';
import { buildSourceFunction } from './source-function.js';
import { Suspend } from './suspend.js';

/** Past this many scopes for one source text, its cache starts over (bounds memory). */
const MAX_SCOPES_PER_SOURCE = 1024;

/**
 * Resolves function references to functions, caching every resolution.
 *
 * @example
 * const fns = new FunctionResolver();
 * const f = fns.resolve({ kind: 'source', source: '(x) => x + k', scope: { k: 1 } });
 */
export class FunctionResolver {
  private readonly modules = new ModuleLoader();
  private readonly exports = new Map<string, Map<string, TaskFunction>>();
  private readonly sources = new Map<string, Map<string, TaskFunction>>();
  private readonly sourcesByScope = new WeakMap<object, Map<string, TaskFunction>>();
  // The last resolution of each kind: consecutive tasks usually share their function.
  private lastSource:
    { ref: SourceRef; source: string; scope: object; size: number; fn: TaskFunction } | undefined;
  private lastModule: { specifier: string; exportName: string; fn: TaskFunction } | undefined;
  private lastBuiltin: { name: string; fn: TaskFunction } | undefined;

  /**
   * The function a reference names; throws a `Suspend` while its module is being imported and an
   * `Error` naming the function when it cannot be resolved.
   *
   * @example
   * const join = fns.resolve({ kind: 'module', specifier: 'node:path', exportName: 'join' });
   */
  resolve(ref: FunctionRef): TaskFunction {
    switch (ref.kind) {
      case 'source':
        return this.source(ref);
      case 'module':
        return this.module(ref);
      case 'builtin':
        return this.builtin(ref);
      case 'local':
        throw new FunctionRefError(
          `Function '${ref.name}' is a local closure and cannot run in a worker: local functions never cross threads or processes${ref.problem ? ` (${ref.problem})` : ''}. Use a module reference, or a source reference with its outer values in 'scope'.`,
          undefined,
        );
      default:
        throw new FunctionRefError(
          `Unknown function reference kind '${String((ref as { kind?: unknown }).kind)}'`,
          undefined,
        );
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

  private module(ref: ModuleRef): TaskFunction {
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
      throw new FunctionRefError(
        `Cannot load function '${ref.exportName}' from module '${ref.specifier}': ${entry.error.message}`,
        undefined,
      );
    }
    const fn = entry.namespace[ref.exportName];
    if (typeof fn !== 'function') {
      throw new FunctionRefError(
        `Module '${ref.specifier}' has no function export '${ref.exportName}' (${fn === undefined ? 'no such export' : `it is a ${typeof fn}`})`,
        undefined,
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

  private builtin(ref: BuiltinRef): TaskFunction {
    const last = this.lastBuiltin;
    if (last !== undefined && last.name === ref.name) return last.fn;
    let fn = lookupBuiltin(ref.name);
    if (fn === undefined) {
      if (ref.module === undefined) {
        throw new FunctionRefError(
          `Builtin '${ref.name}' is not registered in this worker, and its reference names no module that registers it`,
          undefined,
        );
      }
      const entry = this.modules.get(ref.module) ?? this.modules.load(ref.module);
      if (entry.state === 'loading') throw new Suspend(entry.done);
      if (entry.state === 'failed') {
        throw new FunctionRefError(
          `Cannot load builtin '${ref.name}': importing its module '${ref.module}' failed: ${entry.error.message}`,
          undefined,
        );
      }
      fn = lookupBuiltin(ref.name);
      if (fn === undefined) {
        throw new FunctionRefError(
          `Builtin '${ref.name}' is not registered, even after importing its module '${ref.module}'`,
          undefined,
        );
      }
    }
    this.lastBuiltin = { name: ref.name, fn };
    return fn;
  }

  private source(ref: SourceRef): TaskFunction {
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
      fn = rebuild(ref);
      if (byScope.size >= MAX_SCOPES_PER_SOURCE) byScope.clear();
      byScope.set(cacheKey, fn);
    }
    this.lastSource = { ref, source: text, scope, size, fn };
    return fn;
  }
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

function rebuild(ref: SourceRef): TaskFunction {
  const name = functionName(ref);
  let fn: unknown;
  try {
    // The same code as the sync scheduler builds (source-function.ts), so a function behaves
    // alike on every scheduler and its stack frames point at the user's file.
    fn = buildSourceFunction(ref, (n, r) => decodeValue(r.scope[n]));
  } catch (err) {
    const e = err as Error;
    throw new FunctionRefError(
      `Cannot rebuild source function '${name}' in the worker: ${e.name}: ${e.message}`,
      undefined,
      Object.keys(ref.scope),
    );
  }
  if (typeof fn !== 'function') {
    throw new FunctionRefError(
      `Source function '${name}' does not evaluate to a function (got ${fn === null ? 'null' : typeof fn})`,
      undefined,
    );
  }
  return fn as TaskFunction;
}
